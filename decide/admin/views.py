"""Space administration: the admin home (the menu modules declare), settings, modules and
languages, theme and logo, geozones and roles. Views are thin: services write and audit."""

from __future__ import annotations

import hashlib
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from decide.accounts import services as account_services
from decide.accounts.forms import EmptyForm, GrantRoleForm
from decide.accounts.models import RoleAssignment
from decide.admin import queries, services
from decide.admin.forms import (
    ColoursForm,
    GeozoneForm,
    LanguagesForm,
    LogoForm,
    ModulesForm,
    RenameGeozoneForm,
)
from decide.admin.models import SpaceLogo
from decide.cities.models import Geozone
from decide.core.db import get_in_space
from decide.core.errors import DomainError
from decide.core.forms import attach_error
from decide.core.i18n import LOCALE_NAMES, LOCALES
from decide.core.modules import AdminEntry, enabled_in, registry
from decide.core.permissions import can, requires
from decide.core.settings import SPACE_SETTINGS
from decide.extensions import db

bp = Blueprint("admin", __name__)


def admin_menu(space: Any) -> list[AdminEntry]:
    """Entries modules add to this space's admin menu (the shared ones, and those of the
    space modules the space enables), for the person's permissions here."""
    enabled = {m.name for m in enabled_in(space)}
    return [entry for module in registry
            if not module.space_module or module.name in enabled
            for entry in module.admin_menu
            if entry.kind in (None, space.kind) and can(current_user, entry.action, space)]


@bp.route("/<space:space>/admin/")
@requires("space.view_admin")
def index() -> Any:
    space = g.space
    return render_template("admin/home.html", admin_menu=admin_menu(space),
                           residents=queries.resident_count(space),
                           people_with_roles=len({a.user_id for a in
                                                  queries.role_assignments(space)}))


# -- settings --------------------------------------------------------------------------------

def _render_settings(typed: dict[str, str] | None = None, errors: dict[str, str] | None = None,
                     status: int = 200) -> tuple[str, int]:
    return render_template("admin/settings.html", form=EmptyForm(),
                           groups=queries.setting_groups(g.space, typed, errors),
                           errors=errors or {}), status


@bp.route("/<space:space>/admin/settings", methods=["GET", "POST"])
@requires("space.admin")
def settings() -> Any:
    if request.method == "GET":
        return _render_settings()
    form = EmptyForm()
    typed = {key: request.form.get(f"setting-{key}", "") for key in SPACE_SETTINGS
             if f"setting-{key}" in request.form}
    if not form.validate_on_submit():
        return _render_settings(typed, status=400)
    try:
        changed = services.update_settings(g.space, current_user, typed)
    except services.SettingsError as error:
        db.session.rollback()
        # The page's summary lists each refusal; nothing was stored.
        return _render_settings(typed, error.errors, 400)
    if changed:
        flash(_("Settings saved."), "success")
    else:
        flash(_("Nothing changed."), "info")
    return redirect(url_for("admin.settings"), 303)


@bp.route("/<space:space>/admin/settings/reset", methods=["POST"])
@requires("space.admin")
def reset_setting() -> Any:
    key = request.form.get("key", "")
    if not EmptyForm().validate_on_submit() or key not in SPACE_SETTINGS:
        abort(400)
    services.reset_setting(g.space, current_user, key)
    flash(_("The setting is back to the configuration file's value."), "success")
    return redirect(url_for("admin.settings") + f"#setting-{key}", 303)


# -- modules and languages -------------------------------------------------------------------

def _modules_forms(modules: ModulesForm | None = None,
                   languages: LanguagesForm | None = None) -> tuple[ModulesForm, LanguagesForm]:
    space = g.space
    modules = modules or ModulesForm(formdata=None, modules=space.modules)
    modules.modules.choices = [(m.name, str(m.label or m.name))
                               for m in registry.space_modules()]
    languages = languages or LanguagesForm(formdata=None, locales=space.locales,
                                           default_locale=space.default_locale)
    languages.locales.choices = [(code, LOCALE_NAMES[code]) for code in LOCALES]
    languages.default_locale.choices = [(code, LOCALE_NAMES[code]) for code in LOCALES]
    return modules, languages


def _render_modules(modules: ModulesForm | None = None, languages: LanguagesForm | None = None,
                    status: int = 200) -> tuple[str, int]:
    space = g.space
    modules, languages = _modules_forms(modules, languages)
    authors = queries.override_authors(space)
    return render_template(
        "admin/modules.html", modules_form=modules, languages_form=languages,
        reset_form=EmptyForm(), intros={m.name: m.intro for m in registry.space_modules()},
        file_modules=[str(m.label or m.name) for m in registry.space_modules()
                      if m.name in (space.file_modules or [])],
        file_languages=[LOCALE_NAMES.get(c, c) for c in space.file_locales or []],
        file_default_locale=space.file_default_locale,
        modules_origin=queries.origin(space, "modules", True, authors),
        languages_origin=queries.origin(
            space, "locales" if space.override("locales") else "default_locale", True,
            authors)), status


@bp.route("/<space:space>/admin/modules")
@requires("space.admin")
def modules() -> Any:
    return _render_modules()


@bp.route("/<space:space>/admin/modules", methods=["POST"])
@requires("space.admin")
def update_modules() -> Any:
    form, _languages = _modules_forms(ModulesForm())
    if not form.validate_on_submit():
        return _render_modules(form, status=400)
    try:
        services.update_modules(g.space, current_user, form.modules.data or [])
    except DomainError as error:
        db.session.rollback()
        attach_error(form, error)
        return _render_modules(form, status=error.status)
    flash(_("Modules saved."), "success")
    return redirect(url_for("admin.modules"), 303)


@bp.route("/<space:space>/admin/languages", methods=["POST"])
@requires("space.admin")
def update_languages() -> Any:
    _modules, form = _modules_forms(None, LanguagesForm())
    if not form.validate_on_submit():
        return _render_modules(languages=form, status=400)
    try:
        services.update_languages(g.space, current_user, form.locales.data or [],
                                  form.default_locale.data or "")
    except DomainError as error:
        db.session.rollback()
        attach_error(form, error)
        return _render_modules(languages=form, status=error.status)
    flash(_("Languages saved."), "success")
    return redirect(url_for("admin.modules"), 303)


@bp.route("/<space:space>/admin/reset", methods=["POST"])
@requires("space.admin")
def reset_override() -> Any:
    key = request.form.get("key", "")
    if not EmptyForm().validate_on_submit() or key not in services.RESETTABLE:
        abort(400)
    if key == "theme.logo":
        services.reset_logo(g.space, current_user)
    else:
        services.reset_override(g.space, current_user, key)
    flash(_("Back to the configuration file's value."), "success")
    return redirect(url_for("admin.theme" if key.startswith("theme.") else "admin.modules"),
                    303)


# -- theme -----------------------------------------------------------------------------------

def _render_theme(colours: ColoursForm | None = None, logo: LogoForm | None = None,
                  status: int = 200) -> tuple[str, int]:
    space = g.space
    theme = space.theme
    if colours is None:
        colours = ColoursForm(formdata=None, primary=theme.get("primary", ""),
                              secondary=theme.get("secondary", ""))
    authors = queries.override_authors(space)
    in_file = space.file_theme or {}
    origins = {key: queries.origin(space, f"theme.{key}", key in in_file, authors)
               for key in ("primary", "secondary", "logo")}
    contrasts = {}
    for key in ("primary", "secondary"):
        value = (colours[key].data or "").strip().lower()
        if services.COLOUR_RE.match(value):
            contrasts[key] = services.contrast_ratio(value, services.WHITE)
    return render_template(
        "admin/theme.html", colours_form=colours, logo_form=logo or LogoForm(),
        reset_form=EmptyForm(), origins=origins, file_theme=in_file, contrasts=contrasts,
        min_contrast=services.MIN_CONTRAST, logo=queries.current_logo(space)), status


@bp.route("/<space:space>/admin/theme")
@requires("space.admin")
def theme() -> Any:
    return _render_theme()


@bp.route("/<space:space>/admin/theme/colours", methods=["POST"])
@requires("space.admin")
def update_colours() -> Any:
    form = ColoursForm()
    if not form.validate_on_submit():
        return _render_theme(form, status=400)
    try:
        services.update_colours(g.space, current_user, form.primary.data, form.secondary.data)
    except DomainError as error:
        db.session.rollback()
        attach_error(form, error)
        return _render_theme(form, status=error.status)
    flash(_("Colours saved."), "success")
    return redirect(url_for("admin.theme"), 303)


@bp.route("/<space:space>/admin/theme/logo", methods=["POST"])
@requires("space.admin")
def upload_logo() -> Any:
    form = LogoForm()
    if not form.validate_on_submit():
        return _render_theme(logo=form, status=400)
    # One byte over the limit is enough to know it is too big.
    data = form.logo.data.read(services.MAX_LOGO_BYTES + 1)
    try:
        services.upload_logo(g.space, current_user, data)
    except DomainError as error:
        db.session.rollback()
        attach_error(form, error)
        return _render_theme(logo=form, status=error.status)
    flash(_("Logo saved."), "success")
    return redirect(url_for("admin.theme"), 303)


@bp.route("/<space:space>/logo/<int:logo_id>")
def logo(logo_id: int) -> Response:
    """An uploaded logo, public like the pages that show it; its address changes with each
    upload, so it may be cached for long."""
    image = get_in_space(SpaceLogo, logo_id, g.space)
    response = Response(image.data, mimetype=image.content_type)
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Disposition"] = "inline"
    response.set_etag(image.sha256)
    return response.make_conditional(request)


def space_logo_url(space: Any) -> str:
    """The logo in force: an uploaded one, else the file's static image, else the emblem drawn
    from the space's colours."""
    entry = space.override("theme.logo")
    if entry is not None:
        return url_for("admin.logo", space=space, logo_id=entry["value"])
    if space.theme.get("logo"):
        return url_for("static", filename=space.theme["logo"])
    return url_for("spaces.logo", space=space, v=_theme_version(space))


def space_theme_url(space: Any) -> str:
    """The space's stylesheet, its address changing with its colours: browsers keep the
    stylesheet a few minutes, and an administrator who just changed a colour must see it."""
    return url_for("spaces.theme", space=space, v=_theme_version(space))


def _theme_version(space: Any) -> str:
    theme = space.theme
    colours = f"{theme.get('primary', '')}{theme.get('secondary', '')}"
    return hashlib.sha256(colours.encode()).hexdigest()[:8]


# -- geozones --------------------------------------------------------------------------------

def _city() -> Any:
    if not g.space.is_city:
        abort(404)  # alliances have no geozones
    return g.space


def _render_geozones(form: GeozoneForm | None = None, status: int = 200,
                     rename: tuple[int, RenameGeozoneForm] | None = None) -> tuple[str, int]:
    city = _city()
    authors = queries.override_authors(city)
    return render_template(
        "admin/geozones.html", zones=queries.geozones(city), form=form or GeozoneForm(),
        action_form=EmptyForm(), rename=rename,
        managed_here=queries.origin(city, "geozones", False, authors)), status


@bp.route("/<space:space>/admin/geozones", methods=["GET", "POST"])
@requires("space.admin")
def geozones() -> Any:
    city = _city()
    if request.method == "GET":
        return _render_geozones()
    form = GeozoneForm()
    if not form.validate_on_submit():
        return _render_geozones(form, 400)
    try:
        services.create_geozone(city, current_user, form.slug.data, form.name.data)
    except DomainError as error:
        db.session.rollback()
        attach_error(form, error)
        return _render_geozones(form, error.status)
    flash(_("Geozone added."), "success")
    return redirect(url_for("admin.geozones"), 303)


@bp.route("/<space:space>/admin/geozones/<int:geozone_id>/rename", methods=["POST"])
@requires("space.admin")
def rename_geozone(geozone_id: int) -> Any:
    city = _city()
    geozone = get_in_space(Geozone, geozone_id, city)
    form = RenameGeozoneForm()
    if not form.validate_on_submit():
        return _render_geozones(status=400, rename=(geozone_id, form))
    try:
        services.rename_geozone(city, current_user, geozone, form.name.data)
    except DomainError as error:
        db.session.rollback()
        attach_error(form, error)
        return _render_geozones(status=error.status, rename=(geozone_id, form))
    flash(_("Geozone renamed."), "success")
    return redirect(url_for("admin.geozones"), 303)


@bp.route("/<space:space>/admin/geozones/<int:geozone_id>/move", methods=["POST"])
@requires("space.admin")
def move_geozone(geozone_id: int) -> Any:
    city = _city()
    geozone = get_in_space(Geozone, geozone_id, city)
    if not EmptyForm().validate_on_submit() or request.form.get("direction") not in ("up",
                                                                                    "down"):
        abort(400)
    services.move_geozone(city, current_user, geozone, request.form["direction"])
    return redirect(url_for("admin.geozones") + f"#geozone-{geozone_id}", 303)


@bp.route("/<space:space>/admin/geozones/<int:geozone_id>/delete", methods=["GET", "POST"])
@requires("space.admin")
def delete_geozone(geozone_id: int) -> Any:
    """A confirmation page first; the deletion needs its POST and is refused while anything
    uses the geozone."""
    city = _city()
    geozone = get_in_space(Geozone, geozone_id, city)
    form = EmptyForm()
    uses = services.geozone_uses(geozone)
    if request.method == "GET":
        return render_template("admin/delete_geozone.html", geozone=geozone, uses=uses,
                               form=form)
    if not form.validate_on_submit():
        abort(400)
    try:
        services.delete_geozone(city, current_user, geozone)
    except DomainError as error:
        db.session.rollback()
        return render_template("admin/delete_geozone.html", geozone=geozone, uses=uses,
                               form=form, refusal=error.message), 409
    flash(_("Geozone deleted."), "success")
    return redirect(url_for("admin.geozones"), 303)


# -- roles -----------------------------------------------------------------------------------

def _render_roles(form: GrantRoleForm, status: int = 200) -> tuple[str, int]:
    return render_template("admin/roles.html", form=form, revoke_form=EmptyForm(),
                           assignments=queries.role_assignments(g.space)), status


@bp.route("/<space:space>/admin/roles", methods=["GET", "POST"])
@requires("space.manage_roles")
def roles() -> Any:
    if request.method == "GET":
        return _render_roles(GrantRoleForm())
    form = GrantRoleForm()
    if not form.validate_on_submit():
        return _render_roles(form, 400)
    user = account_services.find_by_username(form.username.data)
    if user is None or user.is_deleted:
        form.username.errors = [_("No account has this username.")]
        return _render_roles(form, 404)
    position = (form.official_position.data or "").strip() or None
    try:
        # The audit event joins the session first: the grant's commit stores both.
        services.audit_role_grant(g.space, current_user, user, form.role.data, position,
                                  form.official_level.data)
        account_services.grant_role(user, g.space, form.role.data, position,
                                    form.official_level.data)
    except DomainError as error:
        db.session.rollback()
        if not error.field:
            error.field = "role"
        attach_error(form, error)
        return _render_roles(form, 400)
    flash(_("%(user)s now holds the role “%(role)s” here.", user=user.username,
            role=account_services.role_label(form.role.data)), "success")
    return redirect(url_for("admin.roles"), 303)


def _removes_own_admin_access(assignment: RoleAssignment) -> bool:
    """Removing this would lock the remover out of this page: it is their own administrator
    role here and nothing else (deployment administration) would let them back in."""
    return (assignment.user_id == current_user.id and assignment.role == "administrator"
            and not current_user.is_deployment_admin)


def _render_revoke(assignment: RoleAssignment, status: int = 200) -> tuple[str, int]:
    return render_template("admin/revoke_role.html", assignment=assignment, form=EmptyForm(),
                           refused=_removes_own_admin_access(assignment)), status


@bp.route("/<space:space>/admin/roles/<int:assignment_id>/revoke", methods=["GET", "POST"])
@requires("space.manage_roles")
def revoke_role(assignment_id: int) -> Any:
    """A confirmation page first (works without JavaScript); the removal needs its POST."""
    assignment = get_in_space(RoleAssignment, assignment_id, g.space)
    if request.method == "GET":
        return _render_revoke(assignment)
    if _removes_own_admin_access(assignment):
        return _render_revoke(assignment, 409)
    form = EmptyForm()
    if not form.validate_on_submit():
        return _render_revoke(assignment, 400)
    if request.form.get("confirm") != "yes":
        # An older page or a hand-made request: ask first.
        return redirect(url_for("admin.revoke_role", assignment_id=assignment_id), 303)
    services.audit_role_revoke(assignment, current_user)
    account_services.revoke_role(assignment)
    flash(_("The role has been removed."), "success")
    return redirect(url_for("admin.roles"), 303)
