"""Helpers for the plans tests: an alliance with the module, people with roles, and a joint
action that reached its goal through the proposals services."""

from __future__ import annotations

from typing import Any

from decide.accounts.services import find_by_username
from decide.cities.queries import space_by_slug
from decide.extensions import db

EN = {"Accept-Language": "en"}
PLAN = "/alliances/pact/plan"


def pact() -> Any:
    return space_by_slug("alliance", "pact")


def enable_plans(app: Any) -> None:
    """The fixture alliance enables proposals and plans; one support makes a joint action
    successful."""
    with app.app_context():
        alliance = pact()
        alliance.modules = ["debates", "proposals", "plans"]
        alliance.settings = {**(alliance.settings or {}), "joint_action_total_threshold": 1}
        db.session.commit()


def people(make_user: Any) -> dict[str, int]:
    """sec: the alliance's secretariat (reads English); mayor: administrator of Aurora (a
    member); outsider: administrator of Cenit (not a member); ana: a verified resident of
    Aurora."""
    return {
        "sec": make_user("sec", locale="en", roles=[("alliance", "pact", "secretariat")]),
        "mayor": make_user("mayor", roles=[("city", "aurora", "administrator")]),
        "outsider": make_user("outsider", city="cenit",
                              roles=[("city", "cenit", "administrator")]),
        "ana": make_user("ana", verified=True),
    }


def joint_action(app: Any, title: str = "Shared cycle lanes", succeed: bool = True) -> int:
    """A published joint action of the pact by Ana; `succeed` gives it the one support it
    needs (Ana's people() must exist)."""
    from decide.proposals import services

    with app.test_request_context():
        ana = find_by_username("ana")
        proposal = services.create_draft(
            ana, pact(), title=title, summary="Lanes that cross city borders.",
            description="Connect the lanes of every member city.", locale="en")
        services.publish(ana, proposal)
        if succeed:
            services.support(ana, pact(), proposal.id)
        return proposal.id


def user(name: str) -> Any:
    return find_by_username(name)
