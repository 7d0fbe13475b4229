"""Flags, and what moderators do with flagged content: hide, ignore the flags, restore,
confirm an automatic hiding, block the author. Generic over every module's hideable targets.

Every decision is recorded in the audit trail in the same transaction as the change; authors
hear of their hidden content (and why) through the shared notifications, in their language.
"""

from __future__ import annotations

from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, update

from decide.accounts import sessions
from decide.accounts.models import RoleAssignment, User
from decide.audit.services import record
from decide.cities.models import Space
from decide.core.db import commit_unique, locked, utcnow
from decide.core.errors import DomainError, NotFoundError
from decide.core.permissions import can
from decide.core.signals import content_hidden, content_restored
from decide.core.targets import get_target
from decide.extensions import db
from decide.moderation import queries
from decide.moderation.models import FLAG_REASONS, NOTE_MAX, AccountBlock, Flag, Hiding
from decide.moderation.queries import QueueTarget
from decide.notifications.services import Event, notify

AUTO_HIDE_SETTING = "auto_hide_flags"
HIDDEN_KIND = "content_hidden"


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
    """Record one person's flag; with the space's `auto_hide_flags` set to N, the flag that
    makes N people waiting for a decision hides the item until a moderator reviews it."""
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
    threshold = int(space.setting(AUTO_HIDE_SETTING) or 0)
    if threshold:
        # Concurrent flags take turns, so the one that reaches N sees all the others.
        target = locked(type(target), target_id, space)
    record_ = Flag(space_id=space.id, target_type=target_type, target_id=target_id,
                   user_id=user.id, reason=reason, note=(note or "").strip() or None)
    db.session.add(record_)
    target.flags_count = type(target).flags_count + 1  # in SQL: concurrent flags all count
    hiding = None
    if threshold and not target.is_hidden:
        db.session.flush()
        waiting = db.session.scalar(select(func.count(Flag.id)).where(
            Flag.target_type == target_type, Flag.target_id == target_id,
            Flag.resolved_at.is_(None))) or 0
        if waiting >= threshold:
            hiding = _hide_automatically(space, target_type, target)
    commit_unique(_l("You have already flagged this."))
    if hiding is not None:
        content_hidden.send(target)
        _notify_author(space, target_type, target, hiding)
    return record_


def _hide_automatically(space: Space, target_type: str, target: Any) -> Hiding:
    """Hide `target` pending review; its flags stay unresolved until a moderator decides."""
    reasons = queries.unresolved_reasons(target_type, [target.id]).get(target.id, {})
    target.hidden_at = utcnow()
    hiding = Hiding(space_id=space.id, target_type=target_type, target_id=target.id,
                    author_id=getattr(target, "author_id", None), hidden_by_id=None,
                    automatic=True, reasons=reasons)
    db.session.add(hiding)
    record(None, space.id, "moderation.auto_hide", target, reasons=reasons,
           flags=sum(reasons.values()))
    return hiding


def personal_data(user: User) -> list[dict[str, Any]]:
    """The flags the person raised, for the data download."""
    return [{"on": f"{f.target_type}:{f.target_id}", "reason": f.reason, "note": f.note,
             "created_at": f.created_at.isoformat()}
            for f in db.session.scalars(select(Flag).where(Flag.user_id == user.id)
                                        .order_by(Flag.id))]


def erase_personal_data(user: User) -> None:
    """On account deletion the flags still count, but what the person wrote in them goes."""
    db.session.execute(update(Flag).where(Flag.user_id == user.id).values(note=None))


# --- the moderators' decisions ------------------------------------------------------------

def _check_moderator(user: User, space: Space) -> None:
    if not can(user, "moderate", space):
        raise DomainError(_("Only moderators can hide or restore content."), status=403)


def _queue(space: Space, target_type: str) -> QueueTarget:
    """The moderatable target type, or 404 (unknown, not hideable, module not used here)."""
    queue = queries.queue_target(space, target_type)
    if queue is None:
        raise NotFoundError()
    return queue


def _items(space: Space, queue: QueueTarget, ids: list[int]) -> list[Any]:
    if not ids:
        raise DomainError(_("Select at least one item."), field="ids")
    items = queries.items_in_space(space, queue, ids)
    if not items:
        # Some id is not an item of this space: nothing is changed.
        raise NotFoundError()
    return items


def _clean_note(note: str | None) -> str | None:
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise DomainError(_("Use at most %(max)d characters.", max=NOTE_MAX), field="note")
    return note or None


def _resolve_flags(target_type: str, ids: list[int], now: Any) -> int:
    result = db.session.execute(
        update(Flag).where(Flag.target_type == target_type, Flag.target_id.in_(ids),
                           Flag.resolved_at.is_(None)).values(resolved_at=now),
        execution_options={"synchronize_session": False})
    return int(result.rowcount or 0)


def hide_items(user: User, space: Space, target_type: str, ids: list[int],
               note: str | None = None) -> list[Any]:
    """Hide items of this space (those already hidden stay as they are): they disappear for
    everyone but the space's moderators, their flags count as reviewed and their authors are
    told why. Returns the items hidden now."""
    _check_moderator(user, space)
    queue = _queue(space, target_type)
    items = _items(space, queue, ids)
    note = _clean_note(note)
    changed = [item for item in items if not item.is_hidden]
    if not changed:
        return []
    now = utcnow()
    changed_ids = [item.id for item in changed]
    reasons = queries.unresolved_reasons(target_type, changed_ids)
    hidings = {}
    for item in changed:
        item.hidden_at = now
        hiding = Hiding(space_id=space.id, target_type=target_type, target_id=item.id,
                        author_id=getattr(item, "author_id", None), hidden_by_id=user.id,
                        automatic=False, reasons=reasons.get(item.id, {}), note=note,
                        reviewed_at=now)
        db.session.add(hiding)
        hidings[item.id] = hiding
        record(user, space.id, "moderation.hide", item, reasons=reasons.get(item.id, {}),
               note=note)
    _resolve_flags(target_type, changed_ids, now)
    db.session.commit()
    for item in changed:
        content_hidden.send(item)
        _notify_author(space, target_type, item, hidings[item.id])
    return changed


def ignore_flags(user: User, space: Space, target_type: str, ids: list[int]) -> int:
    """Dismiss the items' unresolved flags without hiding anything; returns how many."""
    _check_moderator(user, space)
    queue = _queue(space, target_type)
    items = _items(space, queue, ids)
    now = utcnow()
    waiting = queries.unresolved_reasons(target_type, [item.id for item in items])
    for item in items:
        if waiting.get(item.id):
            record(user, space.id, "moderation.ignore_flags", item,
                   reasons=waiting[item.id], flags=sum(waiting[item.id].values()))
    count = _resolve_flags(target_type, [item.id for item in items], now)
    db.session.commit()
    return count


def restore_items(user: User, space: Space, target_type: str, ids: list[int]) -> list[Any]:
    """Undo hiding: the items show again where they were. Their flags count as reviewed
    (the moderator judged the content acceptable). Returns the items restored."""
    _check_moderator(user, space)
    queue = _queue(space, target_type)
    items = _items(space, queue, ids)
    changed = [item for item in items if item.is_hidden]
    if not changed:
        return []
    now = utcnow()
    changed_ids = [item.id for item in changed]
    for item in changed:
        item.hidden_at = None
        record(user, space.id, "moderation.restore", item)
    db.session.execute(
        update(Hiding).where(Hiding.target_type == target_type,
                             Hiding.target_id.in_(changed_ids), Hiding.restored_at.is_(None))
        .values(restored_at=now, reviewed_at=func.coalesce(Hiding.reviewed_at, now)),
        execution_options={"synchronize_session": False})
    _resolve_flags(target_type, changed_ids, now)
    db.session.commit()
    for item in changed:
        content_restored.send(item)
    return changed


def confirm_items(user: User, space: Space, target_type: str, ids: list[int]) -> int:
    """Confirm automatic hidings: the items stay hidden and leave the review list; their
    flags count as reviewed. Returns how many hidings were confirmed."""
    _check_moderator(user, space)
    queue = _queue(space, target_type)
    items = _items(space, queue, ids)
    hidden_ids = [item.id for item in items if item.is_hidden]
    if not hidden_ids:
        return 0
    now = utcnow()
    pending = list(db.session.scalars(select(Hiding).where(
        Hiding.target_type == target_type, Hiding.target_id.in_(hidden_ids),
        Hiding.restored_at.is_(None), Hiding.reviewed_at.is_(None))))
    by_id = {item.id: item for item in items}
    for hiding in pending:
        hiding.reviewed_at = now
        record(user, space.id, "moderation.confirm_hide", by_id[hiding.target_id],
               reasons=hiding.reasons)
    _resolve_flags(target_type, hidden_ids, now)
    db.session.commit()
    return len(pending)


# The single-item forms on content pages use the same services.

def hide(user: User, space: Space, target_type: str, target_id: int,
         note: str | None = None) -> Any:
    """Hide one target of this space (any module's); see `hide_items`."""
    item = get_target(target_type, target_id, space)  # another space's item: 404 first
    if not hasattr(item, "hidden_at"):
        raise NotFoundError()
    hide_items(user, space, target_type, [target_id], note)
    return item


def restore(user: User, space: Space, target_type: str, target_id: int) -> Any:
    """Undo `hide`: the target shows again where it was."""
    item = get_target(target_type, target_id, space)
    if not hasattr(item, "hidden_at"):
        raise NotFoundError()
    restore_items(user, space, target_type, [target_id])
    return item


# --- blocking authors ---------------------------------------------------------------------

def block_candidates(user: User, space: Space, target_type: str, ids: list[int]) -> list[User]:
    """The distinct authors of the selected items (what the confirmation page lists)."""
    _check_moderator(user, space)
    queue = _queue(space, target_type)
    if not queue.has_author:
        raise NotFoundError()
    items = _items(space, queue, ids)
    author_ids = {item.author_id for item in items if item.author_id is not None}
    return list(db.session.scalars(select(User).where(User.id.in_(author_ids))
                                   .order_by(User.username_lower)))


def block_problem(actor: User, author: User) -> str | None:
    """Why `actor` may not block `author` (translated), or None."""
    if author.id == actor.id:
        return _("You cannot block yourself.")
    if author.is_deployment_admin:
        return _("Deployment administrators cannot be blocked.")
    if author.is_deleted:
        return _("This account has been deleted.")
    # A moderator of one city must not be able to take another city's administration away.
    if not actor.is_deployment_admin and any(r.role == "administrator" for r in author.roles):
        return _("%(name)s is an administrator: only a deployment administrator can block "
                 "them.", name=author.display_name)
    return None


def block_authors(actor: User, space: Space, user_ids: list[int],
                  note: str | None = None) -> list[User]:
    """Block accounts that wrote content in this space: all their content is hidden (in every
    space: the account is gone from the platform), their roles are removed, their sessions
    end and they can no longer sign in. Returns the accounts blocked now."""
    _check_moderator(actor, space)
    if not user_ids:
        raise DomainError(_("Select at least one item."), field="ids")
    note = _clean_note(note)
    wanted = set(user_ids)
    if queries.authored_in_space(space, wanted) != wanted:
        raise NotFoundError()  # only authors of this space's content can be blocked from here
    authors = list(db.session.scalars(select(User).where(User.id.in_(wanted))))
    for author in authors:
        problem = block_problem(actor, author)
        if problem:
            raise DomainError(problem, status=403)
    now = utcnow()
    blocked, hidden = [], []
    for author in authors:
        if queries.is_blocked(author.id):
            continue
        hidden_here = _hide_all_content(actor, author, note, now)
        hidden.extend(hidden_here)
        roles = [f"{r.space_id}:{r.role}" for r in author.roles]
        db.session.execute(delete(RoleAssignment).where(RoleAssignment.user_id == author.id),
                           execution_options={"synchronize_session": False})
        db.session.expire(author, ["roles"])
        sessions.revoke_all(author, commit=False)
        db.session.add(AccountBlock(user_id=author.id, space_id=space.id,
                                    blocked_by_id=actor.id, note=note, created_at=now))
        record(actor, space.id, "moderation.block", None, user_id=author.id,
               username=author.username, roles_removed=roles, items_hidden=len(hidden_here),
               note=note)
        blocked.append(author)
    db.session.commit()
    for item in hidden:
        content_hidden.send(item)
    return blocked


def _hide_all_content(actor: User, author: User, note: str | None, now: Any) -> list[Any]:
    """Hide every visible item `author` wrote, of every hideable kind, in every space; each
    hiding shows in its space's hidden queue and audit trail."""
    hidden = []
    for queue in queries.all_hideable():
        if not queue.has_author:
            continue
        model = queue.model
        items = list(db.session.scalars(select(model).where(
            model.author_id == author.id, model.hidden_at.is_(None))))
        if not items:
            continue
        reasons = queries.unresolved_reasons(queue.name, [item.id for item in items])
        for item in items:
            item.hidden_at = now
            db.session.add(Hiding(space_id=item.space_id, target_type=queue.name,
                                  target_id=item.id, author_id=author.id,
                                  hidden_by_id=actor.id, reasons=reasons.get(item.id, {}),
                                  note=note, reviewed_at=now, automatic=False))
            record(actor, item.space_id, "moderation.hide", item, author_blocked=True,
                   reasons=reasons.get(item.id, {}))
            hidden.append(item)
        _resolve_flags(queue.name, [item.id for item in items], now)
    return hidden


def refuse_blocked_sign_in(sender: Any, user: User) -> None:
    """Receiver of Flask-Login's `user_logged_in`: a blocked account's fresh session ends at
    once and the sign-in is refused (the password was right, but the account is blocked)."""
    if not queries.is_blocked(user.id):
        return
    from flask_login import logout_user

    sessions.revoke_all(user)
    logout_user()
    raise DomainError(_("This account has been blocked by the moderators."), status=403)


# --- telling authors ----------------------------------------------------------------------

def reason_text(hiding: Hiding) -> str:
    """Why it was hidden, in the current language: the moderator's note, else the flags'
    reasons with their counts."""
    from decide.moderation.forms import FLAG_REASON_LABELS

    if hiding.note:
        return hiding.note
    parts = [f"{FLAG_REASON_LABELS[reason]} ({count})"
             for reason, count in sorted(hiding.reasons.items(), key=lambda kv: -kv[1])
             if reason in FLAG_REASON_LABELS]
    return ", ".join(parts) or _("it breaks the rules of participation")


def item_heading(item: Any, limit: int = 60) -> str:
    """A short name for an item: its title, or the start of its text (comments)."""
    text = getattr(item, "title", None) or next(
        (getattr(item, name) for name in ("summary", "body", "description")
         if getattr(item, name, None)), "")
    text = " ".join(str(text).split())
    if not text:
        return _("(no text)")  # e.g. a deleted comment: the link still needs a name
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"


def _notify_author(space: Space, target_type: str, item: Any, hiding: Hiding) -> None:
    author_id = getattr(item, "author_id", None)
    author = db.session.get(User, author_id) if author_id is not None else None
    if author is None or author.is_deleted:
        return
    # Written now, in the author's language: the notification stores it as its title.
    with force_locale(author.locale):
        reason = reason_text(hiding)
        if hiding.automatic:
            title = _("“%(title)s”, hidden automatically until a moderator reviews it. "
                      "Reason: %(reason)s", title=item_heading(item), reason=reason)
        else:
            title = _("“%(title)s”. Reason: %(reason)s", title=item_heading(item),
                      reason=reason)
    notify(Event(recipient_ids=(author.id,), kind=HIDDEN_KIND, space_id=space.id,
                 item_type=target_type, item_id=item.id, actor_id=None, title=title,
                 excerpt=reason))


def describe_hidden(count: int, actor: str, title: str) -> str:
    return _("Moderators hid your content %(what)s", what=title)


def notification_link(notification: Any) -> str:
    """Where a "content_hidden" notification leads its author: the list of their hidden
    content in that space, with the reasons (the item's own page is closed to them)."""
    from flask import url_for

    return url_for("moderation.mine", space=notification.space)
