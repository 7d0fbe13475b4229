"""Proposals (joint actions in an alliance), their supports, co-authors, updates and the
endorsements cities give them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from decide.accounts.models import User
from decide.cities.models import City, Geozone, Space
from decide.core.content import Hideable
from decide.core.db import SpaceScoped, TimestampMixin, UTCDateTime, utcnow
from decide.extensions import db
from decide.tags.models import Tag

TITLE_MIN, TITLE_MAX = 4, 80
SUMMARY_MAX = 200
DESCRIPTION_MAX = 10_000
VIDEO_URL_MAX = 300
MAX_TAGS = 6
RETIRE_REASONS = ("duplicated", "started", "unfeasible", "done", "other")
EXPLANATION_MAX = 500
UPDATE_TITLE_MAX = 120
UPDATE_BODY_MAX = 3_000
STATEMENT_MAX = 1_000


class Proposal(Hideable, SpaceScoped, TimestampMixin, db.Model):
    """A citizen proposal in a city, or a joint action in an alliance (its space says which).

    A draft is seen by its authors only; publishing gives it a code and opens it to supports.
    Its status follows from dates: successful once the threshold is reached, retired by its
    author, archived when the space's months pass without success (computed, no job)."""

    __tablename__ = "proposals"
    __table_args__ = (
        # One index per ordering of the list (id last, the tie-breaker).
        Index("ix_proposals_space_hot", "space_id", "hot_score", "id"),
        Index("ix_proposals_space_supports", "space_id", "supports_count", "id"),
        Index("ix_proposals_space_published", "space_id", "published_at", "id"),
        Index("ix_proposals_space_successful", "space_id", "successful_at"),
        CheckConstraint("retired_reason IS NULL OR retired_reason IN ('duplicated', 'started', "
                        "'unfeasible', 'done', 'other')", name="retired_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)
    code: Mapped[str | None] = mapped_column(
        String(48), nullable=True, unique=True,
        comment="Readable code given on publication: <CITY>-YYYY-MM-<id>")
    title: Mapped[str] = mapped_column(String(TITLE_MAX), nullable=False)
    summary: Mapped[str] = mapped_column(String(SUMMARY_MAX), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, comment="Markdown source")
    description_html: Mapped[str] = mapped_column(Text, nullable=False)
    video_url: Mapped[str | None] = mapped_column(String(VIDEO_URL_MAX), nullable=True)
    locale: Mapped[str] = mapped_column(String(8), nullable=False,
                                        comment="Language the author wrote in")
    geozone_id: Mapped[int | None] = mapped_column(
        ForeignKey("geozones.id", ondelete="SET NULL"), nullable=True, index=True)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    supports_count: Mapped[int] = mapped_column(default=0, nullable=False)
    comments_count: Mapped[int] = mapped_column(default=0, nullable=False)
    hot_score: Mapped[float] = mapped_column(Float, default=0.0, nullable=False)
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow,
                                                       nullable=False)
    successful_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    retired_reason: Mapped[str | None] = mapped_column(String(16), nullable=True)
    retired_explanation: Mapped[str | None] = mapped_column(String(EXPLANATION_MAX),
                                                            nullable=True)
    featured_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_update_at: Mapped[datetime | None] = mapped_column(
        UTCDateTime, nullable=True, comment="When the authors last wrote to the followers")

    author: Mapped[User] = relationship()
    space: Mapped[Space] = relationship()
    geozone: Mapped[Geozone | None] = relationship()
    tags: Mapped[list[Tag]] = relationship(
        secondary="taggings",
        primaryjoin="and_(Tagging.target_type == 'proposal', "
                    "foreign(Tagging.target_id) == Proposal.id)",
        secondaryjoin="Tag.id == foreign(Tagging.tag_id)",
        viewonly=True,
        order_by="Tag.name",
    )

    @property
    def is_draft(self) -> bool:
        return self.published_at is None

    @property
    def is_successful(self) -> bool:
        return self.successful_at is not None

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None


class ProposalSupport(db.Model):
    """One person's support of a proposal: one per person, never withdrawn."""

    __tablename__ = "proposal_supports"
    __table_args__ = (UniqueConstraint("proposal_id", "user_id"),
                      CheckConstraint("value = 1", name="value"))

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"),
                                             nullable=False, index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         nullable=False, index=True)
    value: Mapped[int] = mapped_column(SmallInteger, default=1, nullable=False)
    voter_city_id: Mapped[int | None] = mapped_column(
        ForeignKey("spaces.id", ondelete="SET NULL"), nullable=True,
        comment="Residence city when supporting, for the per-city breakdown of joint actions")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)


class ProposalCoauthor(db.Model):
    """A person the author invited to sign the proposal too; counts once accepted."""

    __tablename__ = "proposal_coauthors"
    __table_args__ = (UniqueConstraint("proposal_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"),
                                             nullable=False, index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         nullable=False, index=True)
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    user: Mapped[User] = relationship()


class ProposalUpdate(db.Model):
    """News the authors send to the proposal's followers."""

    __tablename__ = "proposal_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"),
                                             nullable=False, index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    title: Mapped[str] = mapped_column(String(UPDATE_TITLE_MAX), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    body_html: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    author: Mapped[User] = relationship()


class Endorsement(db.Model):
    """A city's endorsement of a joint action, given by its administrator or a public
    official; withdrawing keeps the row (public record), and a new one may follow."""

    __tablename__ = "endorsements"
    __table_args__ = (
        # One live endorsement per city and joint action.
        Index("uq_endorsements_live", "proposal_id", "city_id", unique=True,
              sqlite_where=db.text("withdrawn_at IS NULL"),
              postgresql_where=db.text("withdrawn_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"),
                                             nullable=False, index=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"),
                                         nullable=False)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    statement: Mapped[str | None] = mapped_column(String(STATEMENT_MAX), nullable=True)
    locale: Mapped[str] = mapped_column(String(8), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    city: Mapped[City] = relationship()
    user: Mapped[User] = relationship()
