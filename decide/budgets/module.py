"""The budgets module, declared once: participatory budgets of cities and joint budgets of
alliances (phases, projects, valuation, supports, ballots, results, execution tracking)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from decide.budgets import (
    admin_services,
    admin_views,  # noqa: F401 - routes
    ballot_views,  # noqa: F401 - routes
    ballots,
    queries,
    services,
    views,
)
from decide.budgets.blueprint import bp
from decide.budgets.models import (
    Ballot,
    BallotLine,
    Budget,
    BudgetGroup,
    BudgetHeading,
    BudgetPhase,
    HeadingContribution,
    MilestoneStatus,
    Project,
    ProjectFile,
    ProjectMilestone,
    ProjectSupport,
    ProjectValuator,
    ValuationNote,
)
from decide.budgets.permissions import ACTIONS
from decide.core.modules import (
    AdminEntry,
    HomeSection,
    Module,
    NotificationKind,
    SearchProvider,
    Target,
)

module = Module(
    name="budgets",
    label=_l("Budgets"),
    space_module=True,
    intro=_l("Residents decide how to spend part of the budget: they propose projects, "
             "support them and vote."),
    empty=_l("No participatory budget in %(space)s yet."),
    blueprint=bp,
    index_endpoint="budgets.index",
    models=(Budget, BudgetPhase, BudgetGroup, BudgetHeading, HeadingContribution, Project,
            ProjectFile, ProjectValuator, ValuationNote, ProjectSupport, Ballot, BallotLine,
            MilestoneStatus, ProjectMilestone),
    targets=(Target(
        name="budget_project", model=Project, url=views.project_url, page=views.render_project,
        on_comment=services.count_comment, comment_notification="comment_on_budget_project",
        translatable={"title": "text", "description": "markdown"},
        label=_l("Budget projects"),
    ),),
    actions=ACTIONS,
    home_section=HomeSection(template="budgets/_home.html", context=views.home_context),
    search=SearchProvider(find=queries.search, template="budgets/_search_results.html"),
    personal_data=services.personal_data,
    erase_personal_data=ballots.erase_personal_data,
    activity=views.project_activity,
    notification_kinds=(
        NotificationKind("comment_on_budget_project",
                         _l("Someone comments on a budget project I submitted"),
                         describe=lambda n, actor, title: ngettext(
                             "%(num)d new comment on your project “%(title)s”",
                             "%(num)d new comments on your project “%(title)s”", n,
                             title=title)),
        *admin_services.NOTIFICATION_KINDS,
    ),
    admin_menu=(AdminEntry(_l("Budgets"), "budgets.admin_index", action="budgets.manage"),
                AdminEntry(_l("Valuation"), "budgets.valuation_index",
                           action="budgets.see_valuation_notes")),
    visitor_pages=("budgets.index", "budgets.show", "budgets.heading", "budgets.project",
                   "budgets.results", "budgets.execution"),
)
