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
    default_locale: Mapped[str] = mapped_column(String(8), nullable=False)
    locales: Mapped[list[str]] = mapped_column(JSON, nullable=False)
    timezone: Mapped[str] = mapped_column(String(64), nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    modules: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    theme: Mapped[dict[str, str]] = mapped_column(
        JSON, nullable=False, default=dict, comment="primary, secondary colours and logo path"
    )
    settings: Mapped[dict[str, Any]] = mapped_column(
        JSON, nullable=False, default=dict, comment="Values from the space's config file"
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

    def setting(self, key: str) -> Any:
        """Typed accessor: the space's value for a declared setting, else its default."""
        spec = SPACE_SETTINGS[key]
        if key in self.settings:
            return spec.validate(self.settings[key])
        return spec.default

    def has_module(self, module: str) -> bool:
        return module in self.modules

    def __repr__(self) -> str:
        return f"<{self.kind} {self.slug}>"
