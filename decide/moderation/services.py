"""Flags: once per person and item, never on one's own content; counts live on the item."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from decide.accounts.models import User
from decide.cities.models import Space
from decide.core.db import commit_unique, utcnow
from decide.core.errors import DomainError, NotFoundError
from decide.core.permissions import can
from decide.core.signals import content_hidden, content_restored
from decide.core.targets import get_target
from decide.extensions import db
from decide.moderation.models import FLAG_REASONS, Flag


def may_flag(user: Any, space: Any, item: Any) -> bool:
    """Confirmed people flag what others wrote (a hidden or deleted item is not offered)."""
    return (bool(user.is_confirmed) and item is not None and item.author_id != user.id
            and not getattr(item, "is_deleted", False))


ACTIONS = {"moderation.flag": may_flag}


def already_flagged(user: Any, target_type: str, target_id: int) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return db.session.scalar(select(Flag.id).where(
        Flag.target_type == target_type, Flag.target_id == target_id,
        Flag.user_id == user.id)) is not None


def flag(user: User, space: Space, target_type: str, target_id: int, reason: str,
         note: str | None = None) -> Flag:
    target = get_target(target_type, target_id, space)
    if target.is_hidden or getattr(target, "is_deleted", False):
        raise NotFoundError()
    if not can(user, "participate", space):
        raise DomainError(_("Confirm your e-mail address to flag content."), status=403)
    if not can(user, "moderation.flag", space, target):
        raise DomainError(_("You cannot flag your own content."), status=403)
    if reason not in FLAG_REASONS:
        raise DomainError(_("Choose a reason."), field="reason")
    if already_flagged(user, target_type, target_id):
        raise DomainError(_("You have already flagged this."), status=409)
    record = Flag(space_id=space.id, target_type=target_type, target_id=target_id,
                  user_id=user.id, reason=reason, note=(note or "").strip() or None)
    db.session.add(record)
    target.flags_count = type(target).flags_count + 1  # in SQL: concurrent flags all count
    commit_unique(_l("You have already flagged this."))
    return record


def personal_data(user: User) -> list[dict[str, Any]]:
    """The flags the person raised, for the data download."""
    return [{"on": f"{f.target_type}:{f.target_id}", "reason": f.reason, "note": f.note,
             "created_at": f.created_at.isoformat()}
            for f in db.session.scalars(select(Flag).where(Flag.user_id == user.id)
                                        .order_by(Flag.id))]



def erase_personal_data(user: User) -> None:
    """On account deletion the flags still count, but what the person wrote in them goes."""
    db.session.execute(update(Flag).where(Flag.user_id == user.id).values(note=None))


def hide(user: User, space: Space, target_type: str, target_id: int) -> Any:
    """Hide a target of this space (any module's): it disappears for everyone but the
    space's moderators. Its flags count as reviewed."""
    return _set_hidden(user, space, target_type, target_id, hidden=True)


def restore(user: User, space: Space, target_type: str, target_id: int) -> Any:
    """Undo `hide`: the target shows again where it was."""
    return _set_hidden(user, space, target_type, target_id, hidden=False)


def _set_hidden(user: User, space: Space, target_type: str, target_id: int,
                hidden: bool) -> Any:
    target = get_target(target_type, target_id, space)
    if not hasattr(target, "hidden_at"):
        raise NotFoundError()
    if not can(user, "moderate", space):
        raise DomainError(_("Only moderators can hide or restore content."), status=403)
    if target.is_hidden == hidden:
        return target
    now = utcnow()
    target.hidden_at = now if hidden else None
    if hidden:
        db.session.execute(update(Flag).where(
            Flag.target_type == target_type, Flag.target_id == target_id,
            Flag.resolved_at.is_(None)).values(resolved_at=now))
    db.session.commit()
    (content_hidden if hidden else content_restored).send(target)
    return target
