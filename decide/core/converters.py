"""Row ids in URLs, forms and query strings, checked once before they reach the database.

An id the id columns cannot hold (PostgreSQL's INTEGER stops at 2**31 - 1, SQLite's at
2**63 - 1) is not a server error: no such row exists, so it is a 404. Only ASCII digits count
(`"²".isdigit()` is true, yet `int("²")` fails).
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask, abort
from werkzeug.routing import Map
from werkzeug.routing.converters import IntegerConverter, ValidationError

# The largest value of a 32-bit signed INTEGER, the narrowest id column on any supported engine.
MAX_ID = 2_147_483_647
# Longer digit strings are refused before int(), which rejects over 4,300 digits with an error.
_MAX_ID_DIGITS = len(str(MAX_ID))
_ASCII_DIGITS = re.compile(r"[0-9]+")


def is_ascii_number(raw: str) -> bool:
    """True when `raw` is made of ASCII digits only (no sign, no superscripts, no spaces)."""
    return _ASCII_DIGITS.fullmatch(raw) is not None


class IdConverter(IntegerConverter):
    """Flask's `int` converter limited to ASCII digits and to 1..MAX_ID (else no route matches:
    a 404). Registered as "int", so every `<int:...>` route uses it."""

    regex = r"[0-9]+"

    def __init__(self, url_map: Map, fixed_digits: int = 0, min: int | None = 1,  # noqa: A002
                 max: int | None = MAX_ID, signed: bool = False) -> None:  # noqa: A002
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)
        if signed:
            self.regex = r"-?[0-9]+"

    def to_python(self, value: str) -> Any:
        if len(value.lstrip("-").lstrip("0")) > _MAX_ID_DIGITS:
            raise ValidationError()
        return super().to_python(value)


def parse_id(raw: Any, *, required: bool = False) -> int | None:
    """An id from a form or a query string: None when empty (or a 400 when `required`), a 400
    when it is not a plain number, a 404 when no row can have it."""
    text = "" if raw is None else str(raw).strip()
    if not text:
        if required:
            abort(400)
        return None
    if not is_ascii_number(text):
        abort(400)
    if len(text.lstrip("0")) > _MAX_ID_DIGITS:
        abort(404)
    value = int(text)
    if not 1 <= value <= MAX_ID:
        abort(404)
    return value


def id_or_none(raw: Any) -> int | None:
    """Like `parse_id`, but None for anything that is not a valid id: for places that must not
    abort, such as error handlers re-showing a form."""
    text = "" if raw is None else str(raw).strip()
    if not is_ascii_number(text) or len(text.lstrip("0")) > _MAX_ID_DIGITS:
        return None
    value = int(text)
    return value if 1 <= value <= MAX_ID else None


def init_app(app: Flask) -> None:
    """Must run before any blueprint is registered: rules pick their converter when added."""
    app.url_map.converters["int"] = IdConverter
