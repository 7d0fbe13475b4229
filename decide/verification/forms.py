"""Verification and census upload forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateField, SelectField, StringField
from wtforms.validators import DataRequired, Length

REQUIRED = _l("This field is required.")

# Labels of common document types; any other type a census holds is shown as written there.
DOCUMENT_TYPE_LABELS = {
    "dni": _l("National identity card (DNI)"),
    "nie": _l("Foreigner identity number (NIE)"),
    "passport": _l("Passport"),
    "cpf": _l("CPF"),
    "rg": _l("Identity card (RG)"),
}


class VerifyForm(FlaskForm):
    document_type = SelectField(_l("Document type"), validators=[DataRequired(REQUIRED)],
                                choices=[])
    document_number = StringField(
        _l("Document number"), validators=[DataRequired(REQUIRED), Length(max=40)],
        description=_l("As written on the document; spaces and letter case do not matter."))
    date_of_birth = DateField(_l("Date of birth"), validators=[DataRequired(REQUIRED)],
                              format="%Y-%m-%d",
                              description=_l("For example 1990-05-31."))
    postal_code = StringField(_l("Postal code"),
                              validators=[DataRequired(REQUIRED), Length(max=16)])
    confirm_move = BooleanField(_l("I have moved: end my residence in my current city and "
                                   "verify it here"))

    def set_document_types(self, types: list[str]) -> None:
        self.document_type.choices = [
            (value, str(DOCUMENT_TYPE_LABELS.get(value, value.upper()))) for value in types]


class CensusUploadForm(FlaskForm):
    census = FileField(_l("Census file (CSV)"), validators=[FileRequired(REQUIRED)],
                       description=_l("UTF-8, header document_type,document_number,"
                                      "date_of_birth,postal_code; dates written YYYY-MM-DD."))
