"""Tag parsing and attaching, shared by every taggable module."""

from __future__ import annotations

import re
import unicodedata

from flask_babel import gettext as _
from sqlalchemy import delete, select, update

from decide.core.db import upsert_insert
from decide.core.errors import DomainError
from decide.extensions import db
from decide.tags.models import Tag, Tagging

TAG_MAX_LENGTH = 40
_TAG_RE = re.compile(r"^[\w][\w\s\-'’.]*$", re.UNICODE)


def slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or "tag"


def parse_tags(raw: str, max_tags: int) -> list[str]:
    """Comma-separated names, trimmed and de-duplicated; raises DomainError naming the problem."""
    names: list[str] = []
    seen: set[str] = set()
    for part in (raw or "").split(","):
        name = " ".join(part.split())
        if not name:
            continue
        if len(name) > TAG_MAX_LENGTH:
            raise DomainError(_("Tags can have at most %(n)d characters: “%(tag)s”.",
                                n=TAG_MAX_LENGTH, tag=name[:TAG_MAX_LENGTH] + "…"),
                              field="tags")
        if not _TAG_RE.match(name):
            raise DomainError(_("Tags can only contain letters, numbers, spaces and hyphens: "
                                "“%(tag)s”.", tag=name), field="tags")
        slug = slugify(name)
        if slug not in seen:
            seen.add(slug)
            names.append(name)
    if len(names) > max_tags:
        raise DomainError(_("Use at most %(n)d tags.", n=max_tags), field="tags")
    return names


def _find_or_create_tags(space_id: int, wanted: dict[str, str]) -> dict[str, Tag]:
    """The space's tags for the slugs in `wanted` ({slug: name}), creating missing ones.

    Two requests may create the same new tag at once: the insert skips a slug that another
    transaction created meanwhile (ON CONFLICT DO NOTHING on both engines; PostgreSQL waits for
    that transaction to end) and the select that follows reads the row that won."""
    if not wanted:
        return {}
    query = select(Tag).where(Tag.space_id == space_id, Tag.slug.in_(list(wanted)))
    existing = {tag.slug: tag for tag in db.session.scalars(query)}
    missing = [{"space_id": space_id, "name": name, "slug": slug, "taggings_count": 0}
               for slug, name in wanted.items() if slug not in existing]
    if missing:
        db.session.flush()  # rows pending in the session (the target) go first
        db.session.execute(upsert_insert(Tag).values(missing)
                           .on_conflict_do_nothing(index_elements=["space_id", "slug"]))
        existing = {tag.slug: tag for tag in db.session.scalars(query)}
    return existing


def set_tags(space_id: int, target_type: str, target_id: int, names: list[str]) -> None:
    """Make the target's tags exactly `names`, keeping each tag's counter right (no commit)."""
    wanted = {slugify(n): n for n in names}
    existing = _find_or_create_tags(space_id, wanted)
    current = dict(db.session.execute(
        select(Tagging.tag_id, Tagging.id).where(Tagging.target_type == target_type,
                                                 Tagging.target_id == target_id)).all())
    wanted_ids = {existing[s].id for s in wanted}
    removed = set(current) - wanted_ids
    added = wanted_ids - set(current)
    if removed:
        db.session.execute(delete(Tagging).where(Tagging.id.in_([current[i] for i in removed])))
        db.session.execute(update(Tag).where(Tag.id.in_(removed))
                           .values(taggings_count=Tag.taggings_count - 1))
    for tag_id in added:
        db.session.add(Tagging(tag_id=tag_id, target_type=target_type, target_id=target_id))
    if added:
        db.session.execute(update(Tag).where(Tag.id.in_(added))
                           .values(taggings_count=Tag.taggings_count + 1))
