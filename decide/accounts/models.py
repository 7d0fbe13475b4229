"""Global accounts, their verified residence and the roles they hold per space."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from decide.cities.models import City, Space
from decide.core.db import SpaceScoped, TimestampMixin, UTCDateTime
from decide.extensions import db

ACCOUNT_KINDS = ("person", "organisation")

ROLE_LABELS = {
    "administrator": _l("Administrator"),
    "moderator": _l("Moderator"),
    "valuator": _l("Valuator"),
    "official": _l("Public official"),
    "secretariat": _l("Alliance secretariat"),
}
ROLES = tuple(ROLE_LABELS)


def _lower_username(context: DefaultExecutionContext) -> str:
    """Column default for inserts that do not go through the model (bulk inserts)."""
    return context.get_current_parameters()["username"].lower()


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "users"
    # Never on a page a signed-out visitor sees: changing them leaves cached pages valid.
    __hidden_from_visitors__ = frozenset({
        "email", "password_hash", "locale", "terms_accepted_at", "confirmed_at",
        "session_token", "failed_logins", "locked_until", "email_opt_outs", "updated_at"})
    __table_args__ = (
        CheckConstraint("kind IN ('person', 'organisation')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True, nullable=False)
    # "Ana" and "ana" are the same person to readers: this copy of the name in lower case,
    # with a unique index, makes the database refuse the second, and lookups use it. (A plain
    # column rather than an index on lower(username): SQLite cannot reflect expression indexes,
    # so Alembic's batch operations would silently drop one.)
    username_lower: Mapped[str] = mapped_column(String(40), nullable=False, unique=True,
                                                index=True, default=_lower_username)
    # Lower-cased on write; null once the account is deleted.
    email: Mapped[str | None] = mapped_column(String(254), unique=True, nullable=True)
    password_hash: Mapped[str | None] = mapped_column(String(255), nullable=True)
    kind: Mapped[str] = mapped_column(String(16), nullable=False, default="person")
    organisation_name: Mapped[str | None] = mapped_column(String(120), nullable=True)
    locale: Mapped[str] = mapped_column(String(8), nullable=False, default="es")
    home_city_id: Mapped[int | None] = mapped_column(
        ForeignKey("spaces.id", ondelete="SET NULL"), nullable=True, index=True
    )
    terms_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    is_deployment_admin: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # Changes whenever the password does, so that a used reset link stops working.
    # (Signed-in sessions are rows of `user_sessions`.)
    session_token: Mapped[str] = mapped_column(String(32), nullable=False)
    # Sign-in attempts since the last success, wherever they came from; counted in SQL.
    failed_logins: Mapped[int] = mapped_column(Integer, nullable=False, default=0,
                                               server_default="0")
    # While in the future, sign-in to this account is refused without checking the password.
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # E-mail notification kinds the person turned off, e.g. ["reply_to_comment"].
    email_opt_outs: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    # An organisation account its home city's administrators checked is who it says it is
    # (shown as "Verified organisation" next to its name); null while not verified.
    organisation_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime,
                                                                      nullable=True)
    organisation_verified_by_space_id: Mapped[int | None] = mapped_column(
        ForeignKey("spaces.id", ondelete="SET NULL"), nullable=True,
        comment="The city whose administrators verified the organisation"
    )

    home_city: Mapped[City | None] = relationship(foreign_keys=[home_city_id])
    residence: Mapped[Residence | None] = relationship(
        back_populates="user", uselist=False, cascade="all, delete-orphan"
    )
    roles: Mapped[list[RoleAssignment]] = relationship(
        back_populates="user", cascade="all, delete-orphan", order_by="RoleAssignment.id"
    )

    # The server-side session (a UserSession) this request was loaded or signed in through;
    # a plain attribute, not a column.
    current_session = None

    @validates("username")
    def _keep_username_lower(self, key: str, username: str) -> str:
        self.username_lower = username.lower()
        return username

    def get_id(self) -> str:
        """What Flask-Login puts in the session and the remember cookie: the session's token."""
        if self.current_session is None or self.current_session.token is None:
            raise RuntimeError("sign in through accounts.sessions.sign_in, which opens a session")
        return self.current_session.token

    @property
    def is_active(self) -> bool:
        return self.deleted_at is None

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    @property
    def is_organisation(self) -> bool:
        return self.kind == "organisation"

    @property
    def is_verified_organisation(self) -> bool:
        return self.is_organisation and self.organisation_verified_at is not None

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def display_name(self) -> str:
        if self.is_deleted:
            return str(_l("deleted user"))
        if self.is_organisation and self.organisation_name:
            return self.organisation_name
        return self.username

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class Residence(db.Model):
    """A verified residence: one city per person, which makes the person eligible there."""

    __tablename__ = "residences"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), unique=True, nullable=False
    )
    city_id: Mapped[int] = mapped_column(
        ForeignKey("spaces.id", ondelete="CASCADE"), nullable=False, index=True
    )
    verified_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    method: Mapped[str] = mapped_column(
        String(32), nullable=False, default="cli", comment="How it was verified: cli, census..."
    )

    user: Mapped[User] = relationship(back_populates="residence")
    city: Mapped[City] = relationship(foreign_keys=[city_id])


class RoleAssignment(SpaceScoped, TimestampMixin, db.Model):
    """A role held in one space; public officials also carry a position and a level (1-5)."""

    __tablename__ = "role_assignments"
    __table_args__ = (
        UniqueConstraint("user_id", "space_id", "role"),
        CheckConstraint(
            "role IN ('administrator', 'moderator', 'valuator', 'official', 'secretariat')",
            name="role",
        ),
        CheckConstraint("official_level IS NULL OR (official_level BETWEEN 1 AND 5)",
                        name="official_level"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    role: Mapped[str] = mapped_column(String(16), nullable=False)
    official_position: Mapped[str | None] = mapped_column(String(120), nullable=True)
    official_level: Mapped[int | None] = mapped_column(nullable=True)

    user: Mapped[User] = relationship(back_populates="roles")
    space: Mapped[Space] = relationship()

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self.role])


class UserSession(db.Model):
    """One signed-in browser. The cookie carries a random token; the row keeps only its SHA-256,
    so the table (or the account page listing it) never holds a usable cookie."""

    __tablename__ = "user_sessions"
    __hidden_from_visitors__ = True  # never on a page a signed-out visitor sees

    id: Mapped[str] = mapped_column(String(64), primary_key=True,
                                    comment="SHA-256 of the token the cookies carry")
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    user_agent: Mapped[str] = mapped_column(String(120), nullable=False, default="",
                                            comment="Browser and system, e.g. Firefox on Linux")
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    user: Mapped[User] = relationship()

    # The raw token (a plain attribute, not a column), known only in the request that created
    # or presented it.
    token = None

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
