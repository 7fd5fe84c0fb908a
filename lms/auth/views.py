"""Sign-in, sign-out, registration, password reset and the account page."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from lms import clock
from lms.auth import services
from lms.auth.forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    RegistrationForm,
    ResetPasswordForm,
)
from lms.auth.passwords import Hasher
from lms.auth.sessions import client_address, sign_in, sign_out
from lms.auth.throttle import Limits
from lms.extensions import db
from lms.mail import send_mail

bp = Blueprint("auth", __name__)


def hasher() -> Hasher:
    """Return the password hasher configured for this app."""
    c = current_app.config
    return Hasher(c["ARGON2_TIME_COST"], c["ARGON2_MEMORY_KIB"], c["ARGON2_PARALLELISM"])


def _limits() -> Limits:
    from datetime import timedelta

    c = current_app.config
    return Limits(
        timedelta(minutes=int(c["LOGIN_WINDOW_MINUTES"])),
        int(c["LOGIN_MAX_FAILURES_PER_ACCOUNT"]),
        int(c["LOGIN_MAX_FAILURES_PER_ADDRESS"]),
    )


def _safe_next(target: str | None) -> str:
    """Return ``target`` if it is a local path, else the home page (no open redirects)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("courses.catalogue")


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response | tuple[str, int]:
    if current_user.is_authenticated:
        return redirect(url_for("courses.catalogue"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(
                db.session,
                form.email.data,
                form.password.data,
                client_address(),
                hasher(),
                _limits(),
                clock.now(),
            )
        except services.Throttled as throttled:
            db.session.commit()
            form.form_errors.append(str(throttled))
            return render_template("auth/login.html", form=form), 429
        if user is None:
            db.session.commit()
            form.form_errors.append("That email address and password do not match an account.")
            return render_template("auth/login.html", form=form), 200
        sign_in(user)
        db.session.commit()
        return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout() -> Response:
    sign_out(current_user)
    db.session.commit()
    flash("You have signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/register", methods=["GET", "POST"])
def register() -> str | Response:
    if current_user.is_authenticated:
        return redirect(url_for("courses.catalogue"))
    form = RegistrationForm()
    agencies, disciplines = services.lookup_choices(db.session)
    form.agency.choices = [(0, "Choose your agency")] + [(a.id, a.name) for a in agencies]
    form.discipline.choices = [(0, "Choose your discipline")] + [
        (d.id, d.name) for d in disciplines
    ]
    if form.validate_on_submit():
        new = services.NewUser(
            form.name.data,
            form.email.data,
            form.password.data,
            form.agency.data,
            form.discipline.data,
            form.employment_start.data,
        )
        try:
            user = services.create_user(db.session, new, hasher(), clock.now())
        except services.EmailTaken as taken:
            form.email.errors.append(str(taken))
        else:
            sign_in(user)
            db.session.commit()
            flash("Welcome to Harbor. Your account is ready.", "success")
            return redirect(url_for("courses.catalogue"))
    return render_template("auth/register.html", form=form)


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password() -> str | Response:
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        from sqlalchemy import select

        from lms.auth.models import User

        email = services.normalise_email(form.email.data)
        user = db.session.scalar(select(User).where(User.email == email, User.active))
        if user is not None:
            token = services.reset_token(current_app.secret_key, user)
            link = url_for("auth.reset_password", token=token, _external=True)
            minutes = int(current_app.config["PASSWORD_RESET_MAX_AGE_SECONDS"]) // 60
            send_mail(
                user.email,
                "Reset your Harbor password",
                f"Hello {user.name},\n\nTo choose a new password, open this link within "
                f"{minutes} minutes:\n\n{link}\n\nIf you did not ask for this, you can ignore "
                "this message; your password has not changed.\n",
            )
        # The same answer whether or not the account exists (no account enumeration).
        flash(
            "If an account uses that address, we have sent it a link to reset the password.", "info"
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> str | Response | tuple[str, int]:
    max_age = int(current_app.config["PASSWORD_RESET_MAX_AGE_SECONDS"])
    user = services.user_for_reset_token(db.session, current_app.secret_key, token, max_age)
    if user is None:
        return render_template("auth/reset_invalid.html"), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        services.set_password(db.session, user, form.password.data, hasher(), clock.now())
        db.session.commit()
        flash("Your password has been changed. Please sign in.", "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form)


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account() -> str | Response:
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not hasher().verify(current_user.password_hash, form.current.data):
            form.current.errors.append("That is not your current password.")
        else:
            services.set_password(
                db.session, current_user, form.password.data, hasher(), clock.now()
            )
            sign_in(current_user)  # every other session has ended; this one starts afresh
            db.session.commit()
            flash(
                "Your password has been changed. You have been signed out everywhere else.",
                "success",
            )
            return redirect(url_for("auth.account"))
    return render_template("auth/account.html", form=form)
