"""The moderation module, declared once: flags on every module's targets, the queues where
moderators decide on them, automatic hiding, blocked authors."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from decide.core.modules import AdminEntry, Module, NotificationKind
from decide.core.settings import SettingSpec
from decide.moderation import services, views
from decide.moderation.models import AccountBlock, Flag, Hiding


def init_app(app: Flask) -> None:
    from flask_login import user_logged_in

    # A blocked account may still know its password: the sign-in is refused right after.
    user_logged_in.connect(services.refuse_blocked_sign_in, app)


module = Module(
    name="moderation",
    blueprint=views.bp,
    models=(Flag, Hiding, AccountBlock),
    actions=services.ACTIONS,
    settings=(
        SettingSpec(services.AUTO_HIDE_SETTING, int, 0, minimum=0, maximum=1_000,
                    description=_l("Hide content automatically, until a moderator reviews "
                                   "it, once this many different people have flagged it "
                                   "(0: never).")),
    ),
    notification_kinds=(NotificationKind(
        services.HIDDEN_KIND, _l("Moderators hid something I published"),
        describe=services.describe_hidden, link=services.notification_link),),
    admin_menu=(AdminEntry(_l("Moderation"), "moderation.queue", action="moderate"),),
    personal_data=services.personal_data,
    erase_personal_data=services.erase_personal_data,
    init_app=init_app,
)
