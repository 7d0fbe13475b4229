"""Signed unsubscribe links: who (user id), which e-mails (notification kind), and for which
address.

A link works for a year (an old e-mail's link still works for a long while, but not forever)
and only while the account keeps the address the e-mail went to: changing the address makes
the links in mails sent to the old one useless. A password change does not matter: the link
can only turn one kind of e-mail off or on again, never sign anyone in.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

UNSUBSCRIBE_SALT = "decide.notifications.unsubscribe.v2"
TOKEN_MAX_AGE = 365 * 24 * 3600  # seconds


class InvalidToken(Exception):
    """The link was altered, truncated, made with another secret key, or is for an address or
    a kind of e-mail that no longer exists."""


class ExpiredToken(InvalidToken):
    """The link is older than TOKEN_MAX_AGE."""


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT)


def address_fingerprint(email: str | None) -> str:
    """A keyed digest of the address: binds the link to it without putting it in the URL."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    digest = hmac.new(key, (email or "").strip().lower().encode(), hashlib.sha256)
    return digest.hexdigest()[:16]


def make_unsubscribe_token(user_id: int, kind: str, email: str | None) -> str:
    return str(_serializer().dumps({"u": user_id, "k": kind, "e": address_fingerprint(email)}))


def read_unsubscribe_token(token: str) -> tuple[int, str, str]:
    """(user id, kind, address fingerprint) of a signed, unexpired token.

    Raises ExpiredToken or InvalidToken; the caller checks the kind and the address against
    the account."""
    try:
        data = _serializer().loads(token, max_age=TOKEN_MAX_AGE)
    except SignatureExpired as exc:
        raise ExpiredToken from exc
    except BadSignature as exc:
        raise InvalidToken from exc
    if not isinstance(data, dict):
        raise InvalidToken
    user_id, kind, fingerprint = data.get("u"), data.get("k"), data.get("e")
    if not isinstance(user_id, int) or not isinstance(kind, str) \
            or not isinstance(fingerprint, str):
        raise InvalidToken
    return user_id, kind, fingerprint
