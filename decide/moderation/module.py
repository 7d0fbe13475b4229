"""The moderation module, declared once: flags on every module's targets."""

from __future__ import annotations

from decide.core.modules import Module
from decide.moderation import services, views
from decide.moderation.models import Flag

module = Module(
    name="moderation",
    blueprint=views.bp,
    models=(Flag,),
    actions=services.ACTIONS,
    personal_data=services.personal_data,
    erase_personal_data=services.erase_personal_data,
)
