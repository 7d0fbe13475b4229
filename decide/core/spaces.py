"""The space: the root of tenancy. Every participation object belongs to one, a city or an
alliance of cities (the `cities` module builds both on this model)."""

from __future__ import annotations

from typing import Any

from flask_babel import get_locale
from sqlalchemy import JSON, CheckConstraint, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from decide.core.db import TimestampMixin
from decide.core.settings import SPACE_SETTINGS
from decide.extensions import db

SPACE_KINDS = ("city", "alliance")
_MISSING = object()


def pick_translation(texts: dict[str, str] | None, locale: str | None = None) -> str:
    """The text for the reader's locale, else its language, else Spanish, else any."""
    if not texts:
        return ""
    if locale is None:
        current = get_locale()
        locale = str(current) if current else "es"
    for candidate in (locale, locale.split("_")[0], "es", "en"):
        if texts.get(candidate):
            return texts[candidate]
    return next(iter(texts.values()))


class Space(TimestampMixin, db.Model):
    """A city or an alliance: the place every participation object belongs to."""

    __tablename__ = "spaces"
    __table_args__ = (
        UniqueConstraint("kind", "slug"),
        CheckConstraint("kind IN ('city', 'alliance')", name="kind"),
    )
    __mapper_args__ = {"polymorphic_on": "kind"}

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    slug: Mapped[str] = mapped_column(String(64), nullable=False)
    names: Mapped[dict[str, str]] = mapped_column(
        JSON, nullable=False, comment="Name per locale, e.g. {'es': 'Río de Janeiro'}"
    )
    descriptions: Mapped[dict[str, str]] = mapped_column(JSON, nullable=False, default=dict)
    # The columns keep the values of the space's config file; administrators' changes live
    # in `overrides`, so that reloading the files never undoes them. The properties below
    # (`modules`, `locales`, `default_locale`, `theme`) give the values in force.
    file_default_locale: Mapped[str] = mapped_column("default_locale", String(8), nullable=False)
    file_locales: Mapped[list[str]] = mapped_column("locales", JSON, nullable=False)
    timezone: Mapped[str] = mapped_column(String(64), nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    file_modules: Mapped[list[str]] = mapped_column("modules", JSON, nullable=False,
                                                    default=list)
    file_theme: Mapped[dict[str, str]] = mapped_column(
        "theme", JSON, nullable=False, default=dict,
        comment="primary, secondary colours and logo path"
    )
    settings: Mapped[dict[str, Any]] = mapped_column(
        JSON, nullable=False, default=dict, comment="Values from the space's config file"
    )
    overrides: Mapped[dict[str, Any]] = mapped_column(
        JSON, nullable=False, default=dict,
        comment="Values changed by the space's administrators over the file's: "
                "key -> {value, by (user id), at (ISO time)}"
    )
    position: Mapped[int] = mapped_column(default=0, nullable=False)

    @property
    def name(self) -> str:
        return pick_translation(self.names)

    @property
    def description(self) -> str:
        return pick_translation(self.descriptions)

    @property
    def is_city(self) -> bool:
        return self.kind == "city"

    @property
    def is_alliance(self) -> bool:
        return self.kind == "alliance"

    # -- values in force: an administrator's override, else the file's value ----------------

    def override(self, key: str) -> dict[str, Any] | None:
        """The override stored for `key` ({"value", "by", "at"}), if any.

        Keys: "settings.<name>", "modules", "locales", "default_locale", "theme.primary",
        "theme.secondary", "theme.logo" (id of an uploaded logo), "geozones" (managed here).
        """
        entry = (self.overrides or {}).get(key)
        return entry if isinstance(entry, dict) and "value" in entry else None

    def _overridden(self, key: str, file_value: Any) -> Any:
        entry = self.override(key)
        return file_value if entry is None else entry["value"]

    @property
    def modules(self) -> list[str]:
        return list(self._overridden("modules", self.file_modules or []))

    @modules.setter
    def modules(self, value: list[str]) -> None:
        self.file_modules = value

    @property
    def locales(self) -> list[str]:
        return list(self._overridden("locales", self.file_locales or []))

    @locales.setter
    def locales(self, value: list[str]) -> None:
        self.file_locales = value

    @property
    def default_locale(self) -> str:
        return str(self._overridden("default_locale", self.file_default_locale))

    @default_locale.setter
    def default_locale(self, value: str) -> None:
        self.file_default_locale = value

    @property
    def theme(self) -> dict[str, Any]:
        """Colours and logo path in force. An uploaded logo (override "theme.logo") is not a
        static file: its address comes from the admin module's `space_logo_url(space)`."""
        theme = dict(self.file_theme or {})
        for key in ("primary", "secondary"):
            entry = self.override(f"theme.{key}")
            if entry is not None:
                theme[key] = entry["value"]
        if self.override("theme.logo") is not None:
            theme.pop("logo", None)
        return theme

    @theme.setter
    def theme(self, value: dict[str, Any]) -> None:
        self.file_theme = value

    def setting(self, key: str) -> Any:
        """Typed accessor: the administrators' override, else the config file's value, else
        the declared default (a stored value the declaration no longer accepts is skipped)."""
        spec = SPACE_SETTINGS[key]
        entry = self.override(f"settings.{key}")
        for source in ((entry or {}).get("value", _MISSING), self.settings.get(key, _MISSING)):
            if source is _MISSING:
                continue
            try:
                return spec.validate(source)
            except ValueError:
                continue
        return spec.default

    def setting_source(self, key: str) -> str:
        """Where `setting(key)` comes from: "override", "file" or "default"."""
        if self.override(f"settings.{key}") is not None:
            return "override"
        return "file" if key in (self.settings or {}) else "default"

    def has_module(self, module: str) -> bool:
        return module in self.modules

    def __repr__(self) -> str:
        return f"<{self.kind} {self.slug}>"
