"""Recording audit events: inside the caller's transaction, so a change and its record
commit together."""

from __future__ import annotations

from typing import Any

from decide.audit.models import AuditEvent
from decide.extensions import db


def record(actor: Any, space_id: int, action: str, target: Any = None, *,
           object_type: str | None = None, object_id: int | None = None,
           **data: Any) -> AuditEvent:
    """Add one event to the session. `target` is a declared target (its type and id are
    stored); `object_type`/`object_id` name anything else (a geozone, an account)."""
    event = AuditEvent(space_id=space_id, actor_id=getattr(actor, "id", None), action=action,
                       target_type=object_type or getattr(target, "target_name", None),
                       target_id=object_id if object_type else getattr(target, "id", None),
                       data=data)
    db.session.add(event)
    return event
