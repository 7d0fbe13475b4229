"""Forms of the action plan and declarations. Dates and percentages are typed as text and
checked here, so a wrong value keeps what was typed and gets a message in the reader's
language."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from decide.plans.models import (
    DECLARATION_BODY_MAX,
    DECLARATION_TITLE_MAX,
    DECLARATION_TITLE_MIN,
    MILESTONE_TITLE_MAX,
    PLACE_MAX,
)

REQUIRED = _l("This field is required.")

STATUS_LABELS = {
    "adopted": _l("Adopted"),
    "in_progress": _l("In progress"),
    "done": _l("Done"),
    "dropped": _l("Dropped"),
}


def iso_date(form: FlaskForm, field: Field) -> None:
    """Accept YYYY-MM-DD (what date inputs send); keep the parsed value in `field.parsed`."""
    try:
        field.parsed = date.fromisoformat((field.data or "").strip())
    except ValueError:
        field.parsed = None
        raise ValidationError(_l("Enter a date like 2027-03-31.")) from None


def percent(form: FlaskForm, field: Field) -> None:
    """A whole number from 0 to 100; kept in `field.parsed`."""
    text = (field.data or "").strip().rstrip("%").strip()
    field.parsed = None
    if not text.isdecimal() or not 0 <= int(text) <= 100:
        raise ValidationError(_l("Progress is a whole number from 0 to 100."))
    field.parsed = int(text)


class AdoptForm(FlaskForm):
    proposal_id = SelectField(_l("Joint action"), choices=[], validate_choice=False,
                              validators=[DataRequired(REQUIRED)])


class StatusForm(FlaskForm):
    status = SelectField(_l("Status"), choices=list(STATUS_LABELS.items()),
                         validate_choice=False, validators=[DataRequired(REQUIRED)])


class CommitmentForm(FlaskForm):
    city_id = SelectField(_l("City that commits to carry it out"), choices=[],
                          validate_choice=False, validators=[DataRequired(REQUIRED)])


class MilestoneForm(FlaskForm):
    title = StringField(
        _l("Milestone"),
        validators=[DataRequired(REQUIRED), Length(max=MILESTONE_TITLE_MAX, message=_l(
            "Use at most %(max)d characters."))],
        description=_l("What will be done, e.g. “Pilot in two districts”."))
    due_on = StringField(_l("Due date"), validators=[DataRequired(REQUIRED), iso_date],
                         render_kw={"type": "date"},
                         description=_l("Year, month and day, e.g. 2027-03-31."))
    progress = StringField(_l("Progress (%)"), default="0",
                           validators=[DataRequired(REQUIRED), percent],
                           render_kw={"inputmode": "numeric"},
                           description=_l("A whole number from 0 to 100."))


class DeclarationForm(FlaskForm):
    title = StringField(
        _l("Title"),
        validators=[DataRequired(REQUIRED), Length(
            DECLARATION_TITLE_MIN, DECLARATION_TITLE_MAX,
            message=_l("Use between %(min)d and %(max)d characters."))])
    body = TextAreaField(
        _l("Text of the declaration"),
        validators=[DataRequired(REQUIRED), Length(max=DECLARATION_BODY_MAX, message=_l(
            "Use at most %(max)d characters."))],
        description=_l("You can use Markdown: **bold**, *italics*, lists and links."))
    locale = SelectField(_l("Language it is written in"), choices=[], validate_choice=False)
    signed_on = StringField(_l("Signed on"), validators=[DataRequired(REQUIRED), iso_date],
                            render_kw={"type": "date"},
                            description=_l("Year, month and day, e.g. 2027-03-31."))
    place = StringField(_l("Place"), validators=[DataRequired(REQUIRED), Length(
        max=PLACE_MAX, message=_l("Use at most %(max)d characters."))],
        description=_l("The city where it was signed."))


class AdhesionForm(FlaskForm):
    city_id = SelectField(_l("On behalf of"), choices=[], validate_choice=False,
                          validators=[DataRequired(REQUIRED)])
