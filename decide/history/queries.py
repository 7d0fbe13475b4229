"""Reading an item's history."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from decide.extensions import db
from decide.history.models import Revision


def revisions_of(item: Any) -> list[Revision]:
    """Newest first, with their editors (two queries whatever the number of edits)."""
    return list(db.session.scalars(
        select(Revision).where(Revision.space_id == item.space_id,
                               Revision.target_type == item.target_name,
                               Revision.target_id == item.id)
        .order_by(Revision.created_at.desc(), Revision.id.desc())
        .options(joinedload(Revision.editor))))
