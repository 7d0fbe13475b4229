"""Proposal forms: the draft (new and edit), retiring, updates, co-authors, endorsements."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from decide.proposals.models import (
    DESCRIPTION_MAX,
    EXPLANATION_MAX,
    MAX_TAGS,
    STATEMENT_MAX,
    SUMMARY_MAX,
    TITLE_MAX,
    TITLE_MIN,
    UPDATE_BODY_MAX,
    UPDATE_TITLE_MAX,
    VIDEO_URL_MAX,
)

REQUIRED = _l("This field is required.")
TOO_LONG = _l("Use at most %(max)d characters.")


def web_address(form: Any, field: Any) -> None:
    """Only http(s) links with a host: no javascript:, data: or other schemes on the page."""
    value = (field.data or "").strip()
    if not value:
        return
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or " " in value:
        raise ValidationError(_l("Give a web address starting with https:// or http://."))


def retire_reasons() -> list[tuple[str, Any]]:
    """The reasons an author may give, in the model's order, with their readable label."""
    return [("", _l("Choose a reason")), *RETIRE_REASON_LABELS.items()]


RETIRE_REASON_LABELS: dict[str, Any] = {
    "duplicated": _l("Duplicated: another proposal asks the same"),
    "started": _l("Already under way"),
    "unfeasible": _l("Not feasible"),
    "done": _l("Done"),
    "other": _l("Other reason"),
}


class ProposalForm(FlaskForm):
    title = StringField(
        _l("Title"),
        validators=[DataRequired(REQUIRED), Length(TITLE_MIN, TITLE_MAX, message=_l(
            "Use between %(min)d and %(max)d characters."))],
        description=_l("What you propose, in a few words: %(min)d to %(max)d characters.",
                       min=TITLE_MIN, max=TITLE_MAX),
    )
    summary = TextAreaField(
        _l("Summary"),
        validators=[DataRequired(REQUIRED), Length(max=SUMMARY_MAX, message=TOO_LONG)],
        description=_l("One or two sentences shown in lists, up to %(max)d characters.",
                       max=SUMMARY_MAX),
        render_kw={"rows": 3, "maxlength": SUMMARY_MAX},
    )
    description = TextAreaField(
        _l("Description"),
        validators=[DataRequired(REQUIRED), Length(max=DESCRIPTION_MAX, message=TOO_LONG)],
        description=_l("Explain the problem, what should be done and why. You can use "
                       "Markdown: **bold**, *italics*, lists and links. Up to %(max)d "
                       "characters.", max=DESCRIPTION_MAX),
        render_kw={"rows": 12},
    )
    video_url = StringField(
        _l("Video (optional)"),
        validators=[Optional(), Length(max=VIDEO_URL_MAX, message=TOO_LONG), web_address],
        description=_l("A link to a video that presents the proposal, e.g. "
                       "https://www.youtube.com/watch?v=… It is shown as a plain link."),
        render_kw={"inputmode": "url", "autocomplete": "url"},
    )
    tags = StringField(
        _l("Tags"),
        validators=[Length(max=300, message=TOO_LONG)],
        description=_l("Up to %(n)d, separated by commas, e.g. housing, climate.", n=MAX_TAGS),
    )
    geozone = SelectField(_l("District"), choices=[], validate_choice=False)


class RetireForm(FlaskForm):
    reason = SelectField(_l("Reason"), choices=[], validators=[DataRequired(REQUIRED)])
    explanation = TextAreaField(
        _l("Explanation"),
        validators=[DataRequired(REQUIRED), Length(max=EXPLANATION_MAX, message=TOO_LONG)],
        description=_l("Tell your supporters why, in up to %(max)d characters. It stays on "
                       "the proposal's page.", max=EXPLANATION_MAX),
        render_kw={"rows": 4},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.reason.choices = retire_reasons()


class UpdateForm(FlaskForm):
    title = StringField(
        _l("Title of the update"),
        validators=[DataRequired(REQUIRED), Length(max=UPDATE_TITLE_MAX, message=TOO_LONG)])
    body = TextAreaField(
        _l("Message"),
        validators=[DataRequired(REQUIRED), Length(max=UPDATE_BODY_MAX, message=TOO_LONG)],
        description=_l("Followers get it in Decide and by e-mail. Markdown is allowed."),
        render_kw={"rows": 5},
    )


class CoauthorForm(FlaskForm):
    username = StringField(
        _l("Username of the person to invite"),
        validators=[DataRequired(REQUIRED), Length(max=80, message=TOO_LONG)],
        description=_l("They become co-authors once they accept."),
        render_kw={"autocomplete": "off"},
    )


class EndorseForm(FlaskForm):
    statement = TextAreaField(
        _l("Statement (optional)"),
        validators=[Length(max=STATEMENT_MAX, message=TOO_LONG)],
        description=_l("Why your city endorses this joint action, in your language. Up to "
                       "%(max)d characters.", max=STATEMENT_MAX),
        render_kw={"rows": 3},
    )
