"""Whom a new comment concerns, told through the notifications module's generic events.

- a reply: the author of the comment it answers (kind "reply_to_comment", item = that comment);
- a top-level comment: the author of its target, with the kind the target declares
  (`Target.comment_notification`, e.g. "comment_on_debate"; item = the target);
- any comment: the target's followers (kind "comment_on_followed", item = the target).

Each person hears of a comment once, by the first of these that concerns them (so a debate
author who follows their own debate gets "comment_on_debate", not both), never of their own
comment, and deleted accounts never do. Hidden or deleted comments notify nobody.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import inspect

from decide.comments.models import Comment
from decide.comments.signals import comment_created
from decide.core.jobs import enqueue
from decide.core.modules import registry
from decide.core.targets import target_for
from decide.extensions import db
from decide.notifications.services import Event, deliver

REPLY_TO_COMMENT = "reply_to_comment"
COMMENT_ON_FOLLOWED = "comment_on_followed"  # declared by the follows module


def describe_reply(count: int, actor: str, title: str) -> str:
    """Wording of "reply_to_comment" (for the comments module's declaration)."""
    if count == 1:
        return _("%(actor)s replied to your comment on “%(title)s”", actor=actor, title=title)
    return ngettext("%(num)d new reply to your comment on “%(title)s”",
                    "%(num)d new replies to your comment on “%(title)s”", count, title=title)


def on_comment_created(comment: Any, **_extra: Any) -> None:
    """Receiver of `comment_created` (sent after the commit): the work is a job, inline or
    queued, given the comment's id only."""
    state = inspect(comment, raiseerr=False)
    # The identity needs no query, though the commit expired the comment's attributes.
    comment_id = state.identity[0] if state is not None and state.identity else comment.id
    enqueue(notify_comment, int(comment_id))


def connect() -> None:
    """Listen to new comments (connecting twice is harmless: blinker keeps one receiver)."""
    comment_created.connect(on_comment_created)


def events_for(comment: Comment) -> list[Event]:
    """The notifications a new comment raises, each person in at most one of them."""
    declared = target_for(comment.target_type)
    item = db.session.get(declared.model, comment.target_id) if declared is not None else None
    if declared is None or item is None:
        return []
    title = str(getattr(item, "title", "") or "")
    common = {"space_id": comment.space_id, "actor_id": comment.author_id, "title": title,
              "excerpt": comment.body, "link_type": "comment", "link_id": comment.id}
    told = {comment.author_id}
    events = []
    if comment.parent_id is not None:
        parent = db.session.get(Comment, comment.parent_id)
        if parent is not None and not parent.is_deleted and parent.author_id not in told:
            events.append(Event(recipient_ids=(parent.author_id,), kind=REPLY_TO_COMMENT,
                                item_type="comment", item_id=parent.id, **common))
            told.add(parent.author_id)
    else:
        author_id = getattr(item, "author_id", None)
        if declared.comment_notification and author_id is not None and author_id not in told:
            events.append(Event(recipient_ids=(author_id,), kind=declared.comment_notification,
                                item_type=declared.name, item_id=item.id, **common))
            told.add(author_id)
    if "follows" in registry:
        from decide.follows.services import follower_ids

        followers = tuple(u for u in follower_ids(declared.name, item.id) if u not in told)
        if followers:
            events.append(Event(recipient_ids=followers, kind=COMMENT_ON_FOLLOWED,
                                item_type=declared.name, item_id=item.id, **common))
    return events


def notify_comment(comment_id: int) -> list[int]:
    """Job: notify whoever a new comment concerns. Returns the ids of the notifications
    written (none for a hidden, deleted or vanished comment)."""
    comment = db.session.get(Comment, comment_id)
    if comment is None or comment.is_deleted or comment.is_hidden:
        return []
    written: list[int] = []
    for event in events_for(comment):
        written.extend(deliver(event))
    return written
