"""Every write about notifications, for any module: deliver an event, read, preferences.

A module that wants people to hear of something builds an `Event` (who hears of it, the kind it
declared, the item events fold on, who acted, the title and an excerpt, what to link to) and
calls `notify(event)`, which runs `deliver_event` as a job; a module already inside a job calls
`deliver(event)`. This module knows no module by name: kinds, their labels and their wording
come from the module registry.

Repeated events of one kind on one item fold into the person's unread notification for it
(count + 1, newest actor and link); once it is read, the next event starts a new one. Nobody is
notified of their own action, and deleted accounts never are.

E-mail: one message per unread notification. The first event on an item sends an e-mail;
further events fold silently into the still unread notification (the centre shows "3 new
comments"), so a lively debate does not flood its author's inbox. Opening the notification
(the e-mail links to it) marks it read, so the next event e-mails again. Per-kind opt-outs
(User.email_opt_outs) and unconfirmed addresses get no e-mail; the in-app notification stays.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask import render_template
from flask_babel import force_locale
from sqlalchemy import delete, select, update

from decide.accounts.models import User
from decide.core.db import sqlite_write_lock, utcnow
from decide.core.jobs import enqueue
from decide.core.mail import send_mail
from decide.core.urls import absolute_url
from decide.extensions import db
from decide.notifications import queries
from decide.notifications.models import Notification
from decide.notifications.texts import (
    actor_name,
    describe_event,
    kind_label,
    kind_names,
    notification_kinds,
)
from decide.notifications.tokens import (
    InvalidToken,
    address_fingerprint,
    make_unsubscribe_token,
    read_unsubscribe_token,
)

TITLE_MAX = 160
EXCERPT_MAX = 300


@dataclass(frozen=True)
class Event:
    """Something that happened, for the people it concerns.

    `item_type`/`item_id` name what repeated events fold on (a debate, your comment);
    `link_type`/`link_id` what the notification opens while it is visible (the newest comment),
    both as target types of `decide.core.targets`.
    """

    recipient_ids: tuple[int, ...]
    kind: str
    space_id: int
    item_type: str
    item_id: int
    actor_id: int | None
    title: str
    excerpt: str = ""
    link_type: str | None = None
    link_id: int | None = None

    def job_arguments(self) -> dict[str, Any]:
        """Plain data for the jobs layer (see `deliver_event`)."""
        fields = dataclasses.asdict(self)
        fields["recipient_ids"] = list(self.recipient_ids)
        return fields


def notify(event: Event) -> None:
    """Deliver `event` as a job: inline without a queue, by `decide worker` with one."""
    enqueue(deliver_event, **event.job_arguments())


def deliver_event(**fields: Any) -> list[int]:
    """Job: `deliver` an event given as plain data (`Event.job_arguments`)."""
    fields["recipient_ids"] = tuple(fields.get("recipient_ids") or ())
    return deliver(Event(**fields))


def _recipients(event: Event) -> list[int]:
    """Each recipient once, in the given order, never the actor."""
    seen: dict[int, None] = {}
    for user_id in event.recipient_ids:
        if user_id != event.actor_id:
            seen.setdefault(int(user_id), None)
    return list(seen)


def deliver(event: Event) -> list[int]:
    """Record `event` for each recipient (folded into their unread notification for the item,
    one transaction per person) and e-mail those whose notification is new. Returns the ids
    of the notifications written."""
    if event.kind not in notification_kinds():
        raise ValueError(f"notification kind {event.kind!r} is not declared by any module")
    recipient_ids = _recipients(event)
    if not recipient_ids:
        return []
    # One query for every recipient; deleted accounts hear of nothing.
    live = set(db.session.scalars(
        select(User.id).where(User.id.in_(recipient_ids), User.deleted_at.is_(None))))
    written = []
    for user_id in recipient_ids:
        if user_id not in live:
            continue
        notification, created = record(event, user_id)
        written.append(notification.id)
        if created:
            recipient = db.session.get(User, user_id)
            # One e-mail per unread notification: a folded event sends none (see above).
            if recipient is not None and wants_email(recipient, event.kind):
                send_notification_email(recipient, notification, event)
    return written


def _serialise_per_recipient(user_id: int) -> None:
    """Make concurrent events for one person take turns, so that they fold into one row.

    PostgreSQL: lock the person's row until the commit. SQLite: take the database's write lock
    before reading (a no-op UPDATE), so the read below sees every committed event.
    """
    if not sqlite_write_lock():
        db.session.execute(select(User.id).where(User.id == user_id).with_for_update())


def record(event: Event, user_id: int) -> tuple[Notification, bool]:
    """Fold the event into the person's unread notification for this item, or start a new
    one; one transaction. Returns the notification and whether it is new."""
    _serialise_per_recipient(user_id)
    title = (event.title or "")[:TITLE_MAX]
    notification = db.session.scalar(
        queries.unread_for_item(user_id, event.kind, event.item_type, event.item_id)
        .execution_options(populate_existing=True))
    created = notification is None
    if notification is None:
        notification = Notification(
            user_id=user_id, space_id=event.space_id, kind=event.kind,
            target_type=event.item_type, target_id=event.item_id, count=1,
            last_actor_id=event.actor_id, link_target_type=event.link_type,
            link_target_id=event.link_id, title=title)
        db.session.add(notification)
    else:
        notification.count = Notification.count + 1  # in SQL: no lost update
        notification.last_actor_id = event.actor_id
        # Events may be processed out of order (two workers): link to the newest.
        if event.link_id is not None and (notification.link_target_type != event.link_type
                                          or event.link_id > (notification.link_target_id
                                                              or 0)):
            notification.link_target_type = event.link_type
            notification.link_target_id = event.link_id
        notification.title = title or notification.title
        notification.updated_at = utcnow()
    db.session.commit()
    return notification, created


# --- e-mail -------------------------------------------------------------------------------

def wants_email(user: User, kind: str) -> bool:
    return (bool(user.email) and user.is_confirmed and not user.is_deleted
            and kind not in (user.email_opt_outs or []))


def excerpt(text: str, limit: int = EXCERPT_MAX) -> str:
    """The start of `text` on one line, cut at a word, for e-mails."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + "…"


def send_notification_email(user: User, notification: Notification, event: Event) -> None:
    """The e-mail for a new notification, in the recipient's language, with a link to it and
    an unsubscribe link for its kind (also as RFC 8058 one-click List-Unsubscribe headers).
    Every link comes from `absolute_url`, never from a request's Host header."""
    if not user.email:
        return
    kind = notification.kind
    actor = db.session.get(User, event.actor_id) if event.actor_id is not None else None
    with force_locale(user.locale):
        unsubscribe_url = absolute_url(
            "notifications.unsubscribe", token=make_unsubscribe_token(user.id, kind, user.email))
        summary = describe_event(kind, 1, actor_name(actor), notification.title)
        context = {
            "user": user,
            "summary": summary,
            "space_name": notification.space.name,
            "excerpt": excerpt(event.excerpt),
            "link": absolute_url("notifications.open", notification_id=notification.id),
            "unsubscribe_url": unsubscribe_url,
            "preferences_url": absolute_url("notifications.preferences"),
            "kind_label": kind_label(kind),
        }
        body = render_template("notifications/mail/notification.txt", **context)
    send_mail(user.email, " ".join(summary.split()), body, headers={
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    })


# --- reading and preferences --------------------------------------------------------------

def _mark_read(*conditions: Any) -> int:
    # updated_at is the time of the last event, the centre's order: reading keeps it.
    result = db.session.execute(
        update(Notification)
        .where(Notification.read_at.is_(None), *conditions)
        .values(read_at=utcnow(), updated_at=Notification.updated_at),
        execution_options={"synchronize_session": False})
    db.session.commit()
    return int(result.rowcount or 0)


def mark_read(notification: Notification) -> None:
    if notification.read_at is None:
        _mark_read(Notification.id == notification.id)


def mark_all_read(user: User) -> int:
    """Mark every unread notification of `user` read; returns how many there were."""
    return _mark_read(Notification.user_id == user.id)


def set_email_opt_outs(user: User, kinds: Iterable[str]) -> None:
    """The kinds of notification `user` gets no e-mail for (the others are e-mailed)."""
    declared = set(kind_names())
    user.email_opt_outs = sorted({k for k in kinds if k in declared})
    db.session.commit()


def check_unsubscribe_token(token: str) -> tuple[User, str]:
    """The account and kind a valid link is for, changing nothing. Raises ExpiredToken, or
    InvalidToken for a damaged link, an unknown kind, a deleted account or an address that
    changed since the e-mail was sent."""
    user_id, kind, fingerprint = read_unsubscribe_token(token)
    if kind not in notification_kinds():
        raise InvalidToken
    user = db.session.get(User, user_id)
    if user is None or user.is_deleted or not user.email \
            or address_fingerprint(user.email) != fingerprint:
        raise InvalidToken
    return user, kind


def unsubscribe(token: str) -> tuple[User, str]:
    """Turn off e-mails of the token's kind (again: no change). Raises InvalidToken."""
    user, kind = check_unsubscribe_token(token)
    if kind not in (user.email_opt_outs or []):
        set_email_opt_outs(user, [*(user.email_opt_outs or []), kind])
    return user, kind


def resubscribe(token: str) -> tuple[User, str]:
    """Undo `unsubscribe`: e-mails of the token's kind again. Raises InvalidToken."""
    user, kind = check_unsubscribe_token(token)
    if kind in (user.email_opt_outs or []):
        set_email_opt_outs(user, [k for k in user.email_opt_outs if k != kind])
    return user, kind


# --- personal data ------------------------------------------------------------------------

def personal_data(user: User) -> list[dict[str, Any]]:
    """The person's notifications for the data download, oldest first, in one query."""
    rows = db.session.scalars(
        select(Notification).where(Notification.user_id == user.id)
        .order_by(Notification.id)).all()
    return [{"kind": n.kind, "title": n.title, "count": n.count,
             "about": f"{n.target_type}:{n.target_id}",
             "created_at": n.created_at.isoformat(), "updated_at": n.updated_at.isoformat(),
             "read": n.read_at is not None,
             "read_at": n.read_at.isoformat() if n.read_at else None} for n in rows]


def erase_personal_data(user: User) -> None:
    """On account deletion: delete the person's notifications and unlink them as the last
    actor of others' (those then name a "deleted user"). In the caller's transaction."""
    db.session.execute(delete(Notification).where(Notification.user_id == user.id),
                       execution_options={"synchronize_session": False})
    db.session.execute(update(Notification).where(Notification.last_actor_id == user.id)
                       .values(last_actor_id=None, updated_at=Notification.updated_at),
                       execution_options={"synchronize_session": False})
