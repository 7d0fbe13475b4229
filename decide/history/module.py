"""The history module, declared once: public edit history for every module's items."""

from __future__ import annotations

from decide.core.modules import Module
from decide.history import services
from decide.history.models import Revision

module = Module(name="history", models=(Revision,), personal_data=services.personal_data)
