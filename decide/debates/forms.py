"""Debate forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from decide.debates.models import DESCRIPTION_MAX, MAX_TAGS, TITLE_MAX, TITLE_MIN

REQUIRED = _l("This field is required.")


class DebateForm(FlaskForm):
    title = StringField(
        _l("Title"),
        validators=[DataRequired(REQUIRED), Length(TITLE_MIN, TITLE_MAX, message=_l(
            "Use between %(min)d and %(max)d characters."))],
        description=_l("A short question or statement, %(min)d to %(max)d characters.",
                       min=TITLE_MIN, max=TITLE_MAX),
    )
    description = TextAreaField(
        _l("Description"),
        validators=[DataRequired(REQUIRED), Length(max=DESCRIPTION_MAX, message=_l(
            "Use at most %(max)d characters."))],
        description=_l("Explain what you want to discuss. You can use Markdown: **bold**, "
                       "*italics*, lists and links. Up to %(max)d characters.",
                       max=DESCRIPTION_MAX),
    )
    tags = StringField(
        _l("Tags"),
        validators=[Length(max=300)],
        description=_l("Up to %(n)d, separated by commas, e.g. housing, climate.", n=MAX_TAGS),
    )
    geozone = SelectField(_l("District"), choices=[], validate_choice=False)


class VoteForm(FlaskForm):
    value = RadioField(choices=[("agree", _l("I agree")), ("disagree", _l("I disagree"))],
                       validators=[DataRequired(REQUIRED)])
