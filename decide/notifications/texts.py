"""What notifications say, in the reader's language: centre entries, e-mail subjects, labels."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

# Labels of the e-mail preferences, one per kind (decide.notifications.models.NOTIFICATION_KINDS).
KIND_LABELS = {
    "comment_on_debate": _l("Someone comments on a debate I started"),
    "reply_to_comment": _l("Someone replies to one of my comments"),
}


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


def actor_name(actor: Any) -> str:
    """Who acted last; their account may have been deleted since."""
    return actor.display_name if actor is not None else _("deleted user")


def describe(notification: Any) -> str:
    """One line for the notification centre, e.g. "3 new comments on your debate “X”"."""
    count, title = notification.count, notification.title
    if notification.kind == "comment_on_debate":
        if count == 1:
            return _("%(actor)s commented on your debate “%(title)s”",
                     actor=actor_name(notification.last_actor), title=title)
        return ngettext("%(num)d new comment on your debate “%(title)s”",
                        "%(num)d new comments on your debate “%(title)s”", count, title=title)
    if notification.kind == "reply_to_comment":
        if count == 1:
            return _("%(actor)s replied to your comment on “%(title)s”",
                     actor=actor_name(notification.last_actor), title=title)
        return ngettext("%(num)d new reply to your comment on “%(title)s”",
                        "%(num)d new replies to your comment on “%(title)s”", count, title=title)
    return title

