"""Reads for tags."""

from __future__ import annotations

from collections.abc import Sequence

from decide.cities.models import Space
from decide.core.db import in_space
from decide.extensions import db
from decide.tags.models import Tag


def popular_tags(space: Space, limit: int = 20) -> Sequence[Tag]:
    return db.session.scalars(
        in_space(Tag, space).where(Tag.taggings_count > 0)
        .order_by(Tag.taggings_count.desc(), Tag.name).limit(limit)).all()


def tag_by_slug(space: Space, slug: str) -> Tag | None:
    return db.session.scalar(in_space(Tag, space).where(Tag.slug == slug))


