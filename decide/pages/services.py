"""Writing static pages: validated, rendered once to safe HTML, audited, in one transaction."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import gettext as _

from decide.core.db import commit_unique
from decide.core.errors import DomainError
from decide.core.i18n import LOCALE_NAMES
from decide.core.text import render_markdown
from decide.extensions import db
from decide.pages.models import BODY_MAX, SLUGS, TITLE_MAX, StaticPage
from decide.pages.queries import page_for


def text_errors(titles: dict[str, str], bodies: dict[str, str],
                default_locale: str) -> list[tuple[str, str]]:
    """(field, translated message) for every rule the texts break; empty when they are fine.

    The default locale needs a title and a text (readers of other languages fall back to it);
    another language is optional, but then needs both."""
    errors = []
    language = LOCALE_NAMES.get(default_locale, default_locale)
    if not titles.get(default_locale):
        errors.append((f"title_{default_locale}", _(
            "Give the page a title in %(language)s, the main language here.",
            language=language)))
    if not bodies.get(default_locale):
        errors.append((f"body_{default_locale}", _(
            "Write the page's text in %(language)s, the main language here.",
            language=language)))
    for loc in sorted((set(titles) | set(bodies)) - {default_locale}):
        if loc not in titles:
            errors.append((f"title_{loc}", _("Give this translation a title too.")))
        if loc not in bodies:
            errors.append((f"body_{loc}", _("Write this translation's text too, or leave "
                                            "its title empty.")))
    for loc, title in titles.items():
        if len(title) > TITLE_MAX:
            errors.append((f"title_{loc}", _("Use at most %(max)d characters.", max=TITLE_MAX)))
    for loc, body in bodies.items():
        if len(body) > BODY_MAX:
            errors.append((f"body_{loc}", _("Use at most %(max)d characters.", max=BODY_MAX)))
    return errors


def _snapshot(page: StaticPage | None) -> dict[str, Any] | None:
    if page is None:
        return None
    return {"titles": dict(page.titles), "bodies": dict(page.bodies)}


def _audit(actor: Any, space: Any, action: str, page: StaticPage, **data: Any) -> None:
    from decide.audit.models import AuditEvent
    from decide.audit.services import record

    if space is None and not AuditEvent.__table__.c.space_id.nullable:
        # The audit trail records events of a space; until it takes deployment-wide events,
        # the deployment's page edits go to the application log.
        current_app.logger.info("deployment page %s: %s by user %s: %s", page.slug, action,
                                getattr(actor, "id", None), data)
        return
    record(actor, space.id if space is not None else None, action, object_type="page",
           object_id=page.id, slug=page.slug, **data)


def save_page(actor: Any, space: Any, slug: str, titles: dict[str, str],
              bodies: dict[str, str], locales: tuple[str, ...],
              default_locale: str) -> StaticPage:
    """Store the page's texts (space None: the deployment's page), replacing the previous
    ones; languages outside `locales` are ignored. Raises DomainError, storing nothing."""
    if slug not in SLUGS:
        raise DomainError(_("This page does not exist."), status=404)
    titles = {loc: text.strip() for loc, text in titles.items()
              if loc in locales and text and text.strip()}
    bodies = {loc: text for loc, text in bodies.items()
              if loc in locales and text and text.strip()}
    errors = text_errors(titles, bodies, default_locale)
    if errors:
        field, message = errors[0]
        raise DomainError(message, field=field)
    page = page_for(space, slug)
    before = _snapshot(page)
    if page is None:
        page = StaticPage(space_id=space.id if space is not None else None, slug=slug)
        db.session.add(page)
    page.titles = titles
    page.bodies = bodies
    page.bodies_html = {loc: str(render_markdown(body)) for loc, body in bodies.items()}
    page.updated_by_id = getattr(actor, "id", None)
    db.session.flush()
    if before != _snapshot(page):
        _audit(actor, space, "pages.edit", page, before=before, after=_snapshot(page))
    commit_unique(_("Someone else saved this page at the same moment. Check it and save "
                    "again."))
    return page


def reset_page(actor: Any, space: Any, slug: str) -> bool:
    """Remove what administrators wrote: the default text shows again. False if there was
    nothing to remove."""
    page = page_for(space, slug)
    if page is None:
        return False
    _audit(actor, space, "pages.reset", page, before=_snapshot(page), after=None)
    db.session.delete(page)
    db.session.commit()
    return True
