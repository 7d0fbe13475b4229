"""Suggesting a translation of an object's text, and reviewing suggestions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from decide.core.errors import DomainError, render_error
from decide.core.modules import registry
from decide.core.ratelimit import rate_limited
from decide.core.targets import target_url
from decide.translations import permissions, queries, services
from decide.translations.forms import SuggestionForm, build_form, field_label

bp = Blueprint("translations", __name__)


def _module_enabled(target_type: str) -> bool:
    """Objects of a space module the space does not enable are not found there."""
    for module in registry:
        if any(t.name == target_type for t in module.targets):
            return not module.space_module or g.space.has_module(module.name)
    return True


def _target_or_404(target_type: str, target_id: int) -> Any:
    if g.get("space") is None or not _module_enabled(target_type):
        abort(404)
    try:
        return services.visible_target(g.space, target_type, target_id)
    except DomainError:
        abort(404)


def _form_for(target: Any, **kwargs: Any) -> SuggestionForm:
    spec = queries.translatable_fields(target.target_name)
    limits = {name: services.field_limit(type(target), name) for name in spec}
    return build_form(spec, limits, queries.offered_locales(g.space, target), **kwargs)


def _described(target: Any) -> list[tuple[str, str, Any]]:
    """(name, "text" or "markdown", label) of the target's translatable fields."""
    return [(name, kind, field_label(name))
            for name, kind in queries.translatable_fields(target.target_name).items()]


def _render_form(form: SuggestionForm, target: Any, status: int = 200) -> tuple[str, int]:
    return render_template("translations/new.html", form=form, target=target,
                           original=queries.original_of(target), fields=_described(target),
                           reviewer=permissions.can_review(current_user, g.space, target),
                           back=target_url(target)), status


@bp.route("/<space:space>/translations/<target_type>/<int:target_id>/new",
          methods=["GET", "POST"])
@login_required
@rate_limited("RATELIMIT_COMMENT", per_user=True)
def new(target_type: str, target_id: int) -> Any:
    target = _target_or_404(target_type, target_id)
    if not permissions.can_suggest(current_user, g.space, target):
        return render_error(403, _("Confirm your e-mail address to suggest translations."))
    form = _form_for(target)
    if request.method == "GET":
        requested = request.args.get("locale")
        if requested is None:
            return _render_form(form, target)
        form.locale.data = requested
        try:
            services.check_locale(g.space, target, requested)
        except DomainError as error:
            form.locale.errors = [error.message]
            return _render_form(form, target, error.status)
        published = queries.accepted_translation(target, requested)
        for name in form.text_fields if published is not None else ():
            form[name].data = published.fields.get(name, "")  # to improve it
        return _render_form(form, target)
    if not form.validate_on_submit():
        return _render_form(form, target, 400)
    try:
        translation = services.suggest(
            current_user, g.space, target_type, target_id, form.locale.data,
            {name: form[name].data for name in form.text_fields})
    except DomainError as error:
        field = form._fields.get(error.field or "")
        if field is not None:
            field.errors = [*field.errors, error.message]
        else:
            flash(error.message, "error")
        return _render_form(form, target, error.status)
    language = queries.language_name(translation.locale)
    if translation.status == "accepted":
        flash(_("Your translation into %(language)s is published.", language=language),
              "success")
    else:
        flash(_("Thank you. The author or a moderator will review your translation into "
                "%(language)s.", language=language), "success")
    return redirect(target_url(target), 303)


@bp.errorhandler(429)
def suggesting_too_fast(error: Exception) -> Any:
    """A posting flood: say so in the reader's language and keep what they typed."""
    message = _("You are posting too fast. Please wait a few minutes and try again.")
    args = request.view_args or {}
    if request.endpoint != "translations.new" or g.get("space") is None:
        return render_error(429, message)
    target = _target_or_404(args["target_type"], args["target_id"])
    form = _form_for(target)
    form.locale.errors = [message]
    return _render_form(form, target, 429)


@bp.route("/<space:space>/translations/<target_type>/<int:target_id>/")
@login_required
def review(target_type: str, target_id: int) -> Any:
    target = _target_or_404(target_type, target_id)
    if not permissions.can_review(current_user, g.space, target):
        abort(403)
    return _render_review(target)


def _render_review(target: Any, status: int = 200) -> tuple[str, int]:
    pending, accepted = queries.for_review(target.target_name, target.id)
    return render_template("translations/review.html", target=target, pending=pending,
                           accepted=accepted, original=queries.original_of(target),
                           fields=_described(target), back=target_url(target)), status


def _decide(translation_id: int, decision: Any, done: Callable[[str], str]) -> Any:
    if g.get("space") is None:
        abort(404)
    try:
        translation = decision(current_user, g.space, translation_id)
    except DomainError as error:
        if error.status == 404:
            abort(404)
        if error.status == 403:
            return render_error(403, error.message)
        # Already reviewed by someone else: show the list as it is now, with the reason.
        flash(error.message, "error")
        translation = services.translation_in(g.space, translation_id)
        return _render_review(_target_or_404(translation.target_type, translation.target_id),
                              error.status)
    flash(done(queries.language_name(translation.locale)), "success")
    return redirect(url_for("translations.review", target_type=translation.target_type,
                            target_id=translation.target_id), 303)


@bp.route("/<space:space>/translations/<int:translation_id>/accept", methods=["POST"])
@login_required
def accept(translation_id: int) -> Any:
    return _decide(translation_id, services.accept, lambda language: _(
        "The translation into %(language)s is published.", language=language))


@bp.route("/<space:space>/translations/<int:translation_id>/reject", methods=["POST"])
@login_required
def reject(translation_id: int) -> Any:
    return _decide(translation_id, services.reject, lambda language: _(
        "The translation into %(language)s will not be shown.", language=language))
