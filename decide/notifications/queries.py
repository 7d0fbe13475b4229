"""Reads: a person's notifications, newest activity first, across all their spaces."""

from __future__ import annotations

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from decide.core.pagination import Page, paginate
from decide.extensions import db
from decide.notifications.models import Notification

PER_PAGE = 20


def unread_count(user_id: int) -> int:
    """One COUNT over the (user_id, read_at) index, for the header on every page."""
    return db.session.scalar(
        select(func.count(Notification.id))
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
    ) or 0


def for_user(user_id: int) -> Select[tuple[Notification]]:
    """A person's notifications, newest activity first, with what the centre shows."""
    return (
        select(Notification)
        .where(Notification.user_id == user_id)
        .options(joinedload(Notification.space), joinedload(Notification.last_actor))
        .order_by(Notification.updated_at.desc(), Notification.id.desc())
    )


def notifications_page(user_id: int, page: int, per_page: int = PER_PAGE) -> Page:
    """One COUNT and one page query, whatever the number of notifications."""
    return paginate(for_user(user_id), page, per_page)


def get_for_user(user_id: int, notification_id: int) -> Notification | None:
    """The notification if it is this person's (None for anyone else's)."""
    return db.session.scalar(
        select(Notification)
        .where(Notification.id == notification_id, Notification.user_id == user_id)
    )


def unread_for_item(user_id: int, kind: str, target_type: str,
                    target_id: int) -> Select[tuple[Notification]]:
    """The unread notification new events on this item fold into (the newest, if several)."""
    return (
        select(Notification)
        .where(Notification.user_id == user_id, Notification.kind == kind,
               Notification.target_type == target_type, Notification.target_id == target_id,
               Notification.read_at.is_(None))
        .order_by(Notification.id.desc())
        .limit(1)
    )
