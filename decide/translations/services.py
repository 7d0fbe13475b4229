"""Suggesting, accepting and rejecting translations of an object's author text."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import String, delete, select, update
from sqlalchemy.exc import IntegrityError

from decide.core.db import in_space, locked, utcnow
from decide.core.errors import DomainError
from decide.core.i18n import LOCALES
from decide.core.targets import TARGETS
from decide.core.text import render_markdown
from decide.extensions import db
from decide.notifications.services import Event, notify
from decide.translations import permissions
from decide.translations.models import ContentTranslation
from decide.translations.queries import (
    forget,
    language_name,
    offered_locales,
    original_locale,
    translatable_fields,
)

# Fields stored in unbounded columns (Markdown bodies) accept this much, unless the column
# declares its own limit with `info={"max_length": n}`.
TEXT_MAX = 10_000


def visible_target(space: Any, target_type: str, target_id: int) -> Any:
    """The translatable object in `space`; DomainError 404 when unknown, elsewhere or hidden."""
    target = TARGETS.get(target_type)
    obj = None
    if target is not None and target.translatable:
        model = target.model
        obj = db.session.scalar(in_space(model, space).where(model.id == target_id))
    if obj is None or not permissions.is_visible(obj):
        raise DomainError(_("This page does not exist."), status=404)
    return obj


def field_limit(model: type, name: str) -> int:
    """The most characters a translation of `name` may have: the column's own limit."""
    column = model.__table__.columns.get(name)  # type: ignore[attr-defined]
    if column is None:
        return TEXT_MAX
    if "max_length" in column.info:
        return int(column.info["max_length"])
    if isinstance(column.type, String) and column.type.length:
        return int(column.type.length)
    return TEXT_MAX


def check_locale(space: Any, obj: Any, locale: str | None) -> str:
    """The language a translation may be written in, or a DomainError saying why not."""
    original = original_locale(obj)
    if locale == original:
        raise DomainError(_("This text was written in %(language)s: choose another language.",
                            language=language_name(original)), field="locale")
    if locale not in LOCALES or locale not in offered_locales(space, obj):
        offered = ", ".join(language_name(loc) for loc in offered_locales(space, obj))
        raise DomainError(_("Choose one of the languages this space offers: %(languages)s.",
                            languages=offered), field="locale")
    return locale


def _clean_texts(obj: Any, texts: dict[str, str | None]) -> dict[str, str]:
    """The translated fields, stripped and checked against the object's columns."""
    spec = translatable_fields(obj.target_name)
    cleaned: dict[str, str] = {}
    for name, kind in spec.items():
        value = (texts.get(name) or "").strip()
        if not value:
            raise DomainError(_("This field is required."), field=name)
        if "\x00" in value:
            raise DomainError(_("This text contains a character that cannot be stored."),
                              field=name)
        limit = field_limit(type(obj), name)
        if len(value) > limit:
            raise DomainError(_("Use at most %(max)d characters.", max=limit), field=name)
        cleaned[name] = value
        if kind == "markdown":
            cleaned[f"{name}_html"] = str(render_markdown(value))
    return cleaned


def suggest(user: Any, space: Any, target_type: str, target_id: int, locale: str | None,
            texts: dict[str, str | None]) -> ContentTranslation:
    """Record a person's translation. The object's author or a moderator publishes theirs at
    once; anyone else's waits for review (a second suggestion of theirs into the same language
    replaces their first)."""
    obj = visible_target(space, target_type, target_id)
    if not permissions.can_suggest(user, space, obj):
        raise DomainError(_("Confirm your e-mail address to suggest translations."), status=403)
    locale = check_locale(space, obj, locale)
    fields = _clean_texts(obj, texts)
    if permissions.can_review(user, space, obj):
        return _publish(user, space, obj, new=ContentTranslation(
            space_id=space.id, target_type=target_type, target_id=obj.id, locale=locale,
            fields=fields, author_id=user.id))
    translation = db.session.scalar(select(ContentTranslation).where(
        ContentTranslation.target_type == target_type, ContentTranslation.target_id == obj.id,
        ContentTranslation.locale == locale, ContentTranslation.author_id == user.id,
        ContentTranslation.status == "suggested"))
    if translation is None:
        translation = ContentTranslation(space_id=space.id, target_type=target_type,
                                         target_id=obj.id, locale=locale, author_id=user.id)
        db.session.add(translation)
    translation.fields = fields
    translation.created_at = utcnow()
    db.session.commit()
    # The author hears of it (folded with other suggestions on the same item until read).
    notify(Event(recipient_ids=(obj.author_id,), kind="translation_suggested",
                 space_id=space.id, item_type=target_type, item_id=obj.id, actor_id=user.id,
                 title=(getattr(obj, "title", "") or "")[:160], link_type=target_type,
                 link_id=obj.id))
    return translation


def translation_in(space: Any, translation_id: int) -> ContentTranslation:
    translation = db.session.scalar(in_space(ContentTranslation, space).where(
        ContentTranslation.id == translation_id))
    if translation is None:
        raise DomainError(_("This page does not exist."), status=404)
    return translation


def _reviewable(user: Any, space: Any, translation_id: int) -> tuple[ContentTranslation, Any]:
    translation = translation_in(space, translation_id)
    obj = visible_target(space, translation.target_type, translation.target_id)
    if not permissions.can_review(user, space, obj):
        raise DomainError(_("Only the author or a moderator can review translations."),
                          status=403)
    return translation, obj


def accept(user: Any, space: Any, translation_id: int) -> ContentTranslation:
    """Publish a suggestion; the translation it replaces (same language) is kept as
    "replaced". One transaction; concurrent accepts of one object take turns."""
    _, obj = _reviewable(user, space, translation_id)
    return _publish(user, space, obj, translation_id)


def _publish(user: Any, space: Any, obj: Any, translation_id: int | None = None,
             new: ContentTranslation | None = None) -> ContentTranslation:
    """Accept the suggestion `translation_id`, or publish the reviewer's own `new` one."""
    # Lock the translated object: two reviewers accepting at once queue here, and the second
    # sees the first's result instead of both replacing the same translation.
    locked(type(obj), obj.id, space)
    if new is not None:
        translation = new
        db.session.add(translation)
    else:
        translation = db.session.scalar(
            select(ContentTranslation).where(ContentTranslation.id == translation_id)
            .execution_options(populate_existing=True))
        if translation is None or translation.status != "suggested":
            db.session.rollback()
            raise DomainError(_("This suggestion was already reviewed."), status=409)
    now = utcnow()
    db.session.execute(update(ContentTranslation).where(
        ContentTranslation.target_type == translation.target_type,
        ContentTranslation.target_id == translation.target_id,
        ContentTranslation.locale == translation.locale,
        ContentTranslation.status == "accepted").values(status="replaced"))
    translation.status = "accepted"
    translation.reviewed_by_id = user.id
    translation.reviewed_at = now
    try:
        db.session.commit()
    except IntegrityError as exc:
        # The partial unique index refused a second accepted translation: another request
        # published one in between (possible only without the lock, kept as the last guard).
        db.session.rollback()
        raise DomainError(_("Another translation into this language was just published. "
                            "Reload the page and review again."), status=409) from exc
    forget(translation.target_type, translation.target_id)
    return translation


def reject(user: Any, space: Any, translation_id: int) -> ContentTranslation:
    """Turn down a suggestion, or withdraw a published translation (readers then see the
    original again)."""
    translation, _obj = _reviewable(user, space, translation_id)
    if translation.status not in ("suggested", "accepted"):
        raise DomainError(_("This suggestion was already reviewed."), status=409)
    translation.status = "rejected"
    translation.reviewed_by_id = user.id
    translation.reviewed_at = utcnow()
    db.session.commit()
    forget(translation.target_type, translation.target_id)
    return translation


def personal_data(user: Any) -> dict[str, list[dict[str, Any]]]:
    """The translations the person suggested and the ones they reviewed, for the download."""
    suggested = db.session.scalars(select(ContentTranslation).where(
        ContentTranslation.author_id == user.id).order_by(ContentTranslation.id))
    reviewed = db.session.scalars(select(ContentTranslation).where(
        ContentTranslation.reviewed_by_id == user.id).order_by(ContentTranslation.id))
    return {
        "suggested": [{
            "on": f"{t.target_type}:{t.target_id}", "locale": t.locale, "status": t.status,
            "fields": {k: v for k, v in t.fields.items() if not k.endswith("_html")},
            "created_at": t.created_at.isoformat(),
        } for t in suggested],
        "reviewed": [{
            "on": f"{t.target_type}:{t.target_id}", "locale": t.locale, "status": t.status,
            "reviewed_at": t.reviewed_at.isoformat() if t.reviewed_at else None,
        } for t in reviewed],
    }


def erase_personal_data(user: Any) -> None:
    """On account deletion: published translations stay (readers rely on them) without a
    link to the person; their unpublished suggestions go. The caller commits."""
    db.session.execute(delete(ContentTranslation).where(
        ContentTranslation.author_id == user.id, ContentTranslation.status != "accepted"))
    db.session.execute(update(ContentTranslation).where(
        ContentTranslation.author_id == user.id).values(author_id=None))
    db.session.execute(update(ContentTranslation).where(
        ContentTranslation.reviewed_by_id == user.id).values(reviewed_by_id=None))
