"""Read-only questions about censuses."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from decide.extensions import db
from decide.verification.models import CensusEntry


def document_types(city: Any) -> list[str]:
    """The document types the city's census holds (what the verification form offers)."""
    return list(db.session.scalars(
        select(CensusEntry.document_type).where(CensusEntry.city_id == city.id)
        .distinct().order_by(CensusEntry.document_type)))
