"""The admin shell, declared once: each module adds its entries through `Module.admin_menu`."""

from __future__ import annotations

from decide.admin import views
from decide.core.modules import Module

module = Module(name="admin", blueprint=views.bp)
