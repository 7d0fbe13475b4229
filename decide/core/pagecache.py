"""Pages for signed-out visitors, served from a cache the workers share.

A module lists, in its declaration (`Module.visitor_pages`), the endpoints whose page is the
same for every signed-out visitor (lists, item pages, search). For those, a GET from someone
who is not signed in and has no message waiting is looked up before anything else runs (the
space is not even loaded), under a key made of:
- the scheme and host, the path and the query string, and whether the page or a fragment of
  it is asked for;
- what decides the language: the language cookie and the Accept-Language entries that can
  match one of ours;
- the content versions (`decide.core.versions`): the deployment's and, under a space, the
  space's; outside a space (landing, profiles), the sum of all of them.
Every write a visitor could see moves a version in its own transaction, so the first request
after the commit looks under a new key and renders the page afresh: a cached page is never
older than the data. Entries also expire after PAGE_CACHE_SECONDS, for what changes with the
clock alone (a phase that opens at a date, "3 days left").

Pages carry the visitor's CSRF token (the language switch is a POST form): the stored copy
holds a placeholder, replaced by the visitor's own token when served. So the response is
`Cache-Control: private, no-cache` with an `ETag` (the page's hash and the visitor's token) and
`Last-Modified`: the browser revalidates and gets a 304 while nothing changed; a shared proxy
may not keep these pages, as they hold a per-visitor token.

The store is Redis when REDIS_URL is set (every worker and host shares it), else each
worker's memory (at most PAGE_CACHE_MEMORY_MB). If Redis fails, pages are rendered as if
nothing were cached.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from typing import Any

from flask import Flask, Response, abort, current_app, g, request, session

from decide.core import versions
from decide.core.i18n import LOCALE_COOKIE, normalise_locale

log = logging.getLogger(__name__)

_SENTINEL = b"\x00decide-csrf-token\x00"
_KEY_PREFIX = "decide:page:"
_EXTENSION = "decide.pagecache"
_REMEMBER_COOKIE = "remember_token"  # Flask-Login's default name, used here
_CSRF_FIELD = "csrf_token"


@dataclass(frozen=True)
class Entry:
    body: bytes  # with _SENTINEL where the visitor's CSRF token goes
    content_type: str
    etag: str  # hash of `body`
    last_modified: datetime | None


def _encode(entry: Entry) -> bytes:
    head = json.dumps({"type": entry.content_type, "etag": entry.etag,
                       "modified": entry.last_modified.isoformat()
                       if entry.last_modified else None}).encode()
    return head + b"\n" + entry.body


def _decode(raw: bytes) -> Entry:
    head, _, body = raw.partition(b"\n")
    meta = json.loads(head)
    modified = datetime.fromisoformat(meta["modified"]) if meta["modified"] else None
    return Entry(body, meta["type"], meta["etag"], modified)


class MemoryStore:
    """Least recently used entries of one worker, up to `limit` bytes, each for `ttl` s."""

    def __init__(self, limit: int, ttl: int) -> None:
        self.limit, self.ttl, self.size = limit, ttl, 0
        self._entries: OrderedDict[str, tuple[float, Entry]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> Entry | None:
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                return None
            expires, entry = found
            if expires < time.monotonic():
                self._drop(key)
                return None
            self._entries.move_to_end(key)
            return entry

    def set(self, key: str, entry: Entry) -> None:
        cost = len(entry.body) + len(key)
        if cost > self.limit:
            return
        with self._lock:
            if key in self._entries:
                self._drop(key)
            self._entries[key] = (time.monotonic() + self.ttl, entry)
            self.size += cost
            while self.size > self.limit:
                self._drop(next(iter(self._entries)))

    def _drop(self, key: str) -> None:
        _, entry = self._entries.pop(key)
        self.size -= len(entry.body) + len(key)


class RedisStore:
    """Entries in Redis, shared by every worker, each for `ttl` seconds."""

    def __init__(self, app: Flask, ttl: int) -> None:
        from decide.core.jobs import redis_connection

        self.redis = redis_connection(app)
        self.ttl = ttl

    def get(self, key: str) -> Entry | None:
        raw = self.redis.get(_KEY_PREFIX + key)
        return None if raw is None else _decode(raw)

    def set(self, key: str, entry: Entry) -> None:
        self.redis.set(_KEY_PREFIX + key, _encode(entry), ex=self.ttl)

    def clear(self) -> None:
        for key in self.redis.scan_iter(_KEY_PREFIX + "*", count=1000):
            self.redis.delete(key)


def _store() -> Any:
    return current_app.extensions[_EXTENSION]


def _is_visitor() -> bool:
    """Not signed in (no account in the session, no remember cookie) and no message waiting."""
    if request.cookies.get(_REMEMBER_COOKIE):
        return False
    return "_user_id" not in session and "_flashes" not in session


def _accept_language_key() -> str:
    """The Accept-Language entries that can pick one of our languages, with their weights:
    the others never change the outcome, so visitors differing only in them share pages."""
    return ",".join(f"{value};{quality}" for value, quality in request.accept_languages
                    if value == "*" or normalise_locale(value) is not None)


def _key(versions_part: tuple[Any, ...]) -> str:
    parts = (
        request.host_url,  # scheme and host: a page may hold absolute links
        request.path,
        request.query_string.decode("latin-1"),
        request.headers.get("X-Requested-With", ""),
        request.cookies.get(LOCALE_COOKIE, ""),
        _accept_language_key(),
        versions_part,
    )
    return hashlib.blake2b(repr(parts).encode(), digest_size=20).hexdigest()


def _visitor_etag(entry_etag: str) -> str:
    """The page's hash and the visitor's CSRF token's (the raw one in the session: the signed
    copy in the page changes with every request, and every copy stays valid)."""
    raw_token = session.get(_CSRF_FIELD, "")
    token_hash = hashlib.blake2b(str(raw_token).encode(), digest_size=6).hexdigest()
    return f"{entry_etag}-{token_hash}"


def _with_cache_headers(response: Response, entry: Entry) -> Response:
    response.headers["Cache-Control"] = "private, no-cache"
    response.set_etag(_visitor_etag(entry.etag), weak=True)
    if entry.last_modified is not None:
        response.headers["Last-Modified"] = format_datetime(entry.last_modified, usegmt=True)
    response.vary.update(("Cookie", "Accept-Language"))
    return response


def _serve(entry: Entry) -> Response:
    if request.if_none_match.contains_weak(_visitor_etag(entry.etag)):
        return _with_cache_headers(Response(status=304), entry)
    body = entry.body
    if _SENTINEL in body:
        from flask_wtf.csrf import generate_csrf

        body = body.replace(_SENTINEL, generate_csrf().encode())
    response = Response(body, status=200, content_type=entry.content_type)
    response.headers["X-Decide-Cache"] = "hit"
    return _with_cache_headers(response, entry)


def look_up(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """Before the space is resolved: answer a visitor's page from the cache, or note the key
    under which the page being rendered will be kept."""
    if request.method not in ("GET", "HEAD") or endpoint not in current_app.extensions.get(
            "decide.visitor_pages", ()):
        return
    if not _is_visitor():
        return
    space = (values or {}).get("space")
    if space is not None and hasattr(space, "slug"):
        numbers, changed_at = versions.space_versions(space.kind, space.slug)
    else:
        total, changed_at = versions.all_versions()
        numbers = (total,)
    # The versions are read before anything the page shows, so a page rendered from data
    # newer than them is kept under an older key, never the other way round.
    key = _key(numbers)
    try:
        entry = _store().get(key)
    except Exception:  # the cache is an optimisation: a failing Redis must not fail pages
        log.exception("page cache unavailable")
        return
    if entry is not None:
        abort(_serve(entry))
    g.page_cache_pending = (key, changed_at)


def keep(response: Response) -> Response:
    """After a visitor's page was rendered: keep it under the key noted by `look_up`."""
    pending = g.pop("page_cache_pending", None)
    if pending is None or response.status_code != 200 or response.direct_passthrough:
        return response
    if response.mimetype != "text/html" or "Set-Cookie" in response.headers \
            or not _is_visitor():
        return response
    key, changed_at = pending
    body = response.get_data()
    token = g.get(_CSRF_FIELD)
    if token:
        body = body.replace(token.encode(), _SENTINEL)
    entry = Entry(body, response.content_type or "text/html; charset=utf-8",
                  hashlib.blake2b(body, digest_size=12).hexdigest(), changed_at)
    try:
        _store().set(key, entry)
    except Exception:
        log.exception("page cache unavailable")
        return response
    response.headers["X-Decide-Cache"] = "miss"
    return _with_cache_headers(response, entry)


def init_app(app: Flask, visitor_pages: set[str]) -> None:
    """Before any other request hook: the look-up must run before the space is loaded."""
    versions.install()
    app.extensions["decide.visitor_pages"] = frozenset(visitor_pages)
    seconds = app.config["PAGE_CACHE_SECONDS"]
    if not seconds:
        return
    if app.config.get("REDIS_URL"):
        app.extensions[_EXTENSION] = RedisStore(app, seconds)
    else:
        app.extensions[_EXTENSION] = MemoryStore(
            app.config["PAGE_CACHE_MEMORY_MB"] * 1024 * 1024, seconds)
    app.url_value_preprocessor(look_up)
    app.after_request(keep)
