"""The flag form, and the moderators' forms: bulk actions on a queue, blocking authors."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length

from decide.moderation.models import NOTE_MAX

FLAG_REASON_LABELS = {
    "spam": _l("Spam or advertising"),
    "offensive": _l("Offensive, insulting or discriminatory"),
    "off_topic": _l("Off-topic"),
    "other": _l("Something else"),
}

BULK_ACTIONS = ("hide", "ignore", "block", "restore", "confirm")


class FlagForm(FlaskForm):
    reason = RadioField(_l("Why is it inappropriate?"), choices=list(FLAG_REASON_LABELS.items()),
                        validators=[DataRequired(_l("Choose a reason."))])
    note = TextAreaField(_l("Anything moderators should know (optional)"),
                         validators=[Length(max=500, message=_l(
                             "Use at most %(max)d characters."))])


class IdsField(SelectMultipleField):
    """Checked item ids: whole numbers; which of them exist here is the service's question."""

    def pre_validate(self, form: Any) -> None:
        pass

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = []
        for value in valuelist:
            # ASCII digits only, short: "²".isdigit() is true, and ids are never that long.
            if not (value.isascii() and value.isdigit() and len(value) <= 12):
                raise ValueError(_l("Choose items from the list."))
            self.data.append(int(value))


class BulkForm(FlaskForm):
    """One form over a queue page: a checkbox per item and a button per action."""

    ids = IdsField(_l("Selected items"), coerce=int, choices=[])
    action = StringField(_l("Action"), validators=[
        DataRequired(_l("Choose an action.")),
        AnyOf(BULK_ACTIONS, message=_l("Choose an action."))])
    note = TextAreaField(
        _l("Message to the authors (optional)"),
        description=_l("Sent to the authors of the items you hide or block, in place of the "
                       "flags' reasons."),
        validators=[Length(max=NOTE_MAX, message=_l("Use at most %(max)d characters."))])


class BlockForm(FlaskForm):
    """The confirmation page's form: the authors to block, and the note."""

    user_ids = IdsField(_l("Authors to block"), coerce=int, choices=[])
    note = TextAreaField(
        _l("Message to the authors (optional)"),
        validators=[Length(max=NOTE_MAX, message=_l("Use at most %(max)d characters."))])
