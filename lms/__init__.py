"""Harbor: training and certification for people who respond to youth who have experienced
commercial sexual exploitation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the application: configuration, extensions, blueprints, errors and CLI."""
    from pathlib import Path

    # static/ and content/ live at the top of the checkout, beside the package.
    static = Path(__file__).resolve().parent.parent / "static"
    app = Flask(__name__, instance_relative_config=True, static_folder=str(static))
    from lms.config import load_config

    load_config(app, config)
    if app.config["TRUST_PROXY"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["TRUST_PROXY"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]

    from lms import errors, security, templating
    from lms.auth import sessions
    from lms.extensions import csrf, db

    db.init_app(app)
    security.init_upload_limits(app)  # before CSRF, which reads the form
    csrf.init_app(app)
    sessions.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    templating.init_app(app)

    from lms.assessments.views import bp as assessments_bp
    from lms.audit.views import bp as audit_bp
    from lms.auth.views import bp as auth_bp
    from lms.certificates.public import bp as verify_bp
    from lms.certificates.views import bp as certificates_bp
    from lms.courses.views import bp as courses_bp
    from lms.oversight.dashboard_views import bp as dashboard_bp
    from lms.oversight.export_views import bp as exports_bp
    from lms.oversight.report_views import bp as report_bp
    from lms.oversight.views import bp as oversight_bp
    from lms.site.views import bp as site_bp

    blueprints = (site_bp, auth_bp, courses_bp, assessments_bp, certificates_bp, verify_bp)
    oversight = (oversight_bp, dashboard_bp, exports_bp, report_bp)
    for blueprint in (*blueprints, audit_bp, *oversight):
        app.register_blueprint(blueprint)

    from lms.cli import register_commands

    register_commands(app)
    return app
