"""The plans module, declared once: an alliance's action plan (adopted joint actions, committed
cities, milestones) and its declarations with the member cities adhering to them."""

from __future__ import annotations

from flask import Flask
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from decide.core.modules import AdminEntry, HomeSection, Module, NotificationKind, Target
from decide.plans import queries, services, views
from decide.plans.models import Adhesion, Declaration, Milestone, PlanCommitment, PlanItem
from decide.plans.permissions import ACTIONS


def init_app(app: Flask) -> None:
    from decide.proposals.signals import proposal_succeeded

    proposal_succeeded.connect(services.on_joint_action_succeeded)


def describe_adoptable(count: int, actor: str, title: str) -> str:
    return _("“%(title)s” reached its goal: it can be adopted into the action plan",
             title=title)


module = Module(
    name="plans",
    label=_l("Action plan"),
    # Enabled by alliances (`modules = [..., "plans"]`); its pages answer 404 in a city.
    space_module=True,
    intro=_l("The joint actions the alliance adopted, the cities carrying them out and how far "
             "they have come; and the declarations member cities adhere to."),
    empty=_l("%(space)s has not adopted any joint action yet."),
    blueprint=views.bp,
    index_endpoint="plans.index",
    models=(PlanItem, PlanCommitment, Milestone, Declaration, Adhesion),
    targets=(Target(name="declaration", model=Declaration, url=views.declaration_url,
                    translatable={"title": "text", "body": "markdown"}),),
    actions=ACTIONS,
    home_section=HomeSection(template="plans/_home.html", context=queries.home_context),
    personal_data=services.personal_data,
    erase_personal_data=services.erase_personal_data,
    admin_menu=(AdminEntry(_l("Publish a declaration"), "plans.new_declaration",
                           action="plans.manage"),),
    notification_kinds=(NotificationKind(
        "joint_action_adoptable", _l("A joint action of my alliance can join the action plan"),
        describe=describe_adoptable),),
    init_app=init_app,
    visitor_pages=("plans.index", "plans.item", "plans.declarations", "plans.declaration"),
)
