"""Forms of the ballot, results, PaBuLib import and execution tracking pages.

Numbers and dates are typed as text and checked here (as the admin forms do), so that "abc" or
"150" keeps what was typed and gets a message in the reader's language. Texts written per
language (milestone descriptions, status names) get one field per locale of the space
(`admin_forms.with_locales`)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from decide.budgets.admin_forms import translations_of, with_locales
from decide.budgets.models import DESCRIPTION_MAX, NAME_MAX

REQUIRED = _l("This field is required.")
IMAGE_MAX_BYTES = 2 * 1024 * 1024


class BallotLineForm(FlaskForm):
    """Add or remove one project (the button on every project and on the ballot page)."""

    project_id = StringField(validators=[DataRequired(REQUIRED)])

    def project(self) -> int | None:
        text = (self.project_id.data or "").strip()
        return int(text) if text.isdigit() and len(text) < 12 else None


class PublishForm(FlaskForm):
    """Publishing the results: a button (the confirmation is the preview above it)."""


class ImportForm(FlaskForm):
    name = StringField(_l("Name of the budget"), validators=[Optional(), Length(max=NAME_MAX)],
                       description=_l("Leave it empty to use the file's description."))
    file = FileField(_l("PaBuLib file (.pb)"), validators=[DataRequired(REQUIRED)],
                     description=_l("At most 20 MB. Only approval ballots; amounts in whole "
                                    "units."))


def _progress(form: Any, field: Any) -> None:
    text = (field.data or "").strip()
    if not text.isdigit() or not 0 <= int(text) <= 100:
        raise ValidationError(_l("Give a whole number from 0 to 100."))


def _a_date(form: Any, field: Any) -> None:
    try:
        date.fromisoformat((field.data or "").strip())
    except ValueError:
        raise ValidationError(_l("Give a date as YYYY-MM-DD.")) from None


class MilestoneForm(FlaskForm):
    on_date = StringField(_l("Date"), validators=[DataRequired(REQUIRED), _a_date],
                          description=_l("YYYY-MM-DD"), render_kw={"type": "date"})
    status_id = SelectField(_l("Status"), choices=[], validate_choice=False)
    progress = StringField(_l("Progress (%)"), validators=[DataRequired(REQUIRED), _progress],
                           description=_l("From 0 to 100."),
                           render_kw={"inputmode": "numeric"})
    image = FileField(_l("Image (optional)"),
                      description=_l("PNG, JPEG or WebP, at most 2 MB."))

    @property
    def date_value(self) -> date:
        return date.fromisoformat(self.on_date.data.strip())

    @property
    def status_value(self) -> int | None:
        text = (self.status_id.data or "").strip()
        return int(text) if text.isdigit() else None


def milestone_form(space: Any, statuses: list[Any], **kwargs: Any) -> FlaskForm:
    form = with_locales(MilestoneForm, space.locales, space.default_locale,
                        {"description": (_l("Description"), True, DESCRIPTION_MAX)}, **kwargs)
    form.status_id.choices = [("", _l("No status"))] + [(str(s.id), s.name) for s in statuses]
    return form


class StatusForm(FlaskForm):
    """A milestone status's name in each language of the space."""


def status_form(space: Any, **kwargs: Any) -> FlaskForm:
    return with_locales(StatusForm, space.locales, space.default_locale,
                        {"name": (_l("Name"), False, NAME_MAX)}, **kwargs)


__all__ = ["BallotLineForm", "ImportForm", "MilestoneForm", "PublishForm", "StatusForm",
           "IMAGE_MAX_BYTES", "milestone_form", "status_form", "translations_of"]
