"""Debates, their votes and their edit history."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from decide.accounts.models import User
from decide.cities.models import Geozone, Space
from decide.core.content import Hideable
from decide.core.db import SpaceScoped, TimestampMixin, UTCDateTime, utcnow
from decide.extensions import db
from decide.tags.models import Tag

TITLE_MIN, TITLE_MAX = 4, 80
DESCRIPTION_MAX = 6_000
MAX_TAGS = 6


class Debate(Hideable, SpaceScoped, TimestampMixin, db.Model):
    __tablename__ = "debates"
    __table_args__ = (
        # One index per ordering of the list, ending in id (the tie-breaker), so that a page
        # is read in index order instead of sorting every debate of the space.
        Index("ix_debates_space_hot", "space_id", "hot_score", "id"),
        Index("ix_debates_space_confidence", "space_id", "confidence_score", "id"),
        Index("ix_debates_space_created", "space_id", "created_at", "id"),
        Index("ix_debates_space_activity", "space_id", "comments_count", "last_activity_at",
              "id"),
        # Counts the visible debates of a space from the index alone; finds featured ones.
        Index("ix_debates_space_visible", "space_id", "hidden_at", "featured_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, comment="Markdown source")
    description_html: Mapped[str] = mapped_column(Text, nullable=False,
                                                  comment="Sanitised HTML of the description")
    locale: Mapped[str] = mapped_column(String(8), nullable=False,
                                        comment="Language the author wrote in")
    geozone_id: Mapped[int | None] = mapped_column(
        ForeignKey("geozones.id", ondelete="SET NULL"), nullable=True, index=True)
    votes_agree: Mapped[int] = mapped_column(default=0, nullable=False)
    votes_disagree: Mapped[int] = mapped_column(default=0, nullable=False)
    votes_unverified: Mapped[int] = mapped_column(
        default=0, nullable=False, comment="Votes cast by accounts without verified residence")
    comments_count: Mapped[int] = mapped_column(default=0, nullable=False)
    hot_score: Mapped[float] = mapped_column(Float, default=0.0, nullable=False)
    confidence_score: Mapped[float] = mapped_column(Float, default=0.0, nullable=False)
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow,
                                                       nullable=False)
    featured_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    author: Mapped[User] = relationship()
    space: Mapped[Space] = relationship()
    geozone: Mapped[Geozone | None] = relationship()
    tags: Mapped[list[Tag]] = relationship(
        secondary="taggings",
        primaryjoin="and_(Tagging.target_type == 'debate', "
                    "foreign(Tagging.target_id) == Debate.id)",
        secondaryjoin="Tag.id == foreign(Tagging.tag_id)",
        viewonly=True,
        order_by="Tag.name",
    )

    @property
    def votes_total(self) -> int:
        return self.votes_agree + self.votes_disagree

    @property
    def agree_percent(self) -> int:
        return round(100 * self.votes_agree / self.votes_total) if self.votes_total else 0

    @property
    def disagree_percent(self) -> int:
        return 100 - self.agree_percent if self.votes_total else 0



class DebateVote(TimestampMixin, db.Model):
    """One person's vote on a debate; changing it updates this row (one per person)."""

    __tablename__ = "debate_votes"
    __table_args__ = (UniqueConstraint("debate_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    debate_id: Mapped[int] = mapped_column(ForeignKey("debates.id", ondelete="CASCADE"),
                                           nullable=False, index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         nullable=False, index=True)
    agree: Mapped[bool] = mapped_column(Boolean, nullable=False)
    verified: Mapped[bool] = mapped_column(
        Boolean, nullable=False, comment="Voter had a verified residence when voting")
    voter_city_id: Mapped[int | None] = mapped_column(
        ForeignKey("spaces.id", ondelete="SET NULL"), nullable=True,
        comment="Residence city at voting time, for per-city breakdowns in alliances")
