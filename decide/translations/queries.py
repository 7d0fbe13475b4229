"""Reading translated text: the reader's language when a translation was accepted, else the
original with a plain note. Lists cost one query whatever their length."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from babel import Locale
from flask import g
from flask_babel import gettext as _
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import joinedload

from decide.core.i18n import LOCALES, current_locale
from decide.core.targets import TARGETS
from decide.core.text import render_markdown
from decide.extensions import db
from decide.translations.models import ContentTranslation

# On flask.g: (target type, id, locale) -> accepted row or None; (type, id, "waiting") -> the
# number of suggestions waiting, when a reviewer reads the object's page.
_CACHE = "_content_translations"


def language_name(locale: str, reader_locale: str | None = None) -> str:
    """`locale`'s name in the reader's language ("Spanish" for an English reader)."""
    reader = reader_locale or current_locale()
    try:
        return Locale.parse(locale).get_display_name(reader) or locale
    except (ValueError, TypeError):
        return locale


def translatable_fields(target_type: str) -> dict[str, str]:
    """Field name -> "text" or "markdown"; empty when the type is unknown or not translatable."""
    target = TARGETS.get(target_type)
    return dict(target.translatable) if target is not None else {}


def original_locale(obj: Any) -> str:
    """The language the author wrote in: the object's `locale`, else its space's default."""
    locale = getattr(obj, "locale", None)
    if locale:
        return locale
    space = getattr(obj, "space", None) or g.get("space")
    return space.default_locale if space is not None else LOCALES[0]


def offered_locales(space: Any, obj: Any) -> list[str]:
    """Languages of the space an object may be translated into (not its own)."""
    original = original_locale(obj)
    return [loc for loc in LOCALES if loc in space.locales and loc != original]


@dataclass
class Localized:
    """An object's translatable text as the reader should see it."""

    fields: dict[str, Any]
    locale: str  # language of the text shown
    original_locale: str
    is_original: bool
    # The author edited the object after the translation was written.
    outdated: bool = False
    original: dict[str, Any] = field(default_factory=dict)
    # Both in the reader's language, set when the object is read (`_finish`).
    original_language: str = ""
    note: str = ""

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["fields"][name]
        except KeyError:
            raise AttributeError(name) from None

    def __getitem__(self, name: str) -> Any:
        return self.fields[name]

    @property
    def lang(self) -> str:
        """The BCP 47 tag for a `lang` attribute on the text (never on the note)."""
        return self.locale.replace("_", "-")

    @property
    def original_lang(self) -> str:
        return self.original_locale.replace("_", "-")


def _note(shown: Localized, reader: str) -> str:
    """A plain sentence in the reader's language, or "" when nothing needs saying."""
    language = shown.original_language
    if shown.is_original:
        if shown.original_locale == reader:
            return ""
        return _("Originally written in %(language)s.", language=language)
    if shown.outdated:
        return _("Translated from %(language)s. The original has been edited since.",
                 language=language)
    return _("Translated from %(language)s.", language=language)


def _cache() -> dict[tuple[str, int, str], Any]:
    cache = g.get(_CACHE)
    if cache is None:
        cache = {}
        setattr(g, _CACHE, cache)
    return cache


def forget(target_type: str, target_id: int) -> None:
    """Drop what this request cached about an object (after a review changed it)."""
    cache = _cache()
    for key in [k for k in cache if k[0] == target_type and k[1] == target_id]:
        del cache[key]


def prefetch_translations(objects: Iterable[Any], locale: str | None = None) -> None:
    """Load, in one query, the accepted translations into `locale` (the reader's) of every
    object given, so that `localized()` on each of them needs no query."""
    locale = locale or current_locale()
    cache = _cache()
    wanted: dict[str, set[int]] = {}
    for obj in objects:
        name = getattr(obj, "target_name", None)
        if (name is None or not translatable_fields(name)
                or original_locale(obj) == locale or (name, obj.id, locale) in cache):
            continue
        wanted.setdefault(name, set()).add(obj.id)
    if not wanted:
        return
    rows = db.session.scalars(select(ContentTranslation).where(
        ContentTranslation.locale == locale, ContentTranslation.status == "accepted",
        or_(*(and_(ContentTranslation.target_type == name,
                   ContentTranslation.target_id.in_(sorted(ids)))
              for name, ids in wanted.items()))))
    for name, ids in wanted.items():
        for target_id in ids:
            cache[(name, target_id, locale)] = None
    for row in rows:
        cache[(row.target_type, row.target_id, locale)] = row


def _load_one(obj: Any) -> int:
    """All one object's page needs, in one query: its published translations in every
    language and, for its reviewers, the suggestions waiting (how many is returned)."""
    from flask_login import current_user

    from decide.translations.permissions import can_review

    name, cache = obj.target_name, _cache()
    waiting_key = (name, obj.id, "waiting")
    if waiting_key not in cache:
        space = g.get("space")
        reviewer = space is not None and can_review(current_user, space, obj)
        statuses = ("accepted", "suggested") if reviewer else ("accepted",)
        rows = list(db.session.scalars(select(ContentTranslation).where(
            ContentTranslation.target_type == name, ContentTranslation.target_id == obj.id,
            ContentTranslation.status.in_(statuses))))
        for loc in LOCALES:
            cache[(name, obj.id, loc)] = None
        for row in rows:
            if row.status == "accepted":
                cache[(name, obj.id, row.locale)] = row
        cache[waiting_key] = sum(1 for row in rows if row.status == "suggested")
    return int(cache[waiting_key])


def _loaded_like(obj: Any) -> list[Any]:
    """Every object of `obj`'s class this session has loaded (the rest of a list page)."""
    model = type(obj)
    return [o for o in list(db.session.identity_map.values()) if type(o) is model]


def accepted_translation(obj: Any, locale: str | None = None) -> ContentTranslation | None:
    locale = locale or current_locale()
    key = (obj.target_name, obj.id, locale)
    cache = _cache()
    if key not in cache:
        # A list whose view did not prefetch still costs one query, not one per item; a
        # page showing one object learns all its languages at once.
        others = [o for o in _loaded_like(obj) if o.id != obj.id]
        if others:
            prefetch_translations([obj, *others], locale)
        else:
            _load_one(obj)
        cache.setdefault(key, None)
    return cache[key]


def _original_fields(obj: Any, spec: dict[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, kind in spec.items():
        values[name] = getattr(obj, name, "") or ""
        if kind == "markdown":
            html = getattr(obj, f"{name}_html", None)
            values[f"{name}_html"] = html if html is not None else render_markdown(values[name])
    return values


def original_of(obj: Any) -> Localized:
    """The object's text as its author wrote it (shown beside a translation form)."""
    original = original_locale(obj)
    source = _original_fields(obj, translatable_fields(getattr(obj, "target_name", "")))
    return _finish(Localized(fields=source, locale=original, original_locale=original,
                             is_original=True, original=source))


def _finish(shown: Localized) -> Localized:
    reader = current_locale()
    shown.original_language = language_name(shown.original_locale, reader)
    shown.note = _note(shown, reader)
    return shown


def localized(obj: Any) -> Localized:
    """The object's translatable fields in the reader's language when an accepted translation
    exists, else the original (`is_original`, `original_locale` say which)."""
    name = getattr(obj, "target_name", "")
    spec = translatable_fields(name)
    original = original_locale(obj)
    source = _original_fields(obj, spec)
    reader = current_locale()
    translation = accepted_translation(obj, reader) if spec and reader != original else None
    if translation is None:
        return _finish(Localized(fields=source, locale=original, original_locale=original,
                                 is_original=True, original=source))
    shown = dict(source)
    shown.update({k: v for k, v in translation.fields.items() if k in source and v})
    edited_at = getattr(obj, "edited_at", None)
    return _finish(Localized(fields=shown, locale=translation.locale, original_locale=original,
                             is_original=False, original=source,
                             outdated=bool(edited_at and edited_at > translation.created_at)))


def for_review(target_type: str, target_id: int) -> tuple[list[ContentTranslation],
                                                          list[ContentTranslation]]:
    """(suggestions waiting, accepted translations) of an object, oldest suggestion first."""
    rows = list(db.session.scalars(
        select(ContentTranslation).where(
            ContentTranslation.target_type == target_type,
            ContentTranslation.target_id == target_id,
            ContentTranslation.status.in_(("suggested", "accepted")))
        .order_by(ContentTranslation.locale, ContentTranslation.created_at,
                  ContentTranslation.id)
        .options(joinedload(ContentTranslation.author))))
    return ([r for r in rows if r.status == "suggested"],
            [r for r in rows if r.status == "accepted"])


@dataclass
class TranslationActions:
    """What the reader may do about an object's translations (for the "Translate" links)."""

    missing: list[tuple[str, str]]  # (locale, its name): offered, with nothing published
    can_review: bool
    pending: int  # suggestions waiting, counted for reviewers only


def translation_actions(obj: Any) -> TranslationActions | None:
    """None for visitors who may not suggest; no query after `localized(obj)`, else one."""
    from flask_login import current_user

    from decide.translations.permissions import can_review, can_suggest

    space = g.get("space")
    name = getattr(obj, "target_name", "")
    if space is None or not translatable_fields(name) or not can_suggest(current_user, space,
                                                                         obj):
        return None
    waiting = _load_one(obj)  # no query after `localized(obj)`
    cache = _cache()
    published = {loc for loc in LOCALES if cache.get((name, obj.id, loc)) is not None}
    reviewer = can_review(current_user, space, obj)
    return TranslationActions(
        missing=[(loc, language_name(loc)) for loc in offered_locales(space, obj)
                 if loc not in published],
        can_review=reviewer,
        pending=waiting if reviewer else 0)
