"""External-credit forms (Flask-WTF: every form carries a CSRF token)."""

from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, DecimalField, SelectMultipleField, StringField, widgets
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, ValidationError

from lms import clock


class CheckboxesField(SelectMultipleField):
    """Several choices as a list of checkboxes."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def _not_future(form: FlaskForm, field: DateField) -> None:
    if field.data and field.data > clock.now().date():
        raise ValidationError("Enter a date that is not in the future.")


class CreditForm(FlaskForm):
    requirements = CheckboxesField(
        "Requirements this training meets",
        validators=[DataRequired("Choose at least one requirement.")],
    )
    title = StringField(
        "Name of the training",
        validators=[DataRequired("Enter the name of the training."), Length(max=300)],
    )
    provider = StringField(
        "Who provided it",
        validators=[DataRequired("Enter who provided the training."), Length(max=300)],
    )
    completed_on = DateField(
        "Date you completed it",
        validators=[InputRequired("Enter the date you completed it."), _not_future],
    )
    hours = DecimalField(
        "Hours of training",
        places=2,
        validators=[
            InputRequired("Enter the hours of training, for example 6 or 7.5."),
            NumberRange(min=0.25, max=1000, message="Enter hours between 0.25 and 1000."),
        ],
    )
    evidence = FileField(
        "Evidence (certificate or transcript)",
        description="A PDF, PNG or JPEG file of 5 MB or less.",
    )


def parse_date(value: str) -> date | None:
    """Return an ISO date typed in a form, or None."""
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None
