"""The follows module, declared once: follow/unfollow any target, and hear of its comments."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from decide.core.modules import Module, NotificationKind
from decide.follows import services, views
from decide.follows.models import Follow

# The kind followers get for a new comment on what they follow (raised by the comments
# module's recipient logic, decide/comments/notifications.py).
COMMENT_ON_FOLLOWED = "comment_on_followed"


def describe_comment_on_followed(count: int, actor: str, title: str) -> str:
    if count == 1:
        return _("%(actor)s commented on “%(title)s”, which you follow", actor=actor,
                 title=title)
    return ngettext("%(num)d new comment on “%(title)s”, which you follow",
                    "%(num)d new comments on “%(title)s”, which you follow", count, title=title)


def may_follow(user: Any, space: Any, item: Any) -> bool:
    """Any signed-in person with a live account may follow what they can see."""
    return not user.is_deleted


def init_app(app: Flask) -> None:
    """New comments tell the followers of their target (and the people they concern)."""
    from decide.comments import notifications

    notifications.connect()


module = Module(
    name="follows",
    blueprint=views.bp,
    models=(Follow,),
    actions={"follows.follow": may_follow},
    personal_data=services.personal_data,
    erase_personal_data=services.erase_personal_data,
    notification_kinds=(NotificationKind(
        COMMENT_ON_FOLLOWED, _l("Someone comments on something I follow"),
        describe=describe_comment_on_followed),),
    init_app=init_app,
)
