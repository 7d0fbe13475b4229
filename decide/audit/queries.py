"""Reading the audit trail."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from decide.audit.models import AuditEvent
from decide.extensions import db


def events_for(target: Any, limit: int = 50) -> list[AuditEvent]:
    """The newest events about `target` (a declared target), with their actors."""
    return list(db.session.scalars(
        select(AuditEvent).where(AuditEvent.space_id == target.space_id,
                                 AuditEvent.target_type == target.target_name,
                                 AuditEvent.target_id == target.id)
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc()).limit(limit)
        .options(joinedload(AuditEvent.actor))))
