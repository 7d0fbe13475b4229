"""Recording audit events: inside the caller's transaction, so a change and its record
commit together."""

from __future__ import annotations

from typing import Any

from decide.audit.models import AuditEvent
from decide.extensions import db


def record(actor: Any, space_id: int, action: str, target: Any = None,
           **data: Any) -> AuditEvent:
    event = AuditEvent(space_id=space_id, actor_id=getattr(actor, "id", None), action=action,
                       target_type=getattr(target, "target_name", None),
                       target_id=getattr(target, "id", None), data=data)
    db.session.add(event)
    return event
