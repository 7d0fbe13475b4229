"""The translations module: translatable author text for any target that declares fields."""

from __future__ import annotations

from flask import Flask
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from decide.core.modules import Module, NotificationKind
from decide.translations import queries, services
from decide.translations.models import ContentTranslation
from decide.translations.permissions import ACTIONS
from decide.translations.views import bp


def init_app(app: Flask) -> None:
    app.add_template_global(queries.localized, "localized")
    app.add_template_global(queries.translation_actions, "translation_actions")
    app.add_template_global(queries.language_name, "language_name")


def describe_suggestion(count: int, actor: str, title: str) -> str:
    """The notification centre's line (and e-mail subject) for suggested translations."""
    if count == 1:
        return _("%(actor)s suggested a translation of “%(title)s”", actor=actor, title=title)
    return ngettext("%(num)d translation suggested for “%(title)s”",
                    "%(num)d translations suggested for “%(title)s”", count, title=title)


module = Module(
    name="translations",
    blueprint=bp,
    models=(ContentTranslation,),
    actions=ACTIONS,
    personal_data=services.personal_data,
    erase_personal_data=services.erase_personal_data,
    init_app=init_app,
    notification_kinds=(NotificationKind(
        "translation_suggested", _l("Someone suggests a translation of what I wrote"),
        describe=describe_suggestion),),
)
