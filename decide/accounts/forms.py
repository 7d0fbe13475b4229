"""Account forms: limits and messages in one place, all translatable."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from decide.accounts.models import ROLE_LABELS
from decide.accounts.passwords import MAX_LENGTH
from decide.core.i18n import LOCALE_NAMES

REQUIRED = _l("This field is required.")
USERNAME_RULE = Regexp(
    r"^[A-Za-z0-9_.-]+$",
    message=_l("Use only letters without accents, digits, dots, hyphens and underscores."),
)


def username_field() -> StringField:
    return StringField(
        _l("Username"),
        validators=[DataRequired(REQUIRED), Length(3, 40, message=_l(
            "Use between %(min)d and %(max)d characters.")), USERNAME_RULE],
        description=_l("Shown next to everything you write. 3-40 characters."),
    )


def email_field(label: str = _l("E-mail")) -> EmailField:
    return EmailField(
        label,
        validators=[DataRequired(REQUIRED), Length(max=254),
                    Email(message=_l("Enter a valid e-mail address."),
                          check_deliverability=False)],
    )


def password_field(label: str, required: bool = True) -> PasswordField:
    validators = [DataRequired(REQUIRED)] if required else [Optional()]
    validators.append(Length(max=MAX_LENGTH, message=_l("Use at most %(max)d characters.")))
    return PasswordField(label, validators=validators)


def locale_choices() -> list[tuple[str, str]]:
    return list(LOCALE_NAMES.items())


class SignupForm(FlaskForm):
    kind = RadioField(
        _l("I am signing up as"),
        choices=[("person", _l("A person")), ("organisation", _l("A civil-society organisation"))],
        default="person",
    )
    organisation_name = StringField(
        _l("Organisation name"),
        validators=[Length(max=120)],
        description=_l("Only for organisations. Organisations may propose and comment but "
                       "cannot support or vote."),
    )
    username = username_field()
    email = email_field()
    password = password_field(_l("Password"))
    locale = SelectField(_l("Preferred language"), choices=locale_choices())
    home_city = SelectField(_l("Home city"), choices=[], validate_choice=False)
    accept_terms = BooleanField(
        _l("I accept the terms of use and the privacy policy"),
        validators=[DataRequired(_l("You must accept the terms of use to sign up."))],
    )

    def validate_organisation_name(self, field: StringField) -> None:
        if self.kind.data == "organisation" and not (field.data or "").strip():
            raise ValidationError(_l("Organisations must give their name."))


class LoginForm(FlaskForm):
    identifier = StringField(_l("E-mail or username"),
                             validators=[DataRequired(REQUIRED), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(REQUIRED),
                                                         Length(max=MAX_LENGTH)])
    remember = BooleanField(_l("Keep me signed in on this device"))


class ResendConfirmationForm(FlaskForm):
    email = email_field()


class ForgotPasswordForm(FlaskForm):
    email = email_field()


class ResetPasswordForm(FlaskForm):
    password = password_field(_l("New password"))


class AccountForm(FlaskForm):
    email = email_field()
    organisation_name = StringField(_l("Organisation name"), validators=[Optional(),
                                                                        Length(max=120)])
    locale = SelectField(_l("Preferred language"), choices=locale_choices())
    home_city = SelectField(_l("Home city"), choices=[], validate_choice=False)
    new_password = password_field(_l("New password (leave empty to keep the current one)"),
                                  required=False)
    current_password = PasswordField(
        _l("Current password"),
        validators=[Optional(), Length(max=MAX_LENGTH)],
        description=_l("Needed to change your e-mail or password."),
    )


class DeleteAccountForm(FlaskForm):
    password = PasswordField(_l("Password"), validators=[DataRequired(REQUIRED),
                                                         Length(max=MAX_LENGTH)])
    confirm = BooleanField(
        _l("I understand that my account will be deleted and cannot be recovered"),
        validators=[DataRequired(_l("Tick the box to confirm."))],
    )


class GrantRoleForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(REQUIRED), Length(max=40)])
    role = SelectField(_l("Role"), choices=list(ROLE_LABELS.items()))
    official_position = StringField(
        _l("Position"), validators=[Optional(), Length(max=120)],
        description=_l("Only for public officials, e.g. Councillor for Housing."))
    official_level = IntegerField(
        _l("Level (1-5)"),
        validators=[Optional(), NumberRange(1, 5, message=_l("Choose a level from 1 to 5."))],
        description=_l("Only for public officials: 5 is the highest office, such as mayor."))


class EmptyForm(FlaskForm):
    """A form with only the CSRF token, for buttons that post."""

