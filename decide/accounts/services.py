"""Every write about accounts: sign-up, confirmation, passwords, residence, roles, deletion."""

from __future__ import annotations

import math
import secrets
from datetime import datetime, timedelta
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from decide.accounts import sessions, tokens
from decide.accounts.models import ROLES, Residence, RoleAssignment, User, UserSession
from decide.accounts.passwords import hash_password, password_problem, verify_password
from decide.cities.models import City, Space
from decide.core.db import utcnow
from decide.core.errors import DomainError
from decide.core.mail import send_mail
from decide.core.modules import registry
from decide.core.urls import absolute_url
from decide.extensions import db


def new_session_token() -> str:
    return secrets.token_hex(16)


def password_error_message(problem: str) -> str:
    from decide.accounts.passwords import MAX_LENGTH, MIN_LENGTH

    return {
        "too_short": _("Use at least %(n)d characters.", n=MIN_LENGTH),
        "too_long": _("Use at most %(n)d characters.", n=MAX_LENGTH),
        "too_common": _("This password is too common or too easy to guess. Choose another."),
        "personal": _("Your password must not contain your username or e-mail."),
    }[problem]


def check_password_rules(password: str, username: str, email: str) -> None:
    problem = password_problem(password, username, email)
    if problem:
        raise DomainError(password_error_message(problem), field="password")


def find_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email.strip().lower()))


def find_by_username(username: str) -> User | None:
    return db.session.scalar(
        select(User).where(User.username_lower == username.strip().lower())
    )


def _check_unique(username: str | None, email: str | None, exclude: User | None = None) -> None:
    if username is not None:
        other = find_by_username(username)
        if other is not None and other is not exclude:
            raise DomainError(_("This username is already taken."), field="username", status=409)
    if email is not None:
        other = find_by_email(email)
        if other is not None and other is not exclude:
            raise DomainError(_("An account with this e-mail already exists."), field="email",
                              status=409)


def register(
    *,
    username: str,
    email: str,
    password: str,
    locale: str,
    home_city: City | None,
    kind: str = "person",
    organisation_name: str | None = None,
    confirmed: bool = False,
) -> User:
    """Create an account; sends the confirmation e-mail unless `confirmed`."""
    username, email = username.strip(), email.strip().lower()
    _check_unique(username, email)
    check_password_rules(password, username, email)
    now = utcnow()
    user = User(
        username=username,
        email=email,
        password_hash=hash_password(password),
        kind=kind,
        organisation_name=organisation_name if kind == "organisation" else None,
        locale=locale,
        home_city=home_city,
        terms_accepted_at=now,
        confirmed_at=now if confirmed else None,
        session_token=new_session_token(),
    )
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError as exc:
        # Two sign-ups raced for the same name or address; the schema kept only one.
        db.session.rollback()
        _check_unique(username, email)
        raise DomainError(_("This username or e-mail is already taken."), status=409) from exc
    if not confirmed:
        send_confirmation(user)
    return user


def _mail_user(user: User, template: str, subject: Any, **context: Any) -> None:
    """Send `template` (.txt) to the user in their own language."""
    if not user.email:
        return
    with force_locale(user.locale):
        send_mail(
            user.email,
            str(subject),
            render_template(f"accounts/mail/{template}.txt", user=user, **context),
        )


def send_confirmation(user: User) -> None:
    token = tokens.make_token(tokens.CONFIRM_SALT, {"uid": user.id, "email": user.email})
    link = absolute_url("accounts.confirm", token=token)
    _mail_user(user, "confirm", _l("Confirm your e-mail address"), link=link)


def confirm_email(token: str) -> User:
    data = tokens.read_token(tokens.CONFIRM_SALT, token, current_app.config["CONFIRMATION_MAX_AGE"])
    user = db.session.get(User, data.get("uid"))
    if user is None or user.is_deleted or user.email != data.get("email"):
        raise tokens.TokenError("invalid")
    if user.confirmed_at is None:
        user.confirmed_at = utcnow()
        db.session.commit()
    return user


# Per-account sign-in throttle (the per-address limit is Flask-Limiter's, in the view):
# after LOCK_AFTER attempts without a success the account is locked for LOCK_BASE, doubling
# with each further failed attempt, up to LOCK_CAP.
LOCK_AFTER = 5
LOCK_BASE = timedelta(minutes=1)
LOCK_CAP = timedelta(hours=1)


class AccountLocked(DomainError):
    """Sign-in to this account is refused until `until`, whatever the password."""

    def __init__(self, until: datetime) -> None:
        self.until = until
        minutes = max(1, math.ceil((until - utcnow()).total_seconds() / 60))
        super().__init__(ngettext(
            "Too many failed attempts to sign in to this account. For its safety, try again "
            "in %(num)d minute.",
            "Too many failed attempts to sign in to this account. For its safety, try again "
            "in %(num)d minutes.", minutes), status=429)

    @property
    def retry_after(self) -> int:
        return max(1, math.ceil((self.until - utcnow()).total_seconds()))


def lock_duration(attempts: int) -> timedelta:
    """How long the account stays locked after `attempts` attempts without a success."""
    doublings = min(attempts - LOCK_AFTER, 20)
    return min(LOCK_BASE * (2 ** doublings), LOCK_CAP)


def _claim_attempt(user: User) -> int | None:
    """Count one sign-in attempt in SQL (`n = n + 1`, so attempts from every address and
    worker add up) unless the account is locked; returns the count, or None when locked.
    The attempt is counted before the password is checked, so concurrent guesses cannot all
    slip past the count; a success resets it."""
    now = utcnow()
    attempts = db.session.execute(
        update(User)
        .where(User.id == user.id, or_(User.locked_until.is_(None), User.locked_until <= now))
        .values(failed_logins=User.failed_logins + 1)
        .returning(User.failed_logins)
        # No page a signed-out visitor sees shows these: cached pages stay valid.
        .execution_options(synchronize_session=False, hidden_from_visitors=True)
    ).scalar_one_or_none()
    if attempts is not None and attempts >= LOCK_AFTER:
        db.session.execute(
            update(User).where(User.id == user.id)
            .values(locked_until=now + lock_duration(attempts))
            .execution_options(synchronize_session=False, hidden_from_visitors=True)
        )
    db.session.commit()
    db.session.refresh(user, ["failed_logins", "locked_until"])
    return attempts


def _clear_failed_logins(user: User) -> None:
    if user.failed_logins or user.locked_until is not None:
        db.session.execute(
            update(User).where(User.id == user.id).values(failed_logins=0, locked_until=None)
            .execution_options(synchronize_session=False, hidden_from_visitors=True)
        )
        db.session.commit()
        db.session.refresh(user, ["failed_logins", "locked_until"])


def authenticate(identifier: str, password: str) -> User | None:
    """The account when the password is right, None when not; raises AccountLocked when the
    account has had too many failed attempts (the password is then not even checked)."""
    identifier = identifier.strip()
    user = find_by_email(identifier) if "@" in identifier else find_by_username(identifier)
    if user is None or user.is_deleted:
        verify_password(None, password)
        return None
    attempts = _claim_attempt(user)
    if attempts is None:
        raise AccountLocked(user.locked_until or utcnow())
    if verify_password(user.password_hash, password):
        _clear_failed_logins(user)
        return user
    if attempts >= LOCK_AFTER:
        if attempts == LOCK_AFTER:
            # Once per series of failures: the counter only goes back to 0 on a success
            # or a password reset.
            _mail_user(user, "locked", _l("Someone is trying to sign in to your account"),
                       link=_reset_link(user), attempts=attempts)
        raise AccountLocked(user.locked_until or utcnow())
    return None


def _reset_link(user: User) -> str:
    token = tokens.make_token(tokens.RESET_SALT, {"uid": user.id, "st": user.session_token})
    return absolute_url("accounts.reset_password", token=token)


def request_password_reset(email: str) -> None:
    """Mail a reset link when the address has an account; say nothing either way."""
    user = find_by_email(email)
    if user is None or user.is_deleted:
        return
    _mail_user(user, "reset", _l("Reset your password"), link=_reset_link(user))


def user_for_reset_token(token: str) -> User:
    data = tokens.read_token(tokens.RESET_SALT, token, current_app.config["RESET_MAX_AGE"])
    user = db.session.get(User, data.get("uid"))
    # The session token changes with the password, so a used link stops working.
    if user is None or user.is_deleted or user.session_token != data.get("st"):
        raise tokens.TokenError("invalid")
    return user


def reset_password(token: str, password: str) -> User:
    user = user_for_reset_token(token)
    check_password_rules(password, user.username, user.email or "")
    set_password(user, password)
    # Whoever was locked out by guesses is let back in by the owner of the address.
    user.failed_logins, user.locked_until = 0, None
    if user.confirmed_at is None:
        # Following a link sent to the address proves it, as confirmation does.
        user.confirmed_at = utcnow()
    db.session.commit()
    return user


def set_password(user: User, password: str, keep: UserSession | None = None) -> None:
    """Change the password and end every session but `keep` (the browser that changed it);
    the caller commits. The new session_token invalidates reset links already sent."""
    user.password_hash = hash_password(password)
    user.session_token = new_session_token()
    sessions.revoke_all(user, keep=keep, commit=False)


def update_account(
    user: User,
    *,
    email: str,
    locale: str,
    home_city: City | None,
    organisation_name: str | None,
    current_password: str,
    new_password: str,
) -> bool:
    """Save the account form; returns True when the e-mail changed (and needs confirming)."""
    email = email.strip().lower()
    email_changed = email != user.email
    if (email_changed or new_password) and not verify_password(user.password_hash,
                                                                 current_password):
        raise DomainError(_("Your current password is not correct."), field="current_password")
    if email_changed:
        _check_unique(None, email, exclude=user)
    if new_password:
        problem = password_problem(new_password, user.username, email)
        if problem:
            raise DomainError(password_error_message(problem), field="new_password")
        set_password(user, new_password, keep=user.current_session)
    user.locale = locale
    user.home_city = home_city
    if user.is_organisation and organisation_name:
        user.organisation_name = organisation_name
    if email_changed:
        user.email = email
        user.confirmed_at = None
    db.session.commit()
    if email_changed:
        send_confirmation(user)
    return email_changed


def set_locale(user: User, locale: str) -> None:
    user.locale = locale
    db.session.commit()


def set_residence(user: User, city: City, method: str = "cli") -> Residence:
    """Record a verified residence; a person has one, so this replaces any earlier one."""
    if user.is_organisation:
        raise DomainError(_("Organisations cannot hold a residence."))
    if user.residence is None:
        user.residence = Residence(city=city, verified_at=utcnow(), method=method)
    else:
        user.residence.city = city
        user.residence.verified_at = utcnow()
        user.residence.method = method
    if user.home_city is None:
        user.home_city = city
    db.session.commit()
    return user.residence


def grant_role(
    user: User,
    space: Space,
    role: str,
    position: str | None = None,
    level: int | None = None,
) -> RoleAssignment:
    """Give `user` a role in `space`; granting it again updates position and level."""
    if role not in ROLES:
        raise DomainError(_("Unknown role."), field="role")
    if role == "secretariat" and not space.is_alliance:
        raise DomainError(_("Only alliances have a secretariat."), field="role")
    if role == "official":
        if not position or level is None or not 1 <= level <= 5:
            raise DomainError(_("A public official needs a position and a level from 1 to 5."),
                              field="official_position")
    else:
        position, level = None, None
    if user.is_deleted:
        raise DomainError(_("This account has been deleted."))
    assignment = db.session.scalar(
        select(RoleAssignment).where(RoleAssignment.user_id == user.id,
                                     RoleAssignment.space_id == space.id,
                                     RoleAssignment.role == role)
    )
    if assignment is None:
        assignment = RoleAssignment(user=user, space_id=space.id, role=role)
        db.session.add(assignment)
    assignment.official_position, assignment.official_level = position, level
    db.session.commit()
    return assignment


def revoke_role(assignment: RoleAssignment) -> None:
    db.session.delete(assignment)
    db.session.commit()


# Other modules add their personal data here: name -> function(user) -> JSON-ready value.
def export_personal_data(user: User) -> dict[str, Any]:
    """Everything Decide stores about the person, as JSON-ready data."""
    residence = user.residence
    data: dict[str, Any] = {
        "account": {
            "username": user.username,
            "email": user.email,
            "kind": user.kind,
            "organisation_name": user.organisation_name,
            "locale": user.locale,
            "home_city": user.home_city.slug if user.home_city else None,
            "created_at": user.created_at.isoformat(),
            "confirmed_at": user.confirmed_at.isoformat() if user.confirmed_at else None,
            "terms_accepted_at": (user.terms_accepted_at.isoformat()
                                  if user.terms_accepted_at else None),
            "email_notifications_turned_off": list(user.email_opt_outs or []),
        },
        "residence": {
            "city": residence.city.slug,
            "verified_at": residence.verified_at.isoformat(),
            "method": residence.method,
        } if residence else None,
        "roles": [
            {"space": r.space.slug, "space_kind": r.space.kind, "role": r.role,
             "position": r.official_position, "level": r.official_level}
            for r in user.roles
        ],
    }
    # Every module adds what it stores about the person, under its own name.
    for module in registry:
        if module.personal_data is not None:
            data[module.name] = module.personal_data(user)
    return data


def delete_account(user: User, password: str) -> None:
    """Erase personal data; content the person wrote stays, shown as by "deleted user"."""
    if not verify_password(user.password_hash, password):
        raise DomainError(_("Your password is not correct."), field="password")
    anonymise(user)


def anonymise(user: User) -> None:
    user.username = f"deleted-{user.id}-{secrets.token_hex(4)}"
    user.email = None
    user.password_hash = None
    user.organisation_name = None
    user.home_city = None
    user.deleted_at = utcnow()
    user.session_token = new_session_token()
    user.is_deployment_admin = False
    user.residence = None
    user.roles.clear()
    # Modules unlink what must not outlive the account (notes, notifications, follows).
    for module in registry:
        if module.erase_personal_data is not None:
            module.erase_personal_data(user)
    db.session.commit()


def role_label(role: str) -> str:
    from decide.accounts.models import ROLE_LABELS

    return str(ROLE_LABELS[role])
