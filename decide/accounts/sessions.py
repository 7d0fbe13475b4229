"""Server-side sessions: every signed-in browser is a row that signing out revokes.

The Flask session and the remember-me cookie carry a random token; the row is keyed by the
token's SHA-256, so the table never holds a usable cookie. A revoked, expired or unknown token
loads no user, which is what makes signing out (and "sign out my other devices") real.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta

from flask import Flask, current_app, g
from sqlalchemy import select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import joinedload

from decide.accounts.models import Residence, RoleAssignment, User, UserSession
from decide.core.db import utcnow
from decide.extensions import db

# last_seen_at is written at most once per session in this interval: reading a page stays
# read-only almost always.
SEEN_INTERVAL = timedelta(minutes=5)
# A session unused for this long is over, like the remember-me cookie it may stand behind.
IDLE_LIMIT = timedelta(days=365)
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{20,100}$")
SESSION_ID_PATTERN = re.compile(r"^[0-9a-f]{64}$")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# Most specific first: Edge and Opera also say "Chrome", Chrome also says "Safari".
_BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"),
             ("Chrome/", "Chrome"), ("Chromium/", "Chromium"), ("Safari/", "Safari"))
_SYSTEMS = (("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"),
            ("Windows", "Windows"), ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"),
            ("Linux", "Linux"))


def describe_user_agent(user_agent: str) -> str:
    """A short, non-identifying summary such as "Firefox on Linux" (or "" when unknown)."""
    browser = next((name for mark, name in _BROWSERS if mark in user_agent), "")
    system = next((name for mark, name in _SYSTEMS if mark in user_agent), "")
    if browser and system:
        return f"{browser} · {system}"
    return (browser or system or "")[:120]


def open_session(user: User, user_agent: str = "") -> UserSession:
    """Start a session for `user` (at sign-in); the returned row carries the raw token."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    record = UserSession(id=hash_token(token), user_id=user.id, created_at=now,
                         last_seen_at=now, user_agent=describe_user_agent(user_agent))
    db.session.add(record)
    db.session.commit()
    record.token = token
    user.current_session = record
    return record


def _active(now: datetime) -> list:
    return [UserSession.revoked_at.is_(None), UserSession.last_seen_at > now - IDLE_LIMIT]


def load_session(token: str) -> UserSession | None:
    """The active session behind `token`, with its user, roles (and their spaces) and
    residence (and its city): every page's permission checks read them. One query: the rows
    joined are few (a person holds a handful of roles), and each further query costs more than
    they do. The residence city's alliances load when `eligible_spaces` first needs them.
    Returns None for an unknown, revoked or idle token."""
    if not TOKEN_PATTERN.match(token or ""):
        return None
    user = joinedload(UserSession.user)
    record = db.session.execute(
        select(UserSession)
        .where(UserSession.id == hash_token(token), *_active(utcnow()))
        .options(
            user.joinedload(User.roles).joinedload(RoleAssignment.space),
            user.joinedload(User.residence).joinedload(Residence.city),
        )
    ).unique().scalar_one_or_none()
    if record is None or record.user.is_deleted:
        return None
    record.token = token
    return record


def active_sessions(user: User) -> list[UserSession]:
    """The person's signed-in browsers, most recently used first."""
    return list(db.session.scalars(
        select(UserSession).where(UserSession.user_id == user.id, *_active(utcnow()))
        .order_by(UserSession.last_seen_at.desc(), UserSession.created_at.desc())
    ))


def revoke(record: UserSession) -> None:
    if record.revoked_at is None:
        record.revoked_at = utcnow()
        db.session.commit()


def revoke_session_of(user: User, session_id: str) -> bool:
    """End one of `user`'s sessions by its id; False when it is not theirs or already over."""
    if not SESSION_ID_PATTERN.match(session_id):
        return False
    record = db.session.get(UserSession, session_id)
    if record is None or record.user_id != user.id or record.revoked_at is not None:
        return False
    revoke(record)
    return True


def revoke_all(user: User, keep: UserSession | None = None, commit: bool = True) -> int:
    """End every session of `user` except `keep`; returns how many ended."""
    condition = [UserSession.user_id == user.id, UserSession.revoked_at.is_(None)]
    if keep is not None:
        condition.append(UserSession.id != keep.id)
    result = db.session.execute(
        update(UserSession).where(*condition).values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if commit:
        db.session.commit()
    return result.rowcount or 0


def mark_seen(record: UserSession) -> None:
    """Remember to move last_seen_at forward after this request, when it is old enough."""
    if utcnow() - record.last_seen_at >= SEEN_INTERVAL:
        g.decide_seen_session = record.id


def _write_last_seen(response: object) -> object:
    session_id = g.pop("decide_seen_session", None)
    if session_id is None:
        return response
    # On its own short transaction, so that the view's unit of work is never committed or
    # extended by this bookkeeping; the WHERE keeps it to one write per interval even when
    # several requests of one browser arrive together.
    now = utcnow()
    try:
        with db.engine.begin() as conn:
            conn.execute(
                update(UserSession.__table__)
                .where(UserSession.id == session_id, UserSession.revoked_at.is_(None),
                       UserSession.last_seen_at < now - SEEN_INTERVAL)
                .values(last_seen_at=now)
            )
    except SQLAlchemyError:  # a busy database: the timestamp can wait for the next visit
        current_app.logger.warning("could not update last_seen_at of a session", exc_info=True)
    return response


def init_app(app: Flask) -> None:
    app.after_request(_write_last_seen)
