"""Every write about notifications, and the reaction to new comments.

A new comment concerns one person at most: a reply concerns the author of the parent comment
(kind reply_to_comment, item = that comment), a top-level comment on a debate the debate's
author (kind comment_on_debate, item = the debate). Nobody is notified of their own comment,
deleted accounts never are, and a reply to the debate author's own comment gives one
notification (the reply), not two.

Repeated events of one kind on one item fold into the person's unread notification for it
(count + 1, newest actor and comment); once it is read, the next event starts a new one.

E-mail: one message per unread notification. The first event on an item sends an e-mail;
further events fold silently into the still unread notification (the centre shows "3 new
comments"), so a lively debate does not flood its author's inbox. Opening the notification
(the e-mail links to it) marks it read, so the next event e-mails again. Per-kind opt-outs
(User.email_opt_outs) and unconfirmed addresses get no e-mail; the in-app notification stays.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, has_request_context, render_template, url_for
from flask_babel import force_locale
from sqlalchemy import inspect, select, update

from decide.accounts.models import User
from decide.comments.models import Comment
from decide.core.db import sqlite_write_lock, utcnow
from decide.core.jobs import enqueue
from decide.core.mail import send_mail
from decide.core.targets import TARGETS
from decide.extensions import db
from decide.notifications import queries
from decide.notifications.models import NOTIFICATION_KINDS, Notification
from decide.notifications.texts import actor_name, kind_label
from decide.notifications.tokens import InvalidToken, make_unsubscribe_token, read_unsubscribe_token

# Who hears of a top-level comment: target type -> notification kind for the target's author.
TOP_LEVEL_KINDS = {"debate": "comment_on_debate"}
TITLE_MAX = 160
EXCERPT_MAX = 300


@dataclass(frozen=True)
class Event:
    recipient_id: int
    kind: str
    target_type: str
    target_id: int
    title: str


# --- reacting to new comments -------------------------------------------------------------

def on_comment_created(comment: Any, **_extra: Any) -> None:
    """Receiver of `comment_created` (sent after the commit): the work is a job, inline or
    queued, given the comment's id only."""
    state = inspect(comment, raiseerr=False)
    # The identity needs no query, though the commit expired the comment's attributes.
    comment_id = state.identity[0] if state is not None and state.identity else comment.id
    enqueue(notify_comment, int(comment_id))


def _title_of(item: Any) -> str:
    return (getattr(item, "title", "") or "")[:TITLE_MAX]


def event_for(comment: Comment) -> Event | None:
    """Whom `comment` concerns, about which item; None when nobody."""
    model = TARGETS.get(comment.target_type)
    item = db.session.get(model, comment.target_id) if model is not None else None
    if item is None:
        return None
    if comment.parent_id is not None:
        parent = db.session.get(Comment, comment.parent_id)
        if parent is None or parent.is_deleted:
            return None
        return Event(parent.author_id, "reply_to_comment", "comment", parent.id, _title_of(item))
    kind = TOP_LEVEL_KINDS.get(comment.target_type)
    author_id = getattr(item, "author_id", None)
    if kind is None or author_id is None:
        return None
    return Event(author_id, kind, comment.target_type, item.id, _title_of(item))


def notify_comment(comment_id: int) -> int | None:
    """Job: notify whoever a new comment concerns. Returns the notification's id, or None."""
    comment = db.session.get(Comment, comment_id)
    if comment is None or comment.is_deleted or comment.is_hidden:
        return None
    event = event_for(comment)
    if event is None or event.recipient_id == comment.author_id:
        return None
    recipient = db.session.get(User, event.recipient_id)
    if recipient is None or recipient.is_deleted:
        return None
    notification, created = record(event, comment)
    # One e-mail per unread notification: a folded event sends none (see the module doc).
    if created and wants_email(recipient, event.kind):
        send_notification_email(recipient, notification, comment)
    return notification.id


def _serialise_per_recipient(user_id: int) -> None:
    """Make concurrent events for one person take turns, so that they fold into one row.

    PostgreSQL: lock the person's row until the commit. SQLite: take the database's write lock
    before reading (a no-op UPDATE), so the read below sees every committed event.
    """
    if not sqlite_write_lock():
        db.session.execute(select(User.id).where(User.id == user_id).with_for_update())


def record(event: Event, comment: Comment) -> tuple[Notification, bool]:
    """Fold the event into the unread notification for this item, or start a new one; one
    transaction. Returns the notification and whether it is new."""
    _serialise_per_recipient(event.recipient_id)
    notification = db.session.scalar(
        queries.unread_for_item(event.recipient_id, event.kind, event.target_type,
                                event.target_id)
        .execution_options(populate_existing=True))
    created = notification is None
    if notification is None:
        notification = Notification(
            user_id=event.recipient_id, space_id=comment.space_id, kind=event.kind,
            target_type=event.target_type, target_id=event.target_id, count=1,
            last_actor_id=comment.author_id, link_comment_id=comment.id, title=event.title)
        db.session.add(notification)
    else:
        notification.count = Notification.count + 1  # in SQL: no lost update
        notification.last_actor_id = comment.author_id
        if comment.id > (notification.link_comment_id or 0):
            notification.link_comment_id = comment.id
        notification.title = event.title or notification.title
        notification.updated_at = utcnow()
    db.session.commit()
    return notification, created


# --- e-mail -------------------------------------------------------------------------------

def wants_email(user: User, kind: str) -> bool:
    return (bool(user.email) and user.is_confirmed and not user.is_deleted
            and kind not in (user.email_opt_outs or []))


@contextmanager
def external_urls() -> Iterator[None]:
    """Make `url_for` work where there is no request (a worker): a request context on the
    configured BASE_URL, else on SERVER_NAME. In a request without BASE_URL, links use the
    host the person is on."""
    base = current_app.config.get("BASE_URL") or ""
    if has_request_context() and not base:
        yield
        return
    if not base:
        server = current_app.config.get("SERVER_NAME")
        if not server:
            current_app.logger.warning("set BASE_URL so that e-mails link to this site")
        scheme = current_app.config.get("PREFERRED_URL_SCHEME") or "http"
        base = f"{scheme}://{server or 'localhost'}"
    with current_app.test_request_context("/", base_url=base):
        yield


def external_url(endpoint: str, **values: Any) -> str:
    """An absolute URL, on BASE_URL when it is set (call inside `external_urls()`)."""
    base = current_app.config.get("BASE_URL") or ""
    if base:
        parts = urlsplit(base)
        return f"{parts.scheme}://{parts.netloc}{url_for(endpoint, **values)}"
    return url_for(endpoint, _external=True, **values)


def _excerpt(text: str, limit: int = EXCERPT_MAX) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + "…"


def send_notification_email(user: User, notification: Notification, comment: Comment) -> None:
    """The e-mail for a new notification, in the recipient's language, with a link to it and a
    one-click unsubscribe link for its kind (also as List-Unsubscribe headers)."""
    if not user.email:
        return
    kind = notification.kind
    with force_locale(user.locale), external_urls():
        unsubscribe_url = external_url("notifications.unsubscribe",
                                       token=make_unsubscribe_token(user.id, kind))
        context = {
            "user": user,
            "actor": actor_name(comment.author),
            "title": notification.title,
            "space_name": notification.space.name,
            "excerpt": _excerpt(comment.body),
            "link": external_url("notifications.open", notification_id=notification.id),
            "unsubscribe_url": unsubscribe_url,
            "preferences_url": external_url("notifications.preferences"),
            "kind_label": kind_label(kind),
        }
        subject = render_template(f"notifications/mail/{kind}_subject.txt", **context)
        body = render_template(f"notifications/mail/{kind}.txt", **context)
    send_mail(user.email, " ".join(subject.split()), body, headers={
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
    user.email_opt_outs = sorted({k for k in kinds if k in NOTIFICATION_KINDS})
    db.session.commit()


def _user_for_token(token: str) -> tuple[User, str]:
    user_id, kind = read_unsubscribe_token(token)
    user = db.session.get(User, user_id)
    if user is None or user.is_deleted:
        raise InvalidToken
    return user, kind


def unsubscribe(token: str) -> tuple[User, str]:
    """One-click unsubscribe: turn off e-mails of the token's kind. Raises InvalidToken."""
    user, kind = _user_for_token(token)
    if kind not in (user.email_opt_outs or []):
        set_email_opt_outs(user, [*(user.email_opt_outs or []), kind])
    return user, kind


def resubscribe(token: str) -> tuple[User, str]:
    """Undo `unsubscribe`: e-mails of the token's kind again. Raises InvalidToken."""
    user, kind = _user_for_token(token)
    if kind in (user.email_opt_outs or []):
        set_email_opt_outs(user, [k for k in user.email_opt_outs if k != kind])
    return user, kind
