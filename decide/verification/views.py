"""/<city>/verify for residents, /<city>/admin/census for the city's administrators."""

from __future__ import annotations

import io
from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.exceptions import RequestEntityTooLarge

from decide.core.errors import DomainError, render_error
from decide.core.permissions import can, requires
from decide.verification import queries, services
from decide.verification.forms import CensusUploadForm, VerifyForm

bp = Blueprint("verification", __name__)


def _city() -> Any:
    if not g.space.is_city:
        abort(404)  # alliances have no census
    return g.space


def _render_verify(form: VerifyForm, status: int = 200, until: Any = None,
                   move_from: Any = None, problem: str | None = None) -> tuple[str, int]:
    city = g.space
    return render_template(
        "verification/verify.html", form=form, city=city, problem=problem,
        until=until if until is not None else services.blocked_until(current_user),
        move_from=move_from or (current_user.residence.city
                                if current_user.residence is not None
                                and current_user.residence.city_id != city.id else None),
        census=services.census_status(city),
        minimum_age=city.setting("verification_min_age"),
    ), status


@bp.route("/<space:space>/verify", methods=["GET", "POST"])
@login_required
def verify() -> Any:
    city = _city()
    form = VerifyForm()
    form.set_document_types(queries.document_types(city))
    if current_user.is_organisation:
        return _render_verify(form, 403)
    if not form.is_submitted():
        return _render_verify(form)
    if services.census_status(city).rows == 0:
        return _render_verify(form, 409)  # the page says the census is missing
    if not form.validate():
        return _render_verify(form, 400)
    try:
        services.verify(current_user, city, form.document_type.data, form.document_number.data,
                        form.date_of_birth.data, form.postal_code.data,
                        confirm_move=bool(form.confirm_move.data))
    except services.ThrottledError as error:
        return _render_verify(form, 429, until=error.until)
    except DomainError as error:
        field = getattr(form, error.field or "", None)
        if field is not None:
            field.errors = [error.message]
        until = services.blocked_until(current_user)
        return _render_verify(form, 429 if until else error.status, until=until,
                              problem=None if field is not None else error.message)
    flash(_("You are now a verified resident of %(city)s.", city=city.name), "success")
    return redirect(url_for("accounts.account"))


def _render_census(form: CensusUploadForm, status: int = 200) -> tuple[str, int]:
    return render_template("verification/census.html", form=form, city=g.space,
                           census=services.census_status(g.space)), status


def _too_large_form() -> CensusUploadForm:
    form = CensusUploadForm(formdata=None)
    form.census.errors = [_("The file is larger than 2 MB. Ask the deployment's operator to "
                            "import it with the command line: decide census import FILE "
                            "--city %(slug)s", slug=g.space.slug)]
    return form


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error: RequestEntityTooLarge) -> Any:
    """The body is refused before any view runs: on the census page, say what to do instead."""
    space = g.get("space")
    if (request.endpoint == "verification.census" and space is not None and space.is_city
            and can(current_user, "space.admin", space)):
        return _render_census(_too_large_form(), 413)
    return render_error(413)


@bp.route("/<space:space>/admin/census", methods=["GET", "POST"])
@requires("space.admin")
def census() -> Any:
    city = _city()
    try:
        form = CensusUploadForm()
        submitted = form.is_submitted()
        valid = submitted and form.validate()
    except RequestEntityTooLarge:
        return _render_census(_too_large_form(), 413)
    if not submitted:
        return _render_census(form)
    if not valid:
        return _render_census(form, 400)
    stream = io.TextIOWrapper(form.census.data.stream, encoding="utf-8-sig", newline="")
    try:
        count = services.import_census(city, stream, imported_by=current_user)
    except DomainError as error:
        form.census.errors = [error.message]
        return _render_census(form, error.status)
    flash(ngettext("Census imported: %(count)s person.", "Census imported: %(count)s people.",
                   count, count=format_decimal(count)), "success")
    return redirect(url_for("verification.census"))
