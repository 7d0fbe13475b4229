"""Helpers for the admin tests."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from decide.audit.models import AuditEvent
from decide.cities.models import Space
from decide.extensions import db

EN = {"Accept-Language": "en"}


def space(slug: str, kind: str = "city") -> Space:
    db.session.expire_all()
    return db.session.scalar(select(Space).where(Space.slug == slug, Space.kind == kind))


def events(app: Any, action: str) -> list[dict[str, Any]]:
    """The audit events of `action`, oldest first, as plain data (usable outside the app)."""
    with app.app_context():
        rows = db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)
                                  .order_by(AuditEvent.id))
        return [{"data": e.data, "actor": e.actor.username if e.actor else None,
                 "space": e.space.slug, "object": (e.target_type, e.target_id)}
                for e in rows]


def admin_client(logged_in: Any, username: str = "boss", where: str = "aurora") -> Any:
    return logged_in(username, roles=[("city", where, "administrator")], locale="en")
