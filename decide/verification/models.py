"""The census a city uploads, which documents verified whom, and failed verification attempts.

Only what verification needs is kept: the document type, an HMAC of the normalised document
number (never the number itself), the date of birth and the postal code.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from decide.core.db import UTCDateTime
from decide.extensions import db


class CensusEntry(db.Model):
    """One person of a city's census, as far as verification needs to know them."""

    __tablename__ = "census_entries"
    __hidden_from_visitors__ = True  # never on a page a signed-out visitor sees
    __table_args__ = (
        # One row per document in a city; also the index verification looks rows up with.
        UniqueConstraint("city_id", "document_type", "document_hash",
                         name="uq_census_entries_document"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"),
                                         nullable=False)
    document_type: Mapped[str] = mapped_column(String(32), nullable=False)
    # Hex HMAC-SHA256 of the normalised document number (see services.document_hash).
    document_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    date_of_birth: Mapped[date] = mapped_column(Date, nullable=False)
    postal_code: Mapped[str] = mapped_column(String(16), nullable=False)


class CensusImport(db.Model):
    """The last census import of a city: when, by whom and how many rows."""

    __tablename__ = "census_imports"
    __hidden_from_visitors__ = True  # never on a page a signed-out visitor sees

    id: Mapped[int] = mapped_column(primary_key=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"),
                                         nullable=False, unique=True)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    row_count: Mapped[int] = mapped_column(Integer, nullable=False)
    imported_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True)


class CensusClaim(db.Model):
    """A census document that verified an account. Kept apart from the census rows so that a
    re-import (which replaces every row) cannot free a document for a second account."""

    __tablename__ = "census_claims"
    __hidden_from_visitors__ = True  # never on a page a signed-out visitor sees
    __table_args__ = (
        UniqueConstraint("city_id", "document_type", "document_hash",
                         name="uq_census_claims_document"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"),
                                         nullable=False)
    document_type: Mapped[str] = mapped_column(String(32), nullable=False)
    document_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         nullable=False, index=True)
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)


class VerificationFailure(db.Model):
    """A failed verification attempt; their number since the last success sets the wait."""

    __tablename__ = "verification_failures"
    __hidden_from_visitors__ = True  # never on a page a signed-out visitor sees

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         nullable=False, index=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"),
                                         nullable=False)
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
