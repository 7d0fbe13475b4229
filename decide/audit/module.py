"""The audit module, declared once: the trail of changes every module records."""

from __future__ import annotations

from decide.audit.models import AuditEvent
from decide.core.modules import Module

module = Module(name="audit", models=(AuditEvent,))
