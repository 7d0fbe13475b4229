"""Writes of the spaces' administration in the browser: alliance membership invitations, spaces
the deployment administrator creates, and verification of organisation accounts. Each write
records its audit event in the same transaction."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError

from decide.accounts.models import User
from decide.audit.services import record
from decide.cities.models import (
    Alliance,
    AllianceInvitation,
    AllianceMembership,
    City,
    Space,
    SpaceCreation,
)
from decide.cities.services import (
    FILE_COLUMNS,
    ConfigError,
    check_common,
    check_country,
    slug_problem,
)
from decide.cities.themes import ALLIANCE_KINDS, THEMES
from decide.core.db import sqlite_write_lock, utcnow
from decide.core.errors import DomainError, NotFoundError
from decide.extensions import db

# -- invitations -----------------------------------------------------------------------------


def _one(statement: Select[tuple[AllianceInvitation]], lock: bool) -> AllianceInvitation:
    """The invitation the statement selects (a 404 for none); with `lock`, locked for its
    answer, so two clicks cannot both accept it."""
    if lock:
        if not sqlite_write_lock():
            statement = statement.with_for_update()
        statement = statement.execution_options(populate_existing=True)
    invitation = db.session.scalar(statement)
    if invitation is None:
        raise NotFoundError()
    return invitation


def invitation_sent(alliance: Space, invitation_id: int, *,
                    lock: bool = False) -> AllianceInvitation:
    """An invitation `alliance` sent (a 404 for any other)."""
    return _one(select(AllianceInvitation).where(AllianceInvitation.id == invitation_id,
                                                 AllianceInvitation.space_id == alliance.id),
                lock)


def invitation_received(city: Space, invitation_id: int, *,
                        lock: bool = False) -> AllianceInvitation:
    """An invitation `city` received (a 404 for any other)."""
    return _one(select(AllianceInvitation).where(AllianceInvitation.id == invitation_id,
                                                 AllianceInvitation.city_id == city.id),
                lock)


def _is_member(alliance_id: int, city_id: int) -> bool:
    return db.session.scalar(select(AllianceMembership.id).where(
        AllianceMembership.alliance_id == alliance_id,
        AllianceMembership.city_id == city_id)) is not None


def invite(alliance: Space, actor: User, city_id: int | None) -> AllianceInvitation:
    """The secretariat invites a city of the deployment that is not yet a member."""
    city = db.session.scalar(select(City).where(City.id == city_id)) if city_id else None
    if city is None:
        raise DomainError(_("Choose a city of this deployment."), field="city", status=404)
    if _is_member(alliance.id, city.id):
        raise DomainError(_("%(city)s is already a member.", city=city.name), field="city",
                          status=409)
    pending = db.session.scalar(select(AllianceInvitation.id).where(
        AllianceInvitation.space_id == alliance.id, AllianceInvitation.city_id == city.id,
        AllianceInvitation.status == "pending"))
    if pending is not None:
        raise DomainError(_("%(city)s already has a pending invitation.", city=city.name),
                          field="city", status=409)
    invitation = AllianceInvitation(space_id=alliance.id, city_id=city.id, status="pending",
                                    invited_by_id=actor.id)
    db.session.add(invitation)
    try:
        db.session.flush()
    except IntegrityError as exc:  # the same invitation sent at the same moment
        db.session.rollback()
        raise DomainError(_("%(city)s already has a pending invitation.", city=city.name),
                          field="city", status=409) from exc
    record(actor, alliance.id, "alliance.invite", object_type="invitation",
           object_id=invitation.id, city=city.slug)
    db.session.commit()
    return invitation


def _close(invitation: AllianceInvitation, actor: User, status: str) -> None:
    if not invitation.is_pending:
        raise DomainError(_("This invitation has already been answered or withdrawn."),
                          status=409)
    invitation.status = status
    invitation.answered_by_id = actor.id
    invitation.answered_at = utcnow()


def withdraw(alliance: Space, actor: User, invitation_id: int) -> AllianceInvitation:
    invitation = invitation_sent(alliance, invitation_id, lock=True)
    _close(invitation, actor, "withdrawn")
    record(actor, alliance.id, "alliance.invitation_withdraw", object_type="invitation",
           object_id=invitation.id, city=invitation.city.slug,
           before="pending", after="withdrawn")
    db.session.commit()
    return invitation


def accept(city: Space, actor: User, invitation_id: int) -> AllianceInvitation:
    """The city joins the alliance: its verified residents become eligible there."""
    invitation = invitation_received(city, invitation_id, lock=True)
    _close(invitation, actor, "accepted")
    if not _is_member(invitation.space_id, city.id):
        # After the alliance's current members; the loader keeps this one ("invitation").
        last = db.session.scalar(select(func.max(AllianceMembership.position)).where(
            AllianceMembership.alliance_id == invitation.space_id))
        db.session.add(AllianceMembership(
            alliance_id=invitation.space_id, city_id=city.id, role="member",
            joined_on=utcnow().date(), position=(last if last is not None else -1) + 1,
            source="invitation"))
    alliance = invitation.alliance
    for space_id in (city.id, alliance.id):
        # In both trails: each side's administrators see the city join.
        record(actor, space_id, "alliance.invitation_accept", object_type="invitation",
               object_id=invitation.id, city=city.slug, alliance=alliance.slug,
               before="pending", after="accepted")
    db.session.commit()
    return invitation


def decline(city: Space, actor: User, invitation_id: int) -> AllianceInvitation:
    invitation = invitation_received(city, invitation_id, lock=True)
    _close(invitation, actor, "declined")
    alliance = invitation.alliance
    for space_id in (city.id, alliance.id):
        record(actor, space_id, "alliance.invitation_decline", object_type="invitation",
               object_id=invitation.id, city=city.slug, alliance=alliance.slug,
               before="pending", after="declined")
    db.session.commit()
    return invitation


# -- spaces created in the browser -----------------------------------------------------------

def _config_problem(error: ConfigError) -> DomainError:
    """The loader's refusal as a form error: the key it names (`ConfigError.key`) gives the
    field, and the message is the translated one for that field."""
    key = error.key
    messages = {
        "name": ("name_es", _("Give the space a name in at least one language.")),
        "locales": ("locales", _("Choose at least one of the offered languages.")),
        "default_locale": ("default_locale",
                           _("The main language must be one of the chosen languages.")),
        "timezone": ("timezone", _("Unknown time zone: use a name like Europe/Madrid.")),
        "currency": ("currency", _("Unknown currency: use an ISO 4217 code like EUR.")),
        "modules": ("modules", _("Choose modules from the list.")),
        "theme.primary": ("primary", _("Use a colour like #1a2b3c.")),
        "theme.secondary": ("secondary", _("Use a colour like #1a2b3c.")),
        "country": ("country", _("Unknown country: use an ISO 3166 code like ES or BR.")),
    }
    field, message = messages.get(key, (None, _("This value is not valid.")))
    return DomainError(message, field=field, status=400)


def create_space(actor: User, kind: str, values: dict[str, Any]) -> Space:
    """Create a city or an alliance with its first administrator (an existing account).

    `values`: slug, names ({locale: text}), default_locale, locales, timezone, currency,
    modules, primary, secondary, administrator (a username); country for cities; alliance_kind
    and themes for alliances. Validated as the configuration files are (`check_common`).
    """
    if kind not in ("city", "alliance"):
        raise NotFoundError()
    slug = (values.get("slug") or "").strip()
    problem = slug_problem(slug, kind)
    if problem == "format":
        raise DomainError(_("Use lowercase letters, digits and hyphens, like new-city."),
                          field="slug")
    if problem == "reserved":
        raise DomainError(_("This address is used by the application itself: choose another."),
                          field="slug")
    if db.session.scalar(select(Space.id).where(Space.kind == kind, Space.slug == slug)):
        raise DomainError(_("A space of this kind already uses this address."), field="slug",
                          status=409)
    names = {locale: text.strip() for locale, text in (values.get("names") or {}).items()
             if text and text.strip()}
    theme = {key: values[key].strip().lower() for key in ("primary", "secondary")
             if (values.get(key) or "").strip()}
    data = {"name": names or None, "default_locale": values.get("default_locale") or "",
            "locales": list(values.get("locales") or []),
            "timezone": (values.get("timezone") or "").strip(),
            "currency": (values.get("currency") or "").strip().upper(),
            "modules": list(values.get("modules") or []), "theme": theme}
    where = Path(f"(browser)/{kind}/{slug}")
    try:
        fields = check_common(where, data)
        if kind == "city":
            fields["country"] = check_country(where, (values.get("country") or "")
                                              .strip().upper())
    except ConfigError as error:
        raise _config_problem(error) from error
    if kind == "alliance":
        if values.get("alliance_kind") not in ALLIANCE_KINDS:
            raise DomainError(_("Choose a kind of alliance."), field="alliance_kind")
        themes = list(values.get("themes") or [])
        if not themes or any(theme not in THEMES for theme in themes):
            raise DomainError(_("Choose at least one theme from the list."), field="themes")
        fields.update(alliance_kind=values["alliance_kind"], themes=themes, sdgs=[])
    from decide.accounts.services import find_by_username, grant_role

    administrator = find_by_username(values.get("administrator") or "")
    if administrator is None or administrator.is_deleted:
        raise DomainError(_("No account has this username."), field="administrator",
                          status=404)
    model = City if kind == "city" else Alliance
    last = db.session.scalar(select(func.max(Space.position)).where(Space.kind == kind))
    fields["position"] = (last or 0) + 1
    space = model(slug=slug, **{FILE_COLUMNS.get(k, k): v for k, v in fields.items()})
    db.session.add(space)
    try:
        db.session.flush()
    except IntegrityError as exc:  # the same address created at the same moment
        db.session.rollback()
        raise DomainError(_("A space of this kind already uses this address."), field="slug",
                          status=409) from exc
    db.session.add(SpaceCreation(space_id=space.id, created_by_id=actor.id,
                                 created_at=utcnow()))
    record(actor, space.id, "space.create", object_type="space", object_id=space.id,
           kind=kind, slug=slug, names=fields["names"], timezone=fields["timezone"],
           currency=fields["currency"], modules=fields["modules"],
           administrator=administrator.username)
    record(actor, space.id, "admin.role_grant", object_type="user", object_id=administrator.id,
           username=administrator.username, before=None,
           after={"role": "administrator", "position": None, "level": None})
    grant_role(administrator, space, "administrator")  # commits everything
    return space


# -- organisations ---------------------------------------------------------------------------

def organisation_in_city(city: Space, user_id: int) -> User:
    """An organisation account whose home city is `city` (a 404 for any other account)."""
    organisation = db.session.scalar(select(User).where(
        User.id == user_id, User.kind == "organisation", User.home_city_id == city.id,
        User.deleted_at.is_(None)))
    if organisation is None:
        raise NotFoundError()
    return organisation


def set_organisation_verified(city: Space, actor: User, user_id: int, verified: bool) -> bool:
    """Verify (or stop verifying) an organisation of the city; False when nothing changed."""
    organisation = organisation_in_city(city, user_id)
    if organisation.is_verified_organisation == verified:
        return False
    before = organisation.organisation_verified_at
    if verified:
        organisation.organisation_verified_at = utcnow()
        organisation.organisation_verified_by_space_id = city.id
    else:
        organisation.organisation_verified_at = None
        organisation.organisation_verified_by_space_id = None
    record(actor, city.id, "organisation.verify" if verified else "organisation.unverify",
           object_type="user", object_id=organisation.id, username=organisation.username,
           before=before.isoformat() if before else None,
           after=(organisation.organisation_verified_at.isoformat()
                  if organisation.organisation_verified_at else None))
    db.session.commit()
    return True
