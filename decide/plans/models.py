"""An alliance's action plan (the joint actions it adopted, the cities committed to each, dated
milestones) and its declarations, with the member cities that adhere to them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from decide.accounts.models import User
from decide.cities.models import City, Space
from decide.core.db import SpaceScoped, UTCDateTime, utcnow
from decide.extensions import db
from decide.proposals.models import Proposal

PLAN_STATUSES = ("adopted", "in_progress", "done", "dropped")
MILESTONE_TITLE_MAX = 160
DECLARATION_TITLE_MIN, DECLARATION_TITLE_MAX = 4, 160
DECLARATION_BODY_MAX = 20_000
PLACE_MAX = 120


class PlanItem(SpaceScoped, db.Model):
    """A successful joint action the alliance adopted into its action plan (once)."""

    __tablename__ = "plan_items"
    __table_args__ = (
        CheckConstraint("status IN ('adopted', 'in_progress', 'done', 'dropped')",
                        name="status"),
        Index("ix_plan_items_space_adopted", "space_id", "adopted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposals.id", ondelete="CASCADE"), nullable=False, unique=True)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="adopted")
    adopted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    adopted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    proposal: Mapped[Proposal] = relationship()
    space: Mapped[Space] = relationship()
    adopted_by: Mapped[User | None] = relationship()
    commitments: Mapped[list[PlanCommitment]] = relationship(
        back_populates="item", cascade="all, delete-orphan",
        order_by="PlanCommitment.committed_at, PlanCommitment.id")
    milestones: Mapped[list[Milestone]] = relationship(
        back_populates="item", cascade="all, delete-orphan",
        order_by="Milestone.due_on, Milestone.id")

    @property
    def progress(self) -> int:
        """Overall progress in percent: 100 when done, else the mean of its milestones."""
        if self.status == "done":
            return 100
        if not self.milestones:
            return 0
        return round(sum(m.progress for m in self.milestones) / len(self.milestones))


class PlanCommitment(db.Model):
    """A member city committed to carry out a plan item."""

    __tablename__ = "plan_commitments"
    __table_args__ = (UniqueConstraint("item_id", "city_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("plan_items.id", ondelete="CASCADE"),
                                         nullable=False, index=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"),
                                         nullable=False, index=True)
    committed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    item: Mapped[PlanItem] = relationship(back_populates="commitments")
    city: Mapped[City] = relationship()


class Milestone(db.Model):
    """A dated step of a plan item with its progress (0-100); done when it reaches 100."""

    __tablename__ = "plan_milestones"
    __table_args__ = (CheckConstraint("progress BETWEEN 0 AND 100", name="progress"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("plan_items.id", ondelete="CASCADE"),
                                         nullable=False, index=True)
    title: Mapped[str] = mapped_column(String(MILESTONE_TITLE_MAX), nullable=False)
    due_on: Mapped[date] = mapped_column(Date, nullable=False)
    progress: Mapped[int] = mapped_column(default=0, nullable=False)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    item: Mapped[PlanItem] = relationship(back_populates="milestones")


class Declaration(SpaceScoped, db.Model):
    """A text the alliance publishes (translatable) that member cities adhere to."""

    __tablename__ = "declarations"
    __table_args__ = (Index("ix_declarations_space_signed", "space_id", "signed_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True,
        comment="Who published it for the secretariat (reviews its translations)")
    title: Mapped[str] = mapped_column(String(DECLARATION_TITLE_MAX), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False, comment="Markdown source",
                                      info={"max_length": DECLARATION_BODY_MAX})
    body_html: Mapped[str] = mapped_column(Text, nullable=False)
    locale: Mapped[str] = mapped_column(String(8), nullable=False,
                                        comment="Language it was written in")
    signed_on: Mapped[date] = mapped_column(Date, nullable=False)
    place: Mapped[str] = mapped_column(String(PLACE_MAX), nullable=False)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    space: Mapped[Space] = relationship()
    author: Mapped[User | None] = relationship()
    adhesions: Mapped[list[Adhesion]] = relationship(
        back_populates="declaration", cascade="all, delete-orphan",
        order_by="Adhesion.created_at, Adhesion.id")


class Adhesion(db.Model):
    """A member city's adhesion to a declaration, given by one of its administrators."""

    __tablename__ = "declaration_adhesions"
    __table_args__ = (UniqueConstraint("declaration_id", "city_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    declaration_id: Mapped[int] = mapped_column(
        ForeignKey("declarations.id", ondelete="CASCADE"), nullable=False, index=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"),
                                         nullable=False, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                nullable=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    declaration: Mapped[Declaration] = relationship(back_populates="adhesions")
    city: Mapped[City] = relationship()
    user: Mapped[User | None] = relationship()
