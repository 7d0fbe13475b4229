"""Decide: participatory democracy for alliances of cities."""

from __future__ import annotations

import importlib
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask

from decide.config import ROOT, STATIC_DIR, TEMPLATES_DIR, load_settings
from decide.core.modules import Module, registry


def _instance_path(settings: dict[str, Any]) -> Path:
    path = Path(settings.get("INSTANCE_PATH") or ROOT / "instance").resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def _secret_key(instance: Path) -> str:
    """A key generated once per instance folder, so sessions survive restarts.

    Workers starting together must all end up with the same key: the key is written to a
    private temporary file and then hard-linked into place, which fails if another process got
    there first; everyone then reads the file that won, which is never seen half-written.
    """
    import contextlib
    import os
    import time

    key_file = instance / "secret_key"
    if not key_file.exists():
        temporary = instance / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "w") as fh:
                fh.write(secrets.token_hex(32))
                fh.flush()
                os.fsync(fh.fileno())
            # os.link never replaces an existing file: losing the race means using its key.
            with contextlib.suppress(FileExistsError):
                os.link(temporary, key_file)
        finally:
            temporary.unlink(missing_ok=True)
    key = key_file.read_text().strip()
    for _ in range(50):  # a key written in place by an older version may still be in flight
        if len(key) >= 32:
            return key
        time.sleep(0.02)
        key = key_file.read_text().strip()
    raise RuntimeError(f"{key_file} holds no usable key: delete it to generate a new one")


# Every module of this deployment, in order: space modules appear in this order in a space's
# bar. `cities` comes last because its catch-all city slug must never shadow a fixed path.
MODULES = (
    "pages", "accounts", "admin", "tags", "search", "comments", "moderation", "history",
    "notifications", "follows", "translations", "audit", "verification", "debates", "proposals",
    "plans", "budgets", "dashboard", "cities",
)


def load_modules(names: tuple[str, ...] | list[str]) -> list[Module]:
    """Import each module's declaration (`decide.<name>.module`) and register it."""
    modules = []
    for name in names:
        module = importlib.import_module(f"decide.{name}.module").module
        registry.register(module)
        modules.append(module)
    return modules


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """The application factory; `config` overrides file and environment settings (tests)."""
    settings = load_settings()
    settings.update(config or {})
    instance = _instance_path(settings)
    app = Flask(
        __name__,
        instance_path=str(instance),
        template_folder=str(TEMPLATES_DIR),
        static_folder=str(STATIC_DIR),
    )
    app.config.update(settings)
    database_url = settings.get("DATABASE_URL") or f"sqlite:///{instance / 'decide.db'}"
    redis_url = settings.get("REDIS_URL") or ""
    app.config.update(
        SECRET_KEY=settings.get("SECRET_KEY") or _secret_key(instance),
        SQLALCHEMY_DATABASE_URI=database_url,
        SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True},
        SESSION_COOKIE_SECURE=settings["SESSION_COOKIE_SECURE"],
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=settings["SESSION_COOKIE_SECURE"],
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        RATELIMIT_STORAGE_URI=redis_url or "memory://",
        RATELIMIT_HEADERS_ENABLED=True,
        RATELIMIT_ENABLED=settings["RATELIMIT_ENABLED"],
        WTF_CSRF_TIME_LIMIT=None,
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
        # With a base URL, a request for any other host is refused (400): nothing can then
        # be built from a Host header a client chose.
        TRUSTED_HOSTS=settings.get("TRUSTED_HOSTS") or (
            [urlsplit(settings["BASE_URL"]).hostname] if settings.get("BASE_URL") else None),
    )

    from decide.core import (
        database,
        errors,
        i18n_setup,
        pagecache,
        ratelimit,
        security,
        templating,
        tenancy,
        votes,  # noqa: F401 - core's own table (vote_city_counts)
    )
    from decide.extensions import csrf, db, migrate

    modules = load_modules(MODULES)
    # First: the page cache answers visitors before any other hook runs (space, session...).
    pagecache.init_app(app, {endpoint for module in modules for endpoint in module.visitor_pages})
    db.init_app(app)
    database.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    tenancy.init_app(app)
    from decide.core import converters

    converters.init_app(app)  # before any blueprint: ids in URLs checked once
    i18n_setup.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    templating.init_app(app)
    for module in modules:
        if module.init_app is not None:
            module.init_app(app)
        if module.blueprint is not None:
            app.register_blueprint(module.blueprint)
    ratelimit.init_app(app)

    if settings.get("TRUSTED_PROXIES"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = settings["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    from decide.cli import register_cli

    register_cli(app)
    return app
