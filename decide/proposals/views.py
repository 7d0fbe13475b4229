"""Proposal pages (joint actions in an alliance): list, draft with preview, show, support,
publish, retire, updates, co-authors, featuring and cities' endorsements.

Every action is a plain form post (CSRF token, redirect after success), so nothing needs
JavaScript; a refused action shows its translated reason on the page with what was typed."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from decide.cities.forms import with_districts
from decide.comments import queries as comment_queries
from decide.comments.forms import CommentForm, build_comment_form
from decide.core.errors import DomainError
from decide.core.forms import attach_error
from decide.core.i18n import current_locale
from decide.core.modules import ActivityItem
from decide.core.pagination import page_number
from decide.core.permissions import can, is_eligible, is_visible
from decide.core.ratelimit import rate_limited
from decide.core.text import render_markdown
from decide.history.queries import revisions_of
from decide.listings.queries import UnknownFilter
from decide.moderation.services import already_flagged
from decide.proposals import queries, services
from decide.proposals.forms import (
    RETIRE_REASON_LABELS,
    CoauthorForm,
    EndorseForm,
    ProposalForm,
    RetireForm,
    UpdateForm,
)
from decide.proposals.models import Proposal
from decide.proposals.permissions import is_author
from decide.tags.queries import popular_tags

bp = Blueprint("proposals", __name__)

STATUSES = ("open", "successful", "archived", "retired")


@bp.before_request
def require_module() -> None:
    if g.get("space") is None or not g.space.has_module("proposals"):
        abort(404)


@bp.app_template_global("retire_reason_label")
def retire_reason_label(reason: str | None) -> str:
    return str(RETIRE_REASON_LABELS.get(reason or "", reason or ""))


@bp.app_template_global("proposal_status")
def proposal_status(proposal: Proposal) -> str:
    return queries.status_of(proposal)


def proposal_url(proposal: Proposal) -> str:
    return url_for("proposals.show", space=proposal.space, proposal_id=proposal.id)


def _is_signed_author(proposal: Proposal, user: Any) -> bool:
    """The author or an accepted co-author."""
    return bool(user.is_authenticated and is_author(user, proposal))


def _proposal_or_404(proposal_id: int) -> Proposal:
    proposal = queries.proposal_for_page(g.space, proposal_id)
    # Hidden proposals exist only for the space's moderators, who may restore them.
    if proposal is None or not is_visible(current_user, proposal, g.space):
        abort(404)
    # A draft exists for its author and the people invited to sign it (to answer).
    if proposal.is_draft and not (
            current_user.is_authenticated
            and (proposal.author_id == current_user.id
                 or any(c.user_id == current_user.id for c in queries.coauthors_of(proposal)))):
        abort(404)
    return proposal




def _preview(form: ProposalForm) -> dict[str, Any]:
    """What the proposal would look like, from what was typed; nothing is saved."""
    zone = next((z for z in g.space.geozones if z.slug == form.geozone.data), None) \
        if g.space.is_city else None
    return {
        "title": form.title.data or "",
        "summary": form.summary.data or "",
        "description_html": render_markdown(form.description.data or ""),
        "video_url": (form.video_url.data or "").strip(),
        "tags": [t.strip() for t in (form.tags.data or "").split(",") if t.strip()],
        "geozone": zone.name if zone else None,
    }


def _render_form(form: ProposalForm, proposal: Proposal | None, status: int = 200,
                 preview: dict[str, Any] | None = None) -> tuple[str, int]:
    return render_template("proposals/form.html", form=form, proposal=proposal,
                           preview=preview), status


def _form_fields(form: ProposalForm) -> dict[str, Any]:
    return {"title": form.title.data, "summary": form.summary.data,
            "description": form.description.data,
            "video_url": (form.video_url.data or "").strip(), "tags": form.tags.data or "",
            "geozone_slug": form.geozone.data or None}


@bp.route("/<space:space>/proposals/")
def index() -> Any:
    try:
        filters = queries.LISTING.filters_from(g.space, request.args)
    except UnknownFilter as unknown:
        return render_template("proposals/unknown_filter.html",
                               **{unknown.kind: unknown.value}), 404
    page = queries.LISTING.page(queries.proposal_list(g.space, filters), page_number())
    featured = queries.featured(g.space) if page.page == 1 and not filters.is_filtered else []
    space = g.space
    return render_template(
        "proposals/index.html", page=page, filters=filters, listing=queries.LISTING,
        threshold=queries.city_threshold(space) if space.is_city else None,
        success_rule=(queries.Progress(
            supports=0, threshold=space.setting("joint_action_total_threshold"),
            min_cities=space.setting("joint_action_min_cities")).rule_text()
            if space.is_alliance else ""),
        tags=popular_tags(g.space), featured=featured, statuses=STATUSES,
        geozones=list(g.space.geozones) if g.space.is_city else [],
        drafts=(queries.drafts_of(current_user, g.space)
                if current_user.is_authenticated else []),
        can_create=can(current_user, "proposals.create", g.space))


@bp.route("/<space:space>/proposals/successful")
def successful() -> Any:
    return redirect(url_for("proposals.index", status="successful"), 301)


@bp.route("/<space:space>/proposals/new", methods=["GET", "POST"])
@login_required
@rate_limited("RATELIMIT_DEBATE", per_user=True)
def new() -> Any:
    if not can(current_user, "proposals.create", g.space):
        abort(403)
    form = with_districts(ProposalForm(), g.space)
    if request.method == "GET":
        return _render_form(form, None)
    if not form.validate_on_submit():
        return _render_form(form, None, 400)
    if "preview" in request.form:
        return _render_form(form, None, preview=_preview(form))
    try:
        proposal = services.create_draft(current_user, g.space, **_form_fields(form),
                                         locale=current_locale())
    except DomainError as error:
        attach_error(form, error)
        return _render_form(form, None, error.status)
    flash(_("Your draft is saved. Only you and your co-authors see it until you publish it."),
          "success")
    return redirect(url_for("proposals.show", proposal_id=proposal.id), 303)


@bp.route("/<space:space>/proposals/<int:proposal_id>/edit", methods=["GET", "POST"])
@login_required
def edit(proposal_id: int) -> Any:
    proposal = _proposal_or_404(proposal_id)
    if not _is_signed_author(proposal, current_user):
        abort(403)
    if not can(current_user, "proposals.edit", g.space, proposal):
        flash(_("This proposal can no longer be edited."), "error")
        return redirect(url_for("proposals.show", proposal_id=proposal.id), 303)
    form = with_districts(ProposalForm(), g.space)
    if request.method == "GET":
        form.title.data, form.summary.data = proposal.title, proposal.summary
        form.description.data, form.video_url.data = proposal.description, proposal.video_url
        form.tags.data = ", ".join(t.name for t in proposal.tags)
        form.geozone.data = proposal.geozone.slug if proposal.geozone else ""
        return _render_form(form, proposal)
    if not form.validate_on_submit():
        return _render_form(form, proposal, 400)
    if "preview" in request.form:
        return _render_form(form, proposal, preview=_preview(form))
    try:
        services.edit_proposal(current_user, proposal, **_form_fields(form))
    except DomainError as error:
        attach_error(form, error)
        return _render_form(form, proposal, error.status)
    flash(_("Your changes are saved."), "success")
    return redirect(url_for("proposals.show", proposal_id=proposal.id), 303)


@bp.errorhandler(429)
def posting_too_fast(error: Exception) -> Any:
    """A posting flood: say so in the reader's language and keep what they typed."""
    message = _("You are posting too fast. Please wait a few minutes and try again.")
    if request.endpoint == "proposals.new":
        form = with_districts(ProposalForm(), g.space)
        form.title.errors = [message]
        return _render_form(form, None, 429)
    from decide.core.errors import render_error

    return render_error(429, message)


def _support_state(proposal: Proposal, status: str, supported: bool) -> str:
    """Why the support button is (not) there: one key the template explains in words."""
    if status in ("draft", "retired", "archived"):
        return status
    if status == "successful" and not supported:
        return "successful"  # closed for everyone: no sign-in invitation
    if supported:
        return "supported"
    if can(current_user, "proposals.support", g.space, proposal):
        return "can"
    if not current_user.is_authenticated:
        return "anonymous"
    if current_user.is_organisation:
        return "organisation"
    if not is_eligible(current_user, g.space):
        return "not_resident"
    return "successful" if status == "successful" else "closed"


def render_proposal(proposal: Proposal, comment_form: CommentForm | None = None,
                    status: int = 200, **forms: Any) -> tuple[str, int]:
    """The proposal page; also used to show a form's errors (a comment, an update, an
    invitation, an endorsement) with what was typed."""
    order = request.args.get("order", "top")
    if order not in comment_queries.ORDERS:
        abort(400)
    comments = comment_queries.comment_page(g.space, "proposal", proposal.id, order,
                                            page_number())
    shown = comment_queries.flatten(comments.items)
    if comment_form is None:
        comment_form = build_comment_form(g.space, current_user)
    user = current_user
    coauthors = queries.coauthors_of(proposal)
    signed = _is_signed_author(proposal, user)
    my_invitation = next((c for c in coauthors if user.is_authenticated
                          and c.user_id == user.id and c.accepted_at is None), None)
    proposal_status = queries.status_of(proposal)
    supported = queries.has_supported(proposal, user)
    alliance = g.space.is_alliance
    endorsing_city = (queries.endorsing_city(user, proposal)
                      if alliance and user.is_authenticated else None)
    can_endorse = alliance and can(user, "proposals.endorse", g.space, proposal)
    return render_template(
        "proposals/show.html", proposal=proposal, proposal_status=proposal_status,
        comments=comments, comment_order=order,
        comment_votes=comment_queries.votes_by(user, shown), comment_form=comment_form,
        progress=queries.progress(proposal),
        endorsements=queries.endorsements_of(proposal) if alliance else [],
        updates=queries.updates_of(proposal),
        coauthors=coauthors, is_author=signed, my_invitation=my_invitation,
        supported=supported, support_state=_support_state(proposal, proposal_status, supported),
        endorsing_city=endorsing_city, can_endorse=can_endorse,
        can_edit=signed and can(user, "proposals.edit", g.space, proposal),
        can_publish=proposal.is_draft and can(user, "proposals.publish", g.space, proposal),
        can_retire=(not proposal.is_draft
                    and can(user, "proposals.retire", g.space, proposal)),
        can_send_update=(not proposal.is_draft
                         and can(user, "proposals.send_update", g.space, proposal)),
        can_manage_coauthors=can(user, "proposals.manage_coauthors", g.space, proposal),
        can_feature=(not proposal.is_draft
                     and can(user, "proposals.feature", g.space, proposal)),
        flagged=already_flagged(user, "proposal", proposal.id),
        share_url=url_for("proposals.show", proposal_id=proposal.id, _external=True),
        update_form=forms.get("update_form") or UpdateForm(formdata=None),
        coauthor_form=forms.get("coauthor_form") or CoauthorForm(formdata=None),
        endorse_form=forms.get("endorse_form") or EndorseForm(formdata=None),
    ), status


@bp.route("/<space:space>/proposals/<int:proposal_id>")
def show(proposal_id: int) -> Any:
    return render_proposal(_proposal_or_404(proposal_id))


@bp.route("/<space:space>/proposals/<int:proposal_id>/history")
def history(proposal_id: int) -> Any:
    proposal = _proposal_or_404(proposal_id)
    return render_template("history/index.html", item_title=proposal.title,
                           back_url=proposal_url(proposal), revisions=revisions_of(proposal))


def _back(proposal_id: int, anchor: str = "") -> Any:
    return redirect(url_for("proposals.show", proposal_id=proposal_id) + anchor, 303)


def _refused(proposal_id: int, error: DomainError, **forms: Any) -> Any:
    """A refused action: its reason on the proposal's page, with any form as typed."""
    if error.status == 404:
        abort(404)
    proposal = _proposal_or_404(proposal_id)
    if not forms:
        flash(error.message, "error")
    return render_proposal(proposal, status=error.status, **forms)


@bp.route("/<space:space>/proposals/<int:proposal_id>/publish", methods=["POST"])
@login_required
def publish(proposal_id: int) -> Any:
    proposal = _proposal_or_404(proposal_id)
    try:
        services.publish(current_user, proposal)
    except DomainError as error:
        return _refused(proposal_id, error)
    flash(_("Your proposal is published. Share it to gather supports."), "success")
    return _back(proposal_id)


@bp.route("/<space:space>/proposals/<int:proposal_id>/support", methods=["POST"])
@login_required
@rate_limited("RATELIMIT_VOTE", per_user=True)
def support(proposal_id: int) -> Any:
    # The service finds the proposal (404 for hidden ones and other people's drafts).
    try:
        services.support(current_user, g.space, proposal_id)
    except DomainError as error:
        return _refused(proposal_id, error)
    flash(_("Thank you: your support is counted. You now follow this proposal."), "success")
    return _back(proposal_id, "#supports")


@bp.route("/<space:space>/proposals/<int:proposal_id>/retire", methods=["GET", "POST"])
@login_required
def retire(proposal_id: int) -> Any:
    proposal = _proposal_or_404(proposal_id)
    if proposal.is_draft or not can(current_user, "proposals.retire", g.space, proposal):
        abort(403)
    form = RetireForm()
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return render_template("proposals/retire.html", proposal=proposal, form=form), status
    try:
        services.retire(current_user, proposal, form.reason.data, form.explanation.data)
    except DomainError as error:
        attach_error(form, error)
        return render_template("proposals/retire.html", proposal=proposal,
                               form=form), error.status
    flash(_("The proposal is retired. It stays readable and takes no more supports."),
          "success")
    return _back(proposal_id)


@bp.route("/<space:space>/proposals/<int:proposal_id>/updates", methods=["POST"])
@login_required
def send_update(proposal_id: int) -> Any:
    proposal = _proposal_or_404(proposal_id)
    form = UpdateForm()
    if not form.validate_on_submit():
        return render_proposal(proposal, status=400, update_form=form)
    try:
        services.send_update(current_user, proposal, form.title.data, form.body.data)
    except DomainError as error:
        attach_error(form, error)
        return _refused(proposal_id, error, update_form=form)
    flash(_("Your update is sent to the followers."), "success")
    return _back(proposal_id, "#updates")


@bp.route("/<space:space>/proposals/<int:proposal_id>/coauthors", methods=["POST"])
@login_required
def invite_coauthor(proposal_id: int) -> Any:
    proposal = _proposal_or_404(proposal_id)
    form = CoauthorForm()
    if not form.validate_on_submit():
        return render_proposal(proposal, status=400, coauthor_form=form)
    try:
        services.invite_coauthor(current_user, proposal, form.username.data.strip())
    except DomainError as error:
        attach_error(form, error)
        return _refused(proposal_id, error, coauthor_form=form)
    flash(_("Invitation sent. They become co-authors once they accept."), "success")
    return _back(proposal_id, "#authors")


@bp.route("/<space:space>/proposals/<int:proposal_id>/coauthors/answer", methods=["POST"])
@login_required
def answer_invitation(proposal_id: int) -> Any:
    proposal = _proposal_or_404(proposal_id)
    answer = request.form.get("answer")
    if answer not in ("accept", "decline"):
        abort(400)
    try:
        services.answer_invitation(current_user, proposal, answer == "accept")
    except DomainError as error:
        return _refused(proposal_id, error)
    if answer == "accept":
        flash(_("You are now a co-author of this proposal."), "success")
        return _back(proposal_id, "#authors")
    flash(_("You declined the invitation."), "success")
    # A declined draft is no longer theirs to see.
    return redirect(url_for("proposals.index") if proposal.is_draft
                    else url_for("proposals.show", proposal_id=proposal_id), 303)


@bp.route("/<space:space>/proposals/<int:proposal_id>/feature", methods=["POST"])
@login_required
def feature(proposal_id: int) -> Any:
    proposal = _proposal_or_404(proposal_id)
    try:
        services.set_featured(current_user, proposal, request.form.get("featured") == "1")
    except DomainError as error:
        return _refused(proposal_id, error)
    return _back(proposal_id)


@bp.route("/<space:space>/proposals/<int:proposal_id>/endorse", methods=["POST"])
@login_required
def endorse(proposal_id: int) -> Any:
    proposal = _proposal_or_404(proposal_id)
    form = EndorseForm()
    if not form.validate_on_submit():
        return render_proposal(proposal, status=400, endorse_form=form)
    try:
        services.endorse(current_user, proposal, (form.statement.data or "").strip(),
                         current_locale())
    except DomainError as error:
        attach_error(form, error)
        return _refused(proposal_id, error, endorse_form=form)
    flash(_("Your city's endorsement is published."), "success")
    return _back(proposal_id, "#endorsements")


@bp.route("/<space:space>/proposals/<int:proposal_id>/endorsements/<int:endorsement_id>"
          "/withdraw", methods=["POST"])
@login_required
def withdraw_endorsement(proposal_id: int, endorsement_id: int) -> Any:
    proposal = _proposal_or_404(proposal_id)
    if not any(e.id == endorsement_id for e in queries.endorsements_of(proposal)):
        abort(404)
    try:
        services.withdraw_endorsement(current_user, proposal, endorsement_id)
    except DomainError as error:
        return _refused(proposal_id, error)
    flash(_("The endorsement is withdrawn. The record stays in the audit trail."), "success")
    return _back(proposal_id, "#endorsements")


def proposal_activity(user: Any, limit: int) -> list[ActivityItem]:
    """The person's published, visible proposals, newest first, for the profile page."""
    return [ActivityItem("proposal", proposal.title, proposal_url(proposal), space.name,
                         proposal.published_at, space.timezone,
                         _("Made a joint action") if space.is_alliance else _("Made a proposal"))
            for proposal, space in queries.activity_of(user, limit)]
