"""The debates module, declared once: everything it adds to Decide."""

from __future__ import annotations

from flask import Flask
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from decide.core import counts
from decide.core.modules import HomeSection, Module, NotificationKind, SearchProvider, Target
from decide.core.settings import SettingSpec
from decide.debates import queries, services, views
from decide.debates.models import Debate, DebateVote
from decide.debates.permissions import ACTIONS


def describe_comment_on_debate(count: int, actor: str, title: str) -> str:
    """The notification centre's line (and e-mail subject) for comments on your debate."""
    if count == 1:
        return _("%(actor)s commented on your debate “%(title)s”", actor=actor, title=title)
    return ngettext("%(num)d new comment on your debate “%(title)s”",
                    "%(num)d new comments on your debate “%(title)s”", count, title=title)


def init_app(app: Flask) -> None:
    # The space home page's total, kept with every write instead of counted per request.
    counts.keep(Debate, queries.COUNT_NAME, ("hidden_at",), queries.is_counted)


module = Module(
    name="debates",
    label=_l("Debates"),
    space_module=True,
    intro=_l("Open conversations about the questions that matter here."),
    empty=_l("No debates in %(space)s yet."),
    blueprint=views.bp,
    index_endpoint="debates.index",
    models=(Debate, DebateVote),
    targets=(Target(
        name="debate", model=Debate, url=views.debate_url, page=views.render_debate,
        on_comment=services.count_comment, comment_notification="comment_on_debate",
        translatable={"title": "text", "description": "markdown"},
    ),),
    settings=(
        SettingSpec("debate_edit_vote_limit", int, 1_000, minimum=0,
                    description=_l("An author may edit a debate until it has more votes than "
                                   "this.")),
        SettingSpec("unverified_vote_cap_percent", int, 50, minimum=0, maximum=100,
                    description=_l("Largest share of a debate's votes unverified accounts may "
                                   "cast.")),
    ),
    actions=ACTIONS,
    home_section=HomeSection(
        template="debates/_home.html",
        context=lambda space: {"debates": queries.top_debates(space),
                               "total": queries.debate_count(space)}),
    search=SearchProvider(find=queries.search, template="debates/_search_results.html"),
    personal_data=services.personal_data,
    activity=views.debate_activity,
    notification_kinds=(NotificationKind("comment_on_debate",
                                         _l("Someone comments on a debate I started"),
                                         describe=describe_comment_on_debate),),
    init_app=init_app,
    visitor_pages=("debates.index", "debates.show", "debates.history"),
)
