"""Signed one-click unsubscribe links: who (user id) and which e-mails (notification kind).

They do not expire: an unsubscribe link in an old e-mail must keep working.
"""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from decide.notifications.models import NOTIFICATION_KINDS

UNSUBSCRIBE_SALT = "decide.notifications.unsubscribe"


class InvalidToken(Exception):
    """The link was altered, truncated or made with another secret key."""


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT)


def make_unsubscribe_token(user_id: int, kind: str) -> str:
    return str(_serializer().dumps({"u": user_id, "k": kind}))


def read_unsubscribe_token(token: str) -> tuple[int, str]:
    """(user id, kind) of a valid token; raises InvalidToken otherwise."""
    try:
        data = _serializer().loads(token)
    except BadSignature as exc:
        raise InvalidToken from exc
    if not isinstance(data, dict):
        raise InvalidToken
    user_id, kind = data.get("u"), data.get("k")
    if not isinstance(user_id, int) or kind not in NOTIFICATION_KINDS:
        raise InvalidToken
    return user_id, kind
