"""The comments module, declared once: comments and replies on every module's targets."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from decide.comments import notifications, services, views
from decide.comments.models import Comment, CommentVote
from decide.comments.permissions import ACTIONS
from decide.core.modules import Module, NotificationKind, Target
from decide.core.settings import SettingSpec

module = Module(
    name="comments",
    blueprint=views.bp,
    models=(Comment, CommentVote),
    targets=(Target(name="comment", model=Comment, url=views.comment_url),),
    settings=(
        SettingSpec("comment_max_length", int, 1_000, minimum=10, maximum=10_000,
                    description=_l("Longest comment body, in characters.")),
    ),
    actions=ACTIONS,
    personal_data=services.personal_data,
    notification_kinds=(NotificationKind("reply_to_comment",
                                         _l("Someone replies to one of my comments"),
                                         describe=notifications.describe_reply),),
)
