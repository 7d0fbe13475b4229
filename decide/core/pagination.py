"""Offset pagination for lists: one COUNT and one page query, whatever the size."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from flask import abort, request
from sqlalchemy import Select, func

from decide.core.converters import is_ascii_number
from decide.extensions import db

T = TypeVar("T")
MAX_PAGE = 10_000


@dataclass
class Page(Generic[T]):
    items: list[T]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def page_number(arg: str = "page") -> int:
    """The requested page; a malformed or absurd number is a 400, not a 500."""
    raw = request.args.get(arg, "1")
    # ASCII digits only: "²".isdigit() is true but int("²") fails; the length check keeps
    # int() cheap on a megabyte of digits.
    if len(raw) > 6 or not is_ascii_number(raw) or not 1 <= int(raw) <= MAX_PAGE:
        abort(400)
    return int(raw)


def paginate(statement: Select[Any], page: int, per_page: int, *, scalars: bool = True) -> Page:
    # Count the rows the filters select, without the page's ordering or eager loads.
    counting = statement.with_only_columns(func.count(), maintain_column_froms=True)
    total = db.session.scalar(counting.order_by(None)) or 0
    offset = (page - 1) * per_page
    result = db.session.execute(statement.limit(per_page).offset(offset))
    items = list(result.scalars().unique() if scalars else result.all())
    return Page(items=items, total=total, page=page, per_page=per_page)
