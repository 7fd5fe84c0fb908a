"""Server-side role guards: a 403 page for the wrong role, sign-in for anonymous visitors."""

from __future__ import annotations

import pytest

from lms.auth.guards import role_required
from lms.auth.models import Role
from tests.conftest import PERSONAS, login


@pytest.fixture
def guarded_app(app):
    @app.get("/_test/overseers")
    @role_required(Role.OVERSEER)
    def overseers_only() -> str:
        return "state-wide figures"

    @app.get("/_test/coordinators")
    @role_required(Role.COORDINATOR, Role.OVERSEER)
    def coordinators() -> str:
        return "agency figures"

    return app


@pytest.mark.parametrize(
    ("persona", "overseers", "coordinators"),
    [
        ("anonymous", 302, 302),
        ("learner", 403, 403),
        ("fred", 403, 403),
        ("coordinator", 403, 200),
        ("overseer", 200, 200),
        ("admin", 200, 200),
    ],
)
def test_role_required(guarded_app, world, persona, overseers, coordinators):
    assert persona in PERSONAS
    client = guarded_app.test_client()
    login(client, world.persona(persona))
    response = client.get("/_test/overseers")
    assert response.status_code == overseers
    if overseers == 403:
        html = response.get_data(as_text=True)
        assert "do not have access" in html and "state-wide figures" not in html
    assert client.get("/_test/coordinators").status_code == coordinators
