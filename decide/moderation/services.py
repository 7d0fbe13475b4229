"""Flags: once per person and item, never on one's own content; counts live on the item."""

from __future__ import annotations

from typing import Any

from flask import abort
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from decide.accounts.models import User
from decide.accounts.services import PERSONAL_DATA_EXPORTERS
from decide.cities.models import Space
from decide.core.db import commit_unique
from decide.core.errors import DomainError
from decide.core.permissions import can
from decide.core.targets import get_target
from decide.extensions import db
from decide.moderation.models import FLAG_REASONS, Flag


def already_flagged(user: Any, target_type: str, target_id: int) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return db.session.scalar(select(Flag.id).where(
        Flag.target_type == target_type, Flag.target_id == target_id,
        Flag.user_id == user.id)) is not None


def flag(user: User, space: Space, target_type: str, target_id: int, reason: str,
         note: str | None = None) -> Flag:
    target = get_target(target_type, target_id, space)
    if getattr(target, "is_hidden", False) or getattr(target, "is_deleted", False):
        abort(404)
    if not can(user, "participate", space):
        raise DomainError(_("Confirm your e-mail address to flag content."), status=403)
    if target.author_id == user.id:
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


PERSONAL_DATA_EXPORTERS["flags"] = personal_data
