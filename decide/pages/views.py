"""The deployment's own pages."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from decide.accounts.forms import EmptyForm
from decide.accounts.services import set_locale
from decide.cities.queries import cities_and_alliances
from decide.core.errors import DomainError
from decide.core.forms import attach_error
from decide.core.i18n import LOCALE_COOKIE, LOCALE_NAMES, LOCALES, current_locale
from decide.core.mail import list_dev_mail
from decide.core.permissions import can
from decide.core.urls import safe_next
from decide.pages import queries, services
from decide.pages.forms import PageForm, page_form
from decide.pages.models import PAGE_NAMES, SLUGS

bp = Blueprint("pages", __name__)


@bp.route("/")
def index() -> str:
    cities, alliances = cities_and_alliances()
    return render_template("pages/index.html", cities=cities, alliances=alliances)


def _remember_locale_cookie(response: Response, locale: str) -> None:
    response.set_cookie(
        LOCALE_COOKIE, locale, max_age=365 * 24 * 3600, samesite="Lax", httponly=True,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )


@bp.route("/locale/<locale>", methods=["POST"])
def switch_locale(locale: str) -> Any:
    """The language switcher (a small form per language, with CSRF): remember the reader's
    choice in a cookie and, when signed in, on the account; then go back where they were."""
    if locale not in LOCALES:
        abort(404)
    response = make_response(redirect(safe_next()))
    _remember_locale_cookie(response, locale)
    if current_user.is_authenticated and current_user.locale != locale:
        set_locale(current_user, locale)
    return response


@bp.route("/locale/<locale>", methods=["GET"])
def switch_locale_link(locale: str) -> Any:
    """Old links to /locale/<x>: a GET changes no stored data (mail scanners and prefetchers
    follow links), so it only sets the cookie. For a signed-in person the account's language
    still wins until they use the switcher, or until they next sign in (see accounts.login)."""
    if locale not in LOCALES:
        abort(404)
    response = make_response(redirect(safe_next()))
    _remember_locale_cookie(response, locale)
    return response


# ---- static pages: terms, privacy, accessibility statement, FAQ ---------------------------

SLUG = "<any(" + ", ".join(SLUGS) + "):slug>"


def _languages(space: Any) -> tuple[tuple[str, ...], str]:
    """(locales offered, default locale) of a space, or of the deployment (space None)."""
    if space is None:
        return LOCALES, current_app.config.get("DEFAULT_LOCALE", "es")
    locales = tuple(loc for loc in LOCALES if loc in space.locales) or LOCALES
    return locales, space.default_locale


def _show(space: Any, slug: str) -> str:
    page = queries.shown_page(space, slug)
    text = None
    if page is not None:
        text = queries.text_in(page, (current_locale(), _languages(space)[1]))
    return render_template("pages/page.html", slug=slug, page_name=PAGE_NAMES[slug],
                           text=text, page_space=space)


@bp.route("/terms")
def terms() -> str:
    return _show(None, "terms")


@bp.route("/" + SLUG)
def page(slug: str) -> str:
    """The deployment's page (written by its administrator, else the default text)."""
    return _show(None, slug)


@bp.route("/<space:space>/pages/" + SLUG)
def space_page(slug: str) -> str:
    """A space's page: its own, else the deployment's, else the default text."""
    return _show(g.space, slug)


@bp.app_template_global("static_page_links")
def static_page_links() -> list[tuple[str, str]]:
    """(name, address) of the static pages, the current space's when there is one (footer)."""
    space = g.get("space")
    if space is None:
        return [(str(name), url_for("pages.page", slug=slug))
                for slug, name in PAGE_NAMES.items()]
    return [(str(name), url_for("pages.space_page", space=space, slug=slug))
            for slug, name in PAGE_NAMES.items()]


def _require_editor(space: Any) -> Any:
    """None when the person may edit the pages of `space` (None: the deployment's)."""
    from decide.extensions import login_manager

    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not can(current_user, "pages.edit" if space is not None else "deployment.admin", space):
        abort(403)
    return None


def _endpoints(space: Any) -> dict[str, str]:
    prefix = "pages.admin_" if space is not None else "pages.deployment_"
    return {name: prefix + name for name in ("index", "edit", "reset")} | {
        "view": "pages.space_page" if space is not None else "pages.page"}


def _admin_index(space: Any) -> Any:
    refused = _require_editor(space)
    if refused is not None:
        return refused
    written = queries.pages_of(space)
    languages = {slug: ", ".join(LOCALE_NAMES.get(loc, loc) for loc in page.titles)
                 for slug, page in written.items()}
    return render_template("pages/admin_index.html", page_names=PAGE_NAMES, written=written,
                           languages=languages, endpoints=_endpoints(space), page_space=space)


def _render_edit(space: Any, slug: str, form: PageForm, status: int = 200) -> Any:
    return render_template("pages/admin_edit.html", form=form, slug=slug,
                           page_name=PAGE_NAMES[slug], endpoints=_endpoints(space),
                           written=queries.page_for(space, slug) is not None,
                           page_space=space), status


def _admin_edit(space: Any, slug: str) -> Any:
    refused = _require_editor(space)
    if refused is not None:
        return refused
    locales, default_locale = _languages(space)
    if request.method == "GET":
        data = {}
        written = queries.page_for(space, slug)
        if written is not None:
            for loc in locales:
                data[f"title_{loc}"] = written.titles.get(loc, "")
                data[f"body_{loc}"] = written.bodies.get(loc, "")
        return _render_edit(space, slug, page_form(locales, default_locale, data=data))
    form = page_form(locales, default_locale)
    if not form.validate_on_submit():
        return _render_edit(space, slug, form, 400)
    titles, bodies = form.texts()
    try:
        services.save_page(current_user, space, slug, titles, bodies, locales, default_locale)
    except DomainError as error:
        attach_error(form, error)
        return _render_edit(space, slug, form, error.status)
    flash(_("The page “%(page)s” has been saved.", page=PAGE_NAMES[slug]), "success")
    return redirect(url_for(_endpoints(space)["index"]))


def _admin_reset(space: Any, slug: str) -> Any:
    """A confirmation page first (no JavaScript needed); the removal needs its POST."""
    refused = _require_editor(space)
    if refused is not None:
        return refused
    form = EmptyForm()
    context = {"slug": slug, "page_name": PAGE_NAMES[slug], "endpoints": _endpoints(space),
               "form": form, "page_space": space}
    if request.method == "GET":
        return render_template("pages/admin_reset.html", **context)
    if not form.validate_on_submit():
        return render_template("pages/admin_reset.html", **context), 400
    if services.reset_page(current_user, space, slug):
        flash(_("The page “%(page)s” shows the default text again.", page=PAGE_NAMES[slug]),
              "success")
    return redirect(url_for(_endpoints(space)["index"]))


@bp.route("/<space:space>/admin/pages/")
def admin_index() -> Any:
    return _admin_index(g.space)


@bp.route("/<space:space>/admin/pages/" + SLUG, methods=["GET", "POST"])
def admin_edit(slug: str) -> Any:
    return _admin_edit(g.space, slug)


@bp.route("/<space:space>/admin/pages/" + SLUG + "/reset", methods=["GET", "POST"])
def admin_reset(slug: str) -> Any:
    return _admin_reset(g.space, slug)


@bp.route("/admin/pages/")
def deployment_index() -> Any:
    return _admin_index(None)


@bp.route("/admin/pages/" + SLUG, methods=["GET", "POST"])
def deployment_edit(slug: str) -> Any:
    return _admin_edit(None, slug)


@bp.route("/admin/pages/" + SLUG + "/reset", methods=["GET", "POST"])
def deployment_reset(slug: str) -> Any:
    return _admin_reset(None, slug)


@bp.route("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@bp.route("/dev/mail")
def dev_mail() -> str:
    """The development mailbox: only in debug mode with the file backend."""
    if not current_app.debug or current_app.config["MAIL_BACKEND"] != "file":
        abort(404)
    return render_template("pages/dev_mail.html", messages=list_dev_mail())
