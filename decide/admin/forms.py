"""Forms of a space's administration pages (every one carries its CSRF token)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

REQUIRED = _l("This field is required.")


class CheckboxesField(SelectMultipleField):
    """A list of checkboxes (works without JavaScript, unlike a multiple select on phones)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form: FlaskForm) -> None:
        # Unknown values are refused by the service with a translated message.
        return None


class ModulesForm(FlaskForm):
    modules = CheckboxesField(_l("Enabled modules"), choices=[])


class LanguagesForm(FlaskForm):
    locales = CheckboxesField(_l("Languages"), choices=[])
    default_locale = SelectField(_l("Main language"), choices=[],
                                 description=_l("Shown to visitors whose language is not "
                                                "offered; it must be one of the languages."))


class ColoursForm(FlaskForm):
    primary = StringField(_l("Primary colour"), validators=[DataRequired(REQUIRED),
                                                            Length(max=7)],
                          description=_l("Like #1f4e8c. Buttons and the space bar show white "
                                         "text on it."))
    secondary = StringField(_l("Secondary colour"), validators=[DataRequired(REQUIRED),
                                                                Length(max=7)],
                            description=_l("Like #0f7b6c. Used for highlights, also with "
                                           "white text."))


class LogoForm(FlaskForm):
    logo = FileField(_l("Logo image"), validators=[FileRequired(REQUIRED)],
                     description=_l("PNG, JPEG or WebP, up to 1 MB; square images look best."))


class GeozoneForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(REQUIRED), Length(max=120)])
    slug = StringField(_l("Short name for addresses"),
                       validators=[DataRequired(REQUIRED), Length(max=64)],
                       description=_l("Lowercase letters, digits and hyphens, like "
                                      "north-district. It cannot be changed later."))


class RenameGeozoneForm(FlaskForm):
    name = StringField(_l("New name"), validators=[DataRequired(REQUIRED), Length(max=120)])
