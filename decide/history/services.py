"""Recording edits: called by a module's edit use case, inside its transaction."""

from __future__ import annotations

from typing import Any

from decide.extensions import db
from decide.history.models import Revision


def changed_fields(item: Any, new_values: dict[str, Any],
                   old_values: dict[str, Any] | None = None) -> dict[str, list[Any]]:
    """field -> [old, new] for each field whose value changes (old values read from `item`
    unless given, e.g. for tags or districts shown by name)."""
    old_values = old_values or {}
    changes = {}
    for name, new in new_values.items():
        old = old_values[name] if name in old_values else getattr(item, name)
        if old != new:
            changes[name] = [old, new]
    return changes


def record_revision(item: Any, editor: Any, changes: dict[str, list[Any]]) -> Revision | None:
    """Keep an edit of `item` (a declared target) in its public history; nothing when no
    field changed. The caller commits."""
    if not changes:
        return None
    revision = Revision(space_id=item.space_id, target_type=item.target_name,
                        target_id=item.id, editor_id=editor.id, changes=changes)
    db.session.add(revision)
    return revision


def personal_data(user: Any) -> list[dict[str, Any]]:
    """The edits the person made, for the data download."""
    from sqlalchemy import select

    return [{"on": f"{r.target_type}:{r.target_id}", "changes": r.changes,
             "created_at": r.created_at.isoformat()}
            for r in db.session.scalars(select(Revision).where(Revision.editor_id == user.id)
                                        .order_by(Revision.id))]
