"""Decide: participatory democracy for alliances of cities."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from flask import Flask

from decide.config import ROOT, STATIC_DIR, TEMPLATES_DIR, load_settings


def _instance_path(settings: dict[str, Any]) -> Path:
    path = Path(settings.get("INSTANCE_PATH") or ROOT / "instance").resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def _secret_key(instance: Path) -> str:
    """A key generated once per instance folder, so sessions survive restarts."""
    key_file = instance / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


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
    )

    import decide.models  # noqa: F401 - every table registered before anything uses the schema
    from decide.core import database, errors, i18n_setup, ratelimit, security, templating, tenancy
    from decide.extensions import csrf, db, migrate

    db.init_app(app)
    database.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    tenancy.init_app(app)
    i18n_setup.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    templating.init_app(app)

    from decide import notifications
    from decide.accounts import auth
    from decide.accounts.views import bp as accounts_bp
    from decide.admin.views import bp as admin_bp
    from decide.cities import template_helpers
    from decide.cities.views import bp as cities_bp
    from decide.comments.views import bp as comments_bp
    from decide.debates.views import bp as debates_bp
    from decide.moderation.views import bp as moderation_bp
    from decide.notifications.views import bp as notifications_bp
    from decide.pages.views import bp as pages_bp
    from decide.search.views import bp as search_bp

    auth.init_app(app)
    template_helpers.init_app(app)
    notifications.init_app(app)
    # One explicit list; the space blueprint comes last so its catch-all city slug
    # never shadows a fixed path.
    for blueprint in (pages_bp, accounts_bp, admin_bp, debates_bp, comments_bp, moderation_bp,
                      notifications_bp, search_bp, cities_bp):
        app.register_blueprint(blueprint)
    ratelimit.init_app(app)

    if settings.get("TRUSTED_PROXIES"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = settings["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    from decide.cli import register_cli

    register_cli(app)
    return app
