"""The flag form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.validators import DataRequired, Length

FLAG_REASON_LABELS = {
    "spam": _l("Spam or advertising"),
    "offensive": _l("Offensive, insulting or discriminatory"),
    "off_topic": _l("Off-topic"),
    "other": _l("Something else"),
}


class FlagForm(FlaskForm):
    reason = RadioField(_l("Why is it inappropriate?"), choices=list(FLAG_REASON_LABELS.items()),
                        validators=[DataRequired(_l("Choose a reason."))])
    note = TextAreaField(_l("Anything moderators should know (optional)"),
                         validators=[Length(max=500, message=_l(
                             "Use at most %(max)d characters."))])
