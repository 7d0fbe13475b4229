"""Budget project forms: submitting and editing a project (with its files), withdrawing it."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, MultipleFileField
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from decide.budgets.models import DESCRIPTION_MAX, LOCATION_MAX, TITLE_MAX, TITLE_MIN, Budget
from decide.budgets.services import MAX_DOCUMENTS, MAX_TAGS, Upload

REQUIRED = _l("This field is required.")
TOO_LONG = _l("Use at most %(max)d characters.")


def _heading_id(value: Any) -> int | None:
    """The chosen heading's id; anything else is None (the service says what to choose)."""
    text = str(value or "")
    return int(text) if text.isascii() and text.isdigit() and len(text) < 12 else None


class ProjectForm(FlaskForm):
    heading = SelectField(_l("Heading"), choices=[], coerce=_heading_id, validate_choice=False,
                          description=_l("Where the money for your project would come from."))
    title = StringField(
        _l("Title"),
        validators=[DataRequired(REQUIRED), Length(TITLE_MIN, TITLE_MAX, message=_l(
            "Use between %(min)d and %(max)d characters."))],
        description=_l("What should be done, in a few words: %(min)d to %(max)d characters.",
                       min=TITLE_MIN, max=TITLE_MAX),
    )
    description = TextAreaField(
        _l("Description"),
        validators=[DataRequired(REQUIRED), Length(max=DESCRIPTION_MAX, message=TOO_LONG)],
        description=_l("What the project is, who it helps and why. You can use Markdown: "
                       "**bold**, *italics*, lists and links. Up to %(max)d characters.",
                       max=DESCRIPTION_MAX),
        render_kw={"rows": 10},
    )
    location = StringField(
        _l("Location (optional)"),
        validators=[Length(max=LOCATION_MAX, message=TOO_LONG)],
        description=_l("Where it would be done: a street, a square, a neighbourhood."),
    )
    tags = StringField(
        _l("Tags"),
        validators=[Length(max=300, message=TOO_LONG)],
        description=_l("Up to %(n)d, separated by commas, e.g. parks, mobility.", n=MAX_TAGS),
    )
    image = FileField(
        _l("Image (optional)"),
        description=_l("A PNG, JPEG or WebP picture of up to 2 MB."),
        render_kw={"accept": "image/png,image/jpeg,image/webp"},
    )
    documents = MultipleFileField(
        _l("Documents (optional)"),
        description=_l("Up to %(n)d PDF documents of up to 5 MB each.", n=MAX_DOCUMENTS),
        render_kw={"accept": "application/pdf"},
    )
    remove_files = SelectMultipleField(
        _l("Remove attached files"), choices=[], coerce=int, validate_choice=False,
        widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())

    def with_choices(self, budget: Budget, files: list[Any] = ()) -> ProjectForm:
        """The budget's headings (by group when there are several groups), and the project's
        files that may be removed."""
        several = len(budget.groups) > 1
        self.heading.choices = [("", _l("Choose a heading"))] + [
            (heading.id, f"{group.name} · {heading.name}" if several else heading.name)
            for group in budget.groups for heading in group.headings]
        self.remove_files.choices = [(f.id, f.title) for f in files]
        return self

    def image_upload(self) -> Upload | None:
        return _upload(self.image.data)

    def document_uploads(self) -> tuple[Upload, ...]:
        uploads = (_upload(item) for item in (self.documents.data or []))
        return tuple(u for u in uploads if u is not None)


def _upload(storage: Any) -> Upload | None:
    """An uploaded file's name and bytes; None when the field was left empty."""
    if storage is None or not getattr(storage, "filename", ""):
        return None
    return Upload(filename=storage.filename, data=storage.read())


class WithdrawForm(FlaskForm):
    confirm = BooleanField(_l("Yes, withdraw this project"),
                           validators=[DataRequired(_l("Tick the box to confirm."))])
