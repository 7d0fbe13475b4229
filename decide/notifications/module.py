"""The notifications module, declared once: the centre, e-mail preferences, unsubscribe links.

It raises no kind of its own: the modules that raise events declare theirs."""

from __future__ import annotations

from decide.core.modules import Module
from decide.notifications import init_app, services, views
from decide.notifications.models import Notification

module = Module(
    name="notifications",
    blueprint=views.bp,
    models=(Notification,),
    personal_data=services.personal_data,
    erase_personal_data=services.erase_personal_data,
    init_app=init_app,
)
