"""Static pages (terms, privacy, accessibility statement, FAQ) written by administrators, per
space or for the whole deployment, in each of the languages they choose."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from decide.core.db import TimestampMixin
from decide.extensions import db

# slug -> the page's name, in the order pages are listed and linked.
PAGE_NAMES = {
    "terms": _l("Terms of use"),
    "privacy": _l("Privacy"),
    "accessibility": _l("Accessibility statement"),
    "faq": _l("Frequently asked questions"),
}
SLUGS = tuple(PAGE_NAMES)
TITLE_MAX = 120
BODY_MAX = 20_000


class StaticPage(TimestampMixin, db.Model):
    """One page's text in every language written so far; a page nobody wrote shows the default
    text shipped with Decide (templates/pages/defaults)."""

    __tablename__ = "static_pages"
    __table_args__ = (
        UniqueConstraint("space_id", "slug"),
        # NULLs are distinct in a unique constraint: one deployment page per slug needs its own.
        Index("uq_static_pages_deployment_slug", "slug", unique=True,
              sqlite_where=db.text("space_id IS NULL"),
              postgresql_where=db.text("space_id IS NULL")),
        CheckConstraint("slug IN ('terms', 'privacy', 'accessibility', 'faq')", name="slug"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int | None] = mapped_column(
        ForeignKey("spaces.id", ondelete="CASCADE"), nullable=True, index=True,
        comment="The city or alliance; null for the deployment's own pages")
    slug: Mapped[str] = mapped_column(String(16), nullable=False)
    titles: Mapped[dict[str, str]] = mapped_column(JSON, nullable=False, default=dict,
                                                   comment="Title per locale")
    bodies: Mapped[dict[str, str]] = mapped_column(JSON, nullable=False, default=dict,
                                                   comment="Markdown source per locale")
    bodies_html: Mapped[dict[str, str]] = mapped_column(
        JSON, nullable=False, default=dict, comment="Sanitised HTML of each body")
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
