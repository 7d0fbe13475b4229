"""What notifications say, in the reader's language: centre entries, e-mail subjects, labels.

Each kind is declared, with its label and its wording, by the module that raises it
(`decide.core.modules.NotificationKind`); a kind without wording gets a generic one.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext

from decide.core.modules import NotificationKind, registry


def notification_kinds() -> dict[str, NotificationKind]:
    """Every declared kind by name, in the order of the app factory's module list."""
    return {kind.name: kind for kind in registry.notification_kinds()}


def kind_names() -> list[str]:
    return list(notification_kinds())


def kind_label(kind: str) -> str:
    declared = notification_kinds().get(kind)
    return str(declared.label) if declared is not None else kind


def actor_name(actor: Any) -> str:
    """Who acted last; their account may have been deleted since."""
    if actor is None or getattr(actor, "is_deleted", False):
        return _("deleted user")
    return str(actor.display_name)


def describe_event(kind: str, count: int, actor: str, title: str) -> str:
    """One line, e.g. "3 new comments on your debate “X”", by the kind's own wording."""
    declared = notification_kinds().get(kind)
    if declared is not None and declared.describe is not None:
        return declared.describe(count, actor, title)
    if count == 1:
        return _("%(actor)s: new activity on “%(title)s”", actor=actor, title=title)
    return ngettext("%(num)d new event on “%(title)s”", "%(num)d new events on “%(title)s”",
                    count, title=title)


def describe(notification: Any) -> str:
    """The notification centre's line for `notification`."""
    return describe_event(notification.kind, notification.count,
                          actor_name(notification.last_actor), notification.title)
