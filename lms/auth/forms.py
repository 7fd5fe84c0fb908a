"""Account forms (Flask-WTF: every form carries a CSRF token)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    Length,
    ValidationError,
)

from lms import clock
from lms.auth.passwords import MAX_LENGTH, password_problems


class _StrongPassword:
    """Validate a new password against the policy, using the form's name and email."""

    def __call__(self, form: FlaskForm, field: PasswordField) -> None:
        email = getattr(form, "email", None)
        name = getattr(form, "name", None)
        problems = password_problems(
            field.data or "",
            email=email.data if email is not None and email.data else "",
            name=name.data if name is not None and name.data else "",
        )
        if problems:
            raise ValidationError(" ".join(problems))


def _strip(value: str | None) -> str | None:
    """Trim pasted whitespace (a trailing space must not make an address invalid)."""
    return value.strip() if isinstance(value, str) else value


def _choice_id(value: object) -> int:
    """Coerce a submitted choice to an id; anything else becomes 0, which no row has."""
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return 0


def _not_future(form: FlaskForm, field: DateField) -> None:
    if field.data and field.data > clock.today():
        raise ValidationError("The start date cannot be in the future.")
    if field.data and field.data.year < 1950:
        raise ValidationError("Please check the year.")


class LoginForm(FlaskForm):
    email = EmailField(
        "Email address", filters=[_strip], validators=[DataRequired(), Length(max=254)]
    )
    password = PasswordField("Password", validators=[DataRequired(), Length(max=MAX_LENGTH)])


class RegistrationForm(FlaskForm):
    name = StringField("Full name", filters=[_strip], validators=[DataRequired(), Length(max=200)])
    email = EmailField(
        "Work email address",
        filters=[_strip],
        validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)],
    )
    agency = SelectField("Agency", coerce=_choice_id, validate_choice=False)
    discipline = SelectField("Discipline", coerce=_choice_id, validate_choice=False)
    employment_start = DateField(
        "Date you started in this role",
        validators=[DataRequired(message="Enter a date, for example 2024-03-15."), _not_future],
        description="Your training deadlines count from this date.",
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired(), _StrongPassword()],
        description="At least 12 characters. A few unrelated words make a strong password.",
    )
    confirm = PasswordField(
        "Repeat the password",
        validators=[DataRequired(), EqualTo("password", message="The passwords do not match.")],
    )

    def validate_agency(self, field: SelectField) -> None:
        """Refuse the placeholder and anything not offered (all errors show at once)."""
        _offered(field, "Choose your agency from the list.")

    def validate_discipline(self, field: SelectField) -> None:
        """Refuse the placeholder and anything not offered."""
        _offered(field, "Choose your discipline from the list.")


def _offered(field: SelectField, message: str) -> None:
    if field.data == 0 or field.data not in {value for value, _label in field.choices}:
        raise ValidationError(message)


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        "Email address",
        filters=[_strip],
        validators=[DataRequired(), Email(check_deliverability=False)],
    )


class ResetPasswordForm(FlaskForm):
    password = PasswordField("New password", validators=[DataRequired(), _StrongPassword()])
    confirm = PasswordField(
        "Repeat the new password",
        validators=[DataRequired(), EqualTo("password", message="The passwords do not match.")],
    )


class ChangePasswordForm(FlaskForm):
    current = PasswordField("Current password", validators=[DataRequired()])
    password = PasswordField("New password", validators=[DataRequired(), _StrongPassword()])
    confirm = PasswordField(
        "Repeat the new password",
        validators=[DataRequired(), EqualTo("password", message="The passwords do not match.")],
    )
