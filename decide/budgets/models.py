"""Participatory budgets: a budget with its phases, groups and headings; projects people submit,
valuators assess, residents support and vote for on ballots; milestones of the winners.

Money is in whole units of the budget's currency (as CONSUL), stored as BIGINT.
Names and descriptions an administrator writes are stored per locale (`{"es": ..., "en": ...}`)
and read with `pick_translation`, like a space's name.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from decide.accounts.models import User
from decide.cities.models import Geozone, Space
from decide.core.content import Hideable
from decide.core.db import SpaceScoped, TimestampMixin, UTCDateTime, utcnow
from decide.core.spaces import pick_translation
from decide.extensions import db
from decide.tags.models import Tag

# The phases of a budget, in order. Each may be switched off; the budget is in exactly one.
PHASES = (
    "informing",   # the budget is announced
    "accepting",   # verified residents submit projects
    "reviewing",   # administrators review them (authors may still withdraw)
    "selecting",   # residents support projects
    "valuating",   # valuators assess feasibility and price
    "publishing_prices",  # prices shown, ballot about to open
    "balloting",   # residents vote on ballots
    "reviewing_ballots",  # voting closed, results being checked
    "finished",    # results published; execution tracked
)
VOTING_STYLES = ("knapsack", "approval")
# Allocation rules an administrator may pick (names as `decide.budgets.rules.RULES`).
ALLOCATION_RULES = ("greedy", "greedy-no-skip", "greedy-threshold", "equalshares",
                    "equalshares/add1", "equalshares/add1-comparison")
FEASIBILITY = ("undecided", "feasible", "unfeasible")

NAME_MAX = 120
TITLE_MIN, TITLE_MAX = 4, 80
DESCRIPTION_MAX = 10_000
LOCATION_MAX = 200
EXPLANATION_MAX = 2_000
MONEY_MAX = 10**15


class Translated:
    """Mixin: `names` / `descriptions` per locale, read in the reader's language."""

    @property
    def name(self) -> str:
        return pick_translation(getattr(self, "names", None))

    @property
    def description(self) -> str:
        return pick_translation(getattr(self, "descriptions", None))


class Budget(Translated, SpaceScoped, TimestampMixin, db.Model):
    """A participatory budget of a city, or a joint budget of an alliance."""

    __tablename__ = "budgets"
    __table_args__ = (
        CheckConstraint("voting_style IN ('knapsack', 'approval')", name="voting_style"),
        CheckConstraint(f"phase IN ({', '.join(repr(p) for p in PHASES)})", name="phase"),
        CheckConstraint("allocation_rule IN ('greedy', 'greedy-no-skip', 'greedy-threshold', "
                        "'equalshares', 'equalshares/add1', 'equalshares/add1-comparison')",
                        name="allocation_rule"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    names: Mapped[dict[str, str]] = mapped_column(JSON, nullable=False)
    descriptions: Mapped[dict[str, str]] = mapped_column(JSON, nullable=False, default=dict)
    currency: Mapped[str] = mapped_column(String(3), nullable=False,
                                          comment="ISO 4217, from the space when created")
    voting_style: Mapped[str] = mapped_column(String(16), nullable=False, default="knapsack")
    hide_money: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False,
                                             comment="Approval budgets: hide prices on ballots")
    allocation_rule: Mapped[str] = mapped_column(String(32), nullable=False, default="greedy")
    min_votes: Mapped[int] = mapped_column(
        default=0, nullable=False, comment="greedy-threshold: votes a project needs to win")
    phase: Mapped[str] = mapped_column(String(24), nullable=False, default="informing")
    published_at: Mapped[datetime | None] = mapped_column(
        UTCDateTime, nullable=True, comment="Unpublished budgets are seen by administrators only")
    results_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    space: Mapped[Space] = relationship()
    phases: Mapped[list[BudgetPhase]] = relationship(
        back_populates="budget", order_by="BudgetPhase.position", cascade="all, delete-orphan")
    groups: Mapped[list[BudgetGroup]] = relationship(
        back_populates="budget", order_by="BudgetGroup.position, BudgetGroup.id",
        cascade="all, delete-orphan")

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def current_phase(self) -> BudgetPhase | None:
        return next((p for p in self.phases if p.kind == self.phase), None)


class BudgetPhase(db.Model):
    """One phase of a budget: public dates and texts; disabled phases are skipped."""

    __tablename__ = "budget_phases"
    __table_args__ = (UniqueConstraint("budget_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    budget_id: Mapped[int] = mapped_column(ForeignKey("budgets.id", ondelete="CASCADE"),
                                           nullable=False, index=True)
    kind: Mapped[str] = mapped_column(String(24), nullable=False)
    position: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    enabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    starts_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    ends_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    summaries: Mapped[dict[str, str]] = mapped_column(JSON, nullable=False, default=dict)
    descriptions: Mapped[dict[str, str]] = mapped_column(JSON, nullable=False, default=dict)

    budget: Mapped[Budget] = relationship(back_populates="phases")

    @property
    def summary(self) -> str:
        return pick_translation(self.summaries)

    @property
    def description(self) -> str:
        return pick_translation(self.descriptions)


class BudgetGroup(Translated, db.Model):
    """Headings grouped, e.g. "Districts": a person takes part in at most `max_headings` of
    them when supporting, and in one of them on the ballot."""

    __tablename__ = "budget_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    budget_id: Mapped[int] = mapped_column(ForeignKey("budgets.id", ondelete="CASCADE"),
                                           nullable=False, index=True)
    names: Mapped[dict[str, str]] = mapped_column(JSON, nullable=False)
    max_headings: Mapped[int] = mapped_column(SmallInteger, nullable=False, default=1)
    position: Mapped[int] = mapped_column(default=0, nullable=False)

    budget: Mapped[Budget] = relationship(back_populates="groups")
    headings: Mapped[list[BudgetHeading]] = relationship(
        back_populates="group", order_by="BudgetHeading.position, BudgetHeading.id",
        cascade="all, delete-orphan")


class BudgetHeading(Translated, db.Model):
    """Money for one purpose or district. Ballot rules are per heading: knapsack (the amount),
    approval (`max_projects`), and optional checkout rules (Decidim's): at least
    `min_percent` of the amount, at least `min_projects` projects."""

    __tablename__ = "budget_headings"
    __table_args__ = (
        CheckConstraint("amount >= 0", name="amount"),
        CheckConstraint("min_percent IS NULL OR (min_percent >= 0 AND min_percent <= 100)",
                        name="min_percent"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    budget_id: Mapped[int] = mapped_column(ForeignKey("budgets.id", ondelete="CASCADE"),
                                           nullable=False, index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("budget_groups.id", ondelete="CASCADE"),
                                          nullable=False, index=True)
    names: Mapped[dict[str, str]] = mapped_column(JSON, nullable=False)
    amount: Mapped[int] = mapped_column(BigInteger, nullable=False)
    geozone_id: Mapped[int | None] = mapped_column(
        ForeignKey("geozones.id", ondelete="SET NULL"), nullable=True)
    population: Mapped[int | None] = mapped_column(nullable=True)
    max_projects: Mapped[int | None] = mapped_column(
        SmallInteger, nullable=True, comment="Approval ballots: projects one may pick")
    min_projects: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)
    min_percent: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)
    position: Mapped[int] = mapped_column(default=0, nullable=False)
    projects_count: Mapped[int] = mapped_column(default=0, nullable=False)

    group: Mapped[BudgetGroup] = relationship(back_populates="headings")
    geozone: Mapped[Geozone | None] = relationship()
    contributions: Mapped[list[HeadingContribution]] = relationship(
        back_populates="heading", cascade="all, delete-orphan",
        order_by="HeadingContribution.id")


class HeadingContribution(db.Model):
    """Alliance budgets: what a member city puts into a heading (shown per city)."""

    __tablename__ = "budget_heading_contributions"
    __table_args__ = (UniqueConstraint("heading_id", "city_id"),
                      CheckConstraint("amount >= 0", name="amount"))

    id: Mapped[int] = mapped_column(primary_key=True)
    heading_id: Mapped[int] = mapped_column(ForeignKey("budget_headings.id", ondelete="CASCADE"),
                                            nullable=False, index=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"),
                                         nullable=False)
    amount: Mapped[int] = mapped_column(BigInteger, nullable=False)

    heading: Mapped[BudgetHeading] = relationship(back_populates="contributions")
    city: Mapped[Space] = relationship()


class Project(Hideable, SpaceScoped, TimestampMixin, db.Model):
    """A spending project (CONSUL's "investment") submitted to a heading."""

    __tablename__ = "budget_projects"
    __table_args__ = (
        Index("ix_budget_projects_heading_supports", "heading_id", "supports_count", "id"),
        Index("ix_budget_projects_heading_votes", "heading_id", "votes_count", "id"),
        CheckConstraint("feasibility IN ('undecided', 'feasible', 'unfeasible')",
                        name="feasibility"),
        CheckConstraint("price IS NULL OR price >= 0", name="price"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    budget_id: Mapped[int] = mapped_column(ForeignKey("budgets.id", ondelete="CASCADE"),
                                           nullable=False, index=True)
    heading_id: Mapped[int] = mapped_column(ForeignKey("budget_headings.id", ondelete="CASCADE"),
                                            nullable=False, index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("budget_groups.id", ondelete="CASCADE"),
                                          nullable=False)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, comment="Markdown source")
    description_html: Mapped[str] = mapped_column(Text, nullable=False)
    location: Mapped[str | None] = mapped_column(String(LOCATION_MAX), nullable=True)
    locale: Mapped[str] = mapped_column(String(8), nullable=False)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Valuation (public unless said otherwise).
    feasibility: Mapped[str] = mapped_column(String(16), nullable=False, default="undecided")
    unfeasibility_explanation: Mapped[str | None] = mapped_column(Text, nullable=True)
    price: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    price_explanation: Mapped[str | None] = mapped_column(Text, nullable=True)
    price_first_year: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    duration: Mapped[str | None] = mapped_column(String(120), nullable=True)
    valuation_finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Administrators' decisions.
    selected: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False,
                                           comment="Goes to the ballot")
    incompatible: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    winner: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False,
                                         comment="Funded by the published results")
    # Counters, changed in SQL with the row that causes them.
    supports_count: Mapped[int] = mapped_column(default=0, nullable=False)
    votes_count: Mapped[int] = mapped_column(default=0, nullable=False,
                                             comment="Ballots that hold the project")
    comments_count: Mapped[int] = mapped_column(default=0, nullable=False)

    author: Mapped[User] = relationship()
    space: Mapped[Space] = relationship()
    budget: Mapped[Budget] = relationship()
    heading: Mapped[BudgetHeading] = relationship()
    tags: Mapped[list[Tag]] = relationship(
        secondary="taggings",
        primaryjoin="and_(Tagging.target_type == 'budget_project', "
                    "foreign(Tagging.target_id) == Project.id)",
        secondaryjoin="Tag.id == foreign(Tagging.tag_id)",
        viewonly=True,
        order_by="Tag.name",
    )

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def is_hidden(self) -> bool:
        """Hidden by moderators, or in a budget not published yet: either way only the space's
        moderators reach it through the shared behaviours (comments, flags, follows)."""
        return self.hidden_at is not None or not self.budget.is_published


class ProjectFile(db.Model):
    """An image or a document attached to a project (type and size checked on upload)."""

    __tablename__ = "budget_project_files"
    __table_args__ = (CheckConstraint("kind IN ('image', 'document')", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("budget_projects.id", ondelete="CASCADE"),
                                            nullable=False, index=True)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    title: Mapped[str] = mapped_column(String(NAME_MAX), nullable=False)
    content_type: Mapped[str] = mapped_column(String(64), nullable=False)
    size: Mapped[int] = mapped_column(nullable=False)
    data: Mapped[bytes] = mapped_column(db.LargeBinary, nullable=False, deferred=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)


class ProjectValuator(db.Model):
    """A valuator (a person with the valuator role in the space) assigned to a project."""

    __tablename__ = "budget_project_valuators"
    __table_args__ = (UniqueConstraint("project_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("budget_projects.id", ondelete="CASCADE"),
                                            nullable=False, index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         nullable=False, index=True)

    user: Mapped[User] = relationship()


class ValuationNote(db.Model):
    """Internal comment among valuators and administrators; never shown to the public."""

    __tablename__ = "budget_valuation_notes"
    __hidden_from_visitors__ = True  # never on a page a signed-out visitor sees

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("budget_projects.id", ondelete="CASCADE"),
                                            nullable=False, index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    author: Mapped[User] = relationship()


class ProjectSupport(db.Model):
    """A resident's support of a project in the selecting phase (removable while it lasts).
    Carries the heading and group so the per-group heading limit is one indexed count."""

    __tablename__ = "budget_project_supports"
    __table_args__ = (UniqueConstraint("project_id", "user_id"),
                      CheckConstraint("value = 1", name="value"),
                      Index("ix_budget_project_supports_user_group", "user_id", "group_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("budget_projects.id", ondelete="CASCADE"),
                                            nullable=False, index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         nullable=False)
    heading_id: Mapped[int] = mapped_column(ForeignKey("budget_headings.id", ondelete="CASCADE"),
                                            nullable=False)
    group_id: Mapped[int] = mapped_column(ForeignKey("budget_groups.id", ondelete="CASCADE"),
                                          nullable=False)
    value: Mapped[int] = mapped_column(SmallInteger, default=1, nullable=False)
    voter_city_id: Mapped[int | None] = mapped_column(
        ForeignKey("spaces.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)


class Ballot(db.Model):
    """One person's ballot in one budget; its lines are the projects they vote for. The row is
    locked (FOR UPDATE / SQLite write lock) while a line is added, so limits hold under
    concurrent requests."""

    __tablename__ = "budget_ballots"
    __table_args__ = (UniqueConstraint("budget_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    budget_id: Mapped[int] = mapped_column(ForeignKey("budgets.id", ondelete="CASCADE"),
                                           nullable=False, index=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), nullable=True, index=True,
        comment="NULL for anonymous ballots imported from a PaBuLib file")
    voter_city_id: Mapped[int | None] = mapped_column(
        ForeignKey("spaces.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    lines: Mapped[list[BallotLine]] = relationship(back_populates="ballot",
                                                   cascade="all, delete-orphan")


class BallotLine(db.Model):
    """A project on a ballot; heading and group copied so limits are indexed sums."""

    __tablename__ = "budget_ballot_lines"
    __table_args__ = (UniqueConstraint("ballot_id", "project_id"),
                      Index("ix_budget_ballot_lines_ballot_group", "ballot_id", "group_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("budget_ballots.id", ondelete="CASCADE"),
                                           nullable=False)
    project_id: Mapped[int] = mapped_column(ForeignKey("budget_projects.id", ondelete="CASCADE"),
                                            nullable=False, index=True)
    heading_id: Mapped[int] = mapped_column(ForeignKey("budget_headings.id", ondelete="CASCADE"),
                                            nullable=False)
    group_id: Mapped[int] = mapped_column(ForeignKey("budget_groups.id", ondelete="CASCADE"),
                                          nullable=False)
    cost: Mapped[int] = mapped_column(BigInteger, nullable=False,
                                      comment="The project's price when added")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    ballot: Mapped[Ballot] = relationship(back_populates="lines")
    project: Mapped[Project] = relationship()


class MilestoneStatus(Translated, SpaceScoped, db.Model):
    """A status a space gives to milestones ("tendering", "under way", "completed")."""

    __tablename__ = "budget_milestone_statuses"

    id: Mapped[int] = mapped_column(primary_key=True)
    names: Mapped[dict[str, str]] = mapped_column(JSON, nullable=False)
    position: Mapped[int] = mapped_column(default=0, nullable=False)


class ProjectMilestone(db.Model):
    """A step in carrying out a winning project, with its progress."""

    __tablename__ = "budget_project_milestones"
    __table_args__ = (CheckConstraint("progress >= 0 AND progress <= 100", name="progress"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("budget_projects.id", ondelete="CASCADE"),
                                            nullable=False, index=True)
    on_date: Mapped[date] = mapped_column(Date, nullable=False)
    descriptions: Mapped[dict[str, str]] = mapped_column(JSON, nullable=False)
    status_id: Mapped[int | None] = mapped_column(
        ForeignKey("budget_milestone_statuses.id", ondelete="SET NULL"), nullable=True)
    progress: Mapped[int] = mapped_column(SmallInteger, nullable=False, default=0)
    image_id: Mapped[int | None] = mapped_column(
        ForeignKey("budget_project_files.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    status: Mapped[MilestoneStatus | None] = relationship()

    @property
    def description(self) -> str:
        return pick_translation(self.descriptions)

