"""The static page form: a title and a body per language the space (or deployment) offers."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import Length

from decide.core.i18n import LOCALE_NAMES
from decide.pages.models import BODY_MAX, TITLE_MAX

TOO_LONG = _l("Use at most %(max)d characters.")


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


class PageForm(FlaskForm):
    """Fields `title_<locale>` and `body_<locale>` are added per locale by `page_form`."""

    locales: tuple[str, ...] = ()
    default_locale: str = "es"

    def texts(self) -> tuple[dict[str, str], dict[str, str]]:
        """(titles, bodies) per locale, leaving out empty ones."""
        titles = {loc: self[f"title_{loc}"].data for loc in self.locales
                  if self[f"title_{loc}"].data}
        bodies = {loc: self[f"body_{loc}"].data for loc in self.locales
                  if (self[f"body_{loc}"].data or "").strip()}
        return titles, bodies

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        from decide.pages.services import text_errors

        titles, bodies = self.texts()
        for field, message in text_errors(titles, bodies, self.default_locale):
            if message not in self[field].errors:
                self[field].errors = [*self[field].errors, message]
            valid = False
        return valid


def page_form(locales: tuple[str, ...], default_locale: str, **kwargs: Any) -> PageForm:
    """A form for `locales`, the default one first (its title and body are required)."""
    ordered = (default_locale, *(loc for loc in locales if loc != default_locale))

    class Form(PageForm):
        pass

    for loc in ordered:
        language = LOCALE_NAMES.get(loc, loc)
        setattr(Form, f"title_{loc}", StringField(
            _l("Title in %(language)s", language=language), filters=[_strip],
            validators=[Length(max=TITLE_MAX, message=TOO_LONG)],
            render_kw={"lang": loc.replace("_", "-")}))
        setattr(Form, f"body_{loc}", TextAreaField(
            _l("Text in %(language)s", language=language),
            validators=[Length(max=BODY_MAX, message=TOO_LONG)],
            description=_l("Markdown: **bold**, *italics*, lists, links and ### headings. Up "
                           "to %(max)d characters.", max=BODY_MAX),
            render_kw={"rows": 12, "lang": loc.replace("_", "-")}))
    Form.locales = ordered
    Form.default_locale = default_locale
    return Form(**kwargs)
