"""Form pieces every module that places its items in a city's districts uses."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length

from decide.admin.forms import CheckboxesField


def geozone_choices(space: Any) -> list[tuple[str, str]]:
    """The district select's choices: the whole city, then its districts (alliances have
    none)."""
    choices = [("", _("The whole city") if space.is_city else _("Not applicable"))]
    if space.is_city:
        choices += [(zone.slug, zone.name) for zone in space.geozones]
    return choices


def with_districts(form: Any, space: Any) -> Any:
    """`form` with its `geozone` select offering the space's districts."""
    form.geozone.choices = geozone_choices(space)
    return form


def _optional_id(value: Any) -> int | None:
    """A select's value as an id, None when empty or not a plain number (the service then
    answers with a translated error instead of WTForms' English one)."""
    text = "" if value is None else str(value).strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None


# -- administration forms (every one carries its CSRF token) ---------------------------------

REQUIRED = _l("This field is required.")


class InviteCityForm(FlaskForm):
    city = SelectField(_l("City to invite"), choices=[], coerce=_optional_id,
                       validate_choice=False,
                       description=_l("Cities of this deployment that are not members and "
                                      "have no pending invitation."))


class SpaceForm(FlaskForm):
    """A new city or alliance; the service validates the values as the config files'."""

    slug = StringField(_l("Address"), validators=[DataRequired(REQUIRED), Length(max=64)],
                       description=_l("Lowercase letters, digits and hyphens, like "
                                      "new-city. It cannot be changed later."))
    name_es = StringField(_l("Name in Spanish"), validators=[Length(max=120)])
    name_en = StringField(_l("Name in English"), validators=[Length(max=120)])
    name_pt_BR = StringField(_l("Name in Portuguese (Brazil)"), validators=[Length(max=120)])
    locales = CheckboxesField(_l("Languages offered"), choices=[])
    default_locale = SelectField(_l("Main language"), choices=[], validate_choice=False,
                                 description=_l("It must be one of the languages offered."))
    timezone = StringField(_l("Time zone"), validators=[DataRequired(REQUIRED), Length(max=64)],
                           description=_l("A name like Europe/Madrid or "
                                          "America/Sao_Paulo."))
    currency = StringField(_l("Currency"), validators=[DataRequired(REQUIRED), Length(max=3)],
                           description=_l("An ISO 4217 code like EUR, BRL or USD."))
    country = StringField(_l("Country"), validators=[Length(max=2)],
                          description=_l("An ISO 3166 code like ES, BR or UY."))
    alliance_kind = SelectField(_l("Kind of alliance"), choices=[], validate_choice=False)
    themes = CheckboxesField(_l("Themes"), choices=[])
    modules = CheckboxesField(_l("Enabled modules"), choices=[])
    primary = StringField(_l("Primary colour"), validators=[Length(max=7)],
                          description=_l("Optional, like #1f4e8c."))
    secondary = StringField(_l("Secondary colour"), validators=[Length(max=7)],
                            description=_l("Optional, like #0f7b6c."))
    administrator = StringField(_l("First administrator"),
                                validators=[DataRequired(REQUIRED), Length(max=40)],
                                description=_l("The username of an existing account."))
