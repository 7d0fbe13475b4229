"""The suggestion form, built from the target's translatable fields and the space's languages."""

from __future__ import annotations

from typing import Any

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from decide.translations.queries import language_name

REQUIRED = _l("This field is required.")
# Labels of the fields modules commonly declare translatable; others show their own name.
FIELD_LABELS = {
    "title": _l("Title"),
    "summary": _l("Summary"),
    "description": _l("Description"),
    "body": _l("Text"),
}


def field_label(name: str) -> Any:
    return FIELD_LABELS.get(name, name.replace("_", " ").capitalize())


class SuggestionForm(FlaskForm):
    locale = SelectField(_l("Language of your translation"), choices=[],
                         validators=[DataRequired(REQUIRED)], validate_choice=False)

    # The translatable fields, in the target's declared order (set by `build_form`).
    text_fields: list[str]

    def translated_fields(self) -> list[Field]:
        return [self[name] for name in self.text_fields]


def build_form(spec: dict[str, str], limits: dict[str, int], locales: list[str],
               **kwargs: Any) -> SuggestionForm:
    """A form class of its own per target type: WTForms fields are declared on the class."""
    attributes: dict[str, Any] = {}
    for name, kind in spec.items():
        validators = [DataRequired(REQUIRED),
                      Length(max=limits[name], message=_l("Use at most %(max)d characters."))]
        label = field_label(name)
        if kind == "markdown":
            attributes[name] = TextAreaField(
                label, validators=validators, render_kw={"rows": 12},
                description=_l("Up to %(n)s characters. Keep the author's formatting: "
                               "**bold**, *italics*, lists and links work.",
                               n=format_decimal(limits[name])))
        else:
            attributes[name] = StringField(label, validators=validators,
                                           render_kw={"maxlength": limits[name]})
    form_class = type("TargetSuggestionForm", (SuggestionForm,), attributes)
    form = form_class(**kwargs)
    form.text_fields = list(spec)
    form.locale.choices = [("", _l("Choose a language"))] + [
        (loc, language_name(loc)) for loc in locales]
    return form
