"""The proposals module, declared once: citizen proposals in cities, joint actions in
alliances."""

from __future__ import annotations

from flask import Flask
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from decide.core import counts
from decide.core.modules import HomeSection, Module, NotificationKind, SearchProvider, Target
from decide.core.settings import SettingSpec
from decide.proposals import queries, services, views
from decide.proposals.models import (
    Endorsement,
    Proposal,
    ProposalCoauthor,
    ProposalSupport,
    ProposalUpdate,
)
from decide.proposals.permissions import ACTIONS


def describe_success(count: int, actor: str, title: str) -> str:
    return _("“%(title)s” reached its goal of supports", title=title)


def describe_update(count: int, actor: str, title: str) -> str:
    return ngettext("%(num)d update on “%(title)s”", "%(num)d updates on “%(title)s”", count,
                    title=title)


def describe_invitation(count: int, actor: str, title: str) -> str:
    return _("%(actor)s invites you to sign “%(title)s”", actor=actor, title=title)


def init_app(app: Flask) -> None:
    # The space home page's total, kept with every write instead of counted per request.
    counts.keep(Proposal, queries.COUNT_NAME, ("published_at", "hidden_at"), queries.is_counted)


module = Module(
    name="proposals",
    label=_l("Proposals"),
    space_module=True,
    intro=_l("Ideas from residents that become real when they gather enough support."),
    empty=_l("No proposals in %(space)s yet."),
    blueprint=views.bp,
    index_endpoint="proposals.index",
    models=(Proposal, ProposalSupport, ProposalCoauthor, ProposalUpdate, Endorsement),
    targets=(Target(
        name="proposal", model=Proposal, url=views.proposal_url, page=views.render_proposal,
        on_comment=services.count_comment, comment_notification="comment_on_proposal",
        translatable={"title": "text", "summary": "text", "description": "markdown"},
    ),),
    settings=(
        SettingSpec("support_threshold", int, 10_000, minimum=1,
                    description=_l("Supports a proposal needs to succeed (absolute number).")),
        SettingSpec("support_threshold_census_percent", float, 0.0, minimum=0, maximum=100,
                    description=_l("When above 0, the threshold is this percentage of the "
                                   "census instead.")),
        SettingSpec("months_to_archive", int, 12, minimum=1, maximum=120,
                    description=_l("Months after which an unsuccessful proposal is "
                                   "archived.")),
        SettingSpec("proposal_edit_support_limit", int, 1_000, minimum=0,
                    description=_l("Authors may edit a proposal until it has more supports "
                                   "than this.")),
        SettingSpec("proposal_update_interval_days", int, 3, minimum=0, maximum=365,
                    description=_l("Days between two updates the authors send to the "
                                   "followers.")),
        SettingSpec("joint_action_total_threshold", int, 0, minimum=0,
                    description=_l("Alliances: supports a joint action needs in total (0: no "
                                   "total rule).")),
        SettingSpec("joint_action_min_cities", int, 0, minimum=0,
                    description=_l("Alliances: member cities that must each reach their own "
                                   "threshold (0: no per-city rule).")),
    ),
    actions=ACTIONS,
    home_section=HomeSection(
        template="proposals/_home.html",
        context=lambda space: {"proposals": queries.top_proposals(space),
                               "total": queries.proposal_count(space)}),
    search=SearchProvider(find=queries.search, template="proposals/_search_results.html"),
    personal_data=services.personal_data,
    activity=views.proposal_activity,
    notification_kinds=(
        NotificationKind("comment_on_proposal", _l("Someone comments on a proposal I made"),
                         describe=lambda n, actor, title: ngettext(
                             "%(num)d new comment on your proposal “%(title)s”",
                             "%(num)d new comments on your proposal “%(title)s”", n,
                             title=title)),
        NotificationKind("proposal_succeeded",
                         _l("A proposal I made or follow reaches its goal"),
                         describe=describe_success),
        NotificationKind("proposal_update", _l("The authors of a proposal I follow send news"),
                         describe=describe_update),
        NotificationKind("proposal_coauthor_invitation",
                         _l("Someone invites me to sign a proposal"),
                         describe=describe_invitation),
    ),
    init_app=init_app,
    visitor_pages=("proposals.index", "proposals.show", "proposals.history",
                   "proposals.successful"),
)
