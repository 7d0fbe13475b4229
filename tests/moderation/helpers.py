"""Flagged content made the way people make it, through the services."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from decide.accounts.services import find_by_username
from decide.audit.models import AuditEvent
from decide.extensions import db
from decide.moderation import services
from decide.moderation.models import Flag
from tests.debates.helpers import space


def flag(app, target_type: str, target_id: int, who: str, reason: str = "spam",
         where: str = "aurora") -> None:
    with app.test_request_context():
        services.flag(find_by_username(who), space(where), target_type, target_id, reason)


def flag_by(app, make_user, target_type: str, target_id: int, count: int,
            reason: str = "spam", where: str = "aurora", prefix: str = "flagger") -> None:
    """`count` different people (created as needed) flag the item."""
    for n in range(count):
        name = f"{prefix}{n}"
        with app.app_context():
            exists = find_by_username(name) is not None
        if not exists:
            make_user(name)
        flag(app, target_type, target_id, name, reason, where)


def model_of(target_type: str) -> Any:
    from decide.core.targets import target_model

    return target_model(target_type)


def is_hidden(app, target_type: str, target_id: int) -> bool:
    with app.app_context():
        return db.session.get(model_of(target_type), target_id).hidden_at is not None


def unresolved(app, target_type: str, target_id: int) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Flag.id)).where(
            Flag.target_type == target_type, Flag.target_id == target_id,
            Flag.resolved_at.is_(None))) or 0


def audit_actions(app) -> list[tuple[str, int | None, str | None, int | None]]:
    """(action, actor id, target type, target id) of every audit event, oldest first."""
    with app.app_context():
        return [(e.action, e.actor_id, e.target_type, e.target_id) for e in
                db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def user_id(app, username: str) -> int:
    with app.app_context():
        return find_by_username(username).id
