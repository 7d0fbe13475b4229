"""Space isolation: every route that takes an object id answers 404 for another space's object.

The test walks the whole URL map. A route with a parameter it does not know fails the test, so
each new module must teach it how to make an object of its kind in a given space.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from decide.cities.models import Space
from decide.cities.queries import space_by_slug

# parameter name -> function(space, make_user) returning an id of an object owned by `space`
OBJECT_FACTORIES: dict[str, Callable[[Space, Callable], int]] = {}


def _role_assignment(space: Space, make_user: Callable) -> int:
    from decide.accounts import services
    from decide.accounts.services import find_by_username

    username = f"holder-{space.slug}"
    if find_by_username(username) is None:
        make_user(username)
    return services.grant_role(find_by_username(username), space, "moderator").id


def _author(space: Space, make_user: Callable) -> object:
    from decide.accounts.services import find_by_username

    username = f"author-{space.slug}"
    if find_by_username(username) is None:
        make_user(username)
    return find_by_username(username)


def _debate(space: Space, make_user: Callable) -> int:
    from decide.debates.services import start_debate

    return start_debate(_author(space, make_user), space, title=f"Debate in {space.slug}",
                        description="Text").id


def _comment(space: Space, make_user: Callable) -> int:
    from decide.comments.services import post_comment

    return post_comment(_author(space, make_user), space, "debate",
                        _debate(space, make_user), "A comment").id


def _translation(space: Space, make_user: Callable) -> int:
    """A suggested translation of a debate, by someone other than its author."""
    from decide.accounts.services import find_by_username
    from decide.translations.services import suggest

    username = f"translator-{space.slug}"
    if find_by_username(username) is None:
        make_user(username)
    locale = next(loc for loc in space.locales if loc != "es")
    return suggest(find_by_username(username), space, "debate", _debate(space, make_user),
                   locale, {"title": "A translated title", "description": "Text"}).id


def _proposal(space: Space, make_user: Callable) -> int:
    from decide.accounts.services import find_by_username
    from decide.extensions import db
    from decide.proposals.models import Proposal
    from decide.proposals.services import create_draft, publish

    title = f"Proposal in {space.slug}"
    existing = db.session.scalar(db.select(Proposal.id).where(Proposal.space_id == space.id,
                                                              Proposal.title == title))
    if existing is not None:  # one per space, so that nested objects belong to it
        return existing
    author = _author(space, make_user)
    if space.is_alliance and author.residence is None:
        from decide.accounts.services import set_residence

        set_residence(author, space.memberships[0].city)
        author = find_by_username(author.username)
    proposal = create_draft(author, space, title=title,
                            summary="A summary.", description="Text")
    return publish(author, proposal).id


def _endorsement(space: Space, make_user: Callable) -> int:
    """An endorsement of the space's joint action (see ALLIANCE_ONLY)."""
    from decide.accounts import services
    from decide.accounts.services import find_by_username
    from decide.extensions import db
    from decide.proposals.models import Proposal
    from decide.proposals.services import endorse

    username = f"official-{space.slug}"
    if find_by_username(username) is None:
        make_user(username)
        services.grant_role(find_by_username(username), space.memberships[0].city, "official",
                            "Mayor", 3)
    proposal = db.session.get(Proposal, _proposal(space, make_user))
    return endorse(find_by_username(username), proposal, "", "es").id


def _secretariat(space: Space, make_user: Callable) -> object:
    from decide.accounts import services
    from decide.accounts.services import find_by_username

    username = f"sec-{space.slug}"
    if find_by_username(username) is None:
        make_user(username)
        services.grant_role(find_by_username(username), space, "secretariat")
    return find_by_username(username)


def _plan_item(space: Space, make_user: Callable) -> int:
    """The space's joint action, made successful and adopted into its action plan."""
    from decide.extensions import db
    from decide.plans.models import PlanItem
    from decide.plans.services import adopt
    from decide.proposals.models import Proposal
    from decide.proposals.services import support

    proposal_id = _proposal(space, make_user)
    item = db.session.scalar(db.select(PlanItem.id).where(PlanItem.proposal_id == proposal_id))
    if item is not None:
        return item
    space.settings = {**space.settings, "joint_action_total_threshold": 1}
    db.session.commit()
    proposal = db.session.get(Proposal, proposal_id)
    if proposal.successful_at is None:
        support(proposal.author, space, proposal_id)
    return adopt(_secretariat(space, make_user), space, proposal_id).id


def _milestone(space: Space, make_user: Callable) -> int:
    from decide.extensions import db
    from decide.plans.models import PlanItem
    from decide.plans.services import add_milestone

    item = db.session.get(PlanItem, _plan_item(space, make_user))
    return add_milestone(_secretariat(space, make_user), item, title="First step",
                         due_on=date(2027, 6, 30), progress=10).id


def _committed_city(space: Space, make_user: Callable) -> int:
    from decide.extensions import db
    from decide.plans.models import PlanItem
    from decide.plans.services import add_commitment

    item = db.session.get(PlanItem, _plan_item(space, make_user))
    city_id = space.memberships[0].city_id
    if city_id not in {c.city_id for c in item.commitments}:
        add_commitment(_secretariat(space, make_user), item, city_id)
    return city_id


def _declaration(space: Space, make_user: Callable) -> int:
    from decide.plans.services import publish_declaration

    return publish_declaration(_secretariat(space, make_user), space, title="Our declaration",
                               body="We commit.", locale=space.default_locale,
                               signed_on=date(2026, 11, 30), place="Montevideo").id


def _geozone(space: Space, make_user: Callable) -> int:
    from sqlalchemy import func, select

    from decide.cities.models import Geozone
    from decide.extensions import db

    number = db.session.scalar(select(func.count(Geozone.id)))
    zone = Geozone(space_id=space.id, slug=f"zone-{number}", name="Zone", position=number)
    db.session.add(zone)
    db.session.commit()
    return zone.id


def _logo(space: Space, make_user: Callable) -> int:
    from decide.admin.services import upload_logo

    png = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
                        "0000000d49444154789c6360000002000100e527de54"
                        "0000000049454e44ae426082")
    return upload_logo(space, _author(space, make_user), png).id


def _budget(space: Space, make_user: Callable) -> object:
    """The space's budget: published and finished, so that every budget route has its objects
    (a winning project with a milestone)."""
    from decide.budgets.models import PHASES, Budget, BudgetGroup, BudgetHeading, BudgetPhase
    from decide.core.db import utcnow
    from decide.extensions import db

    found = db.session.scalar(db.select(Budget).where(Budget.space_id == space.id)
                              .order_by(Budget.id))
    if found is None:
        found = Budget(space_id=space.id, names={"es": f"Presupuesto {space.slug}"},
                       currency=space.currency, phase="finished", published_at=utcnow(),
                       results_published_at=utcnow())
        found.phases = [BudgetPhase(kind=k, position=i) for i, k in enumerate(PHASES)]
        group = BudgetGroup(names={"es": "Distritos"})
        found.groups = [group]
        db.session.add(found)
        db.session.flush()
        group.headings.append(BudgetHeading(budget_id=found.id, names={"es": "Centro"},
                                            amount=1000))
        db.session.commit()
        # A project at once: the walk also posts to delete routes, which must refuse (409)
        # to delete a group or heading that holds projects.
        _budget_project(space, make_user)
    return found


def _budget_project(space: Space, make_user: Callable) -> int:
    from decide.budgets.models import Project
    from decide.core.text import render_markdown
    from decide.extensions import db

    budget = _budget(space, make_user)
    found = db.session.scalar(db.select(Project.id).where(Project.budget_id == budget.id)
                              .order_by(Project.id))
    if found is not None:
        return found
    heading = budget.groups[0].headings[0]
    project = Project(space_id=space.id, budget_id=budget.id, heading_id=heading.id,
                      group_id=heading.group_id, author_id=_author(space, make_user).id,
                      title=f"Project in {space.slug}", description="Text",
                      description_html=str(render_markdown("Text")), locale="es", price=500,
                      feasibility="feasible", selected=True, winner=True)
    db.session.add(project)
    db.session.commit()
    return project.id


def _project_file(space: Space, make_user: Callable) -> int:
    from decide.budgets.models import ProjectFile
    from decide.extensions import db

    project_id = _budget_project(space, make_user)
    found = db.session.scalar(db.select(ProjectFile.id).where(
        ProjectFile.project_id == project_id))
    if found is None:
        row = ProjectFile(project_id=project_id, kind="document", title="a.pdf",
                          content_type="application/pdf", size=5, data=b"%PDF-")
        db.session.add(row)
        db.session.commit()
        found = row.id
    return found


def _milestone_status(space: Space, make_user: Callable) -> int:
    from decide.budgets.execution import ensure_default_statuses

    return ensure_default_statuses(space)[0].id


def _project_milestone(space: Space, make_user: Callable) -> int:
    from decide.budgets.models import ProjectMilestone
    from decide.extensions import db

    project_id = _budget_project(space, make_user)
    found = db.session.scalar(db.select(ProjectMilestone.id).where(
        ProjectMilestone.project_id == project_id))
    if found is None:
        row = ProjectMilestone(project_id=project_id, on_date=date(2027, 1, 31),
                               descriptions={"es": "Obras"}, progress=10)
        db.session.add(row)
        db.session.commit()
        found = row.id
    return found


def _invitation(space: Space, make_user: Callable) -> int:
    """A pending invitation the alliance `space` sent to a city (see ALLIANCE_ONLY)."""
    from decide.cities.models import AllianceInvitation, City
    from decide.extensions import db

    found = db.session.scalar(db.select(AllianceInvitation.id).where(
        AllianceInvitation.space_id == space.id, AllianceInvitation.status == "pending"))
    if found is None:
        city = db.session.scalar(db.select(City).order_by(City.id))
        row = AllianceInvitation(space_id=space.id, city_id=city.id, status="pending")
        db.session.add(row)
        db.session.commit()
        found = row.id
    return found


def _received_invitation(space: Space, make_user: Callable) -> int:
    """A pending invitation the city `space` received from an alliance (see CITY_ONLY)."""
    from decide.cities.models import Alliance, AllianceInvitation
    from decide.extensions import db

    found = db.session.scalar(db.select(AllianceInvitation.id).where(
        AllianceInvitation.city_id == space.id, AllianceInvitation.status == "pending"))
    if found is None:
        alliance = db.session.scalar(db.select(Alliance).order_by(Alliance.id))
        row = AllianceInvitation(space_id=alliance.id, city_id=space.id, status="pending")
        db.session.add(row)
        db.session.commit()
        found = row.id
    return found


def _organisation(space: Space, make_user: Callable) -> int:
    """An organisation account whose home city is `space` (see CITY_ONLY)."""
    from decide.accounts.services import find_by_username

    username = f"org-{space.slug}"
    if find_by_username(username) is None:
        make_user(username, city=space.slug, kind="organisation")
    return find_by_username(username).id


OBJECT_FACTORIES["assignment_id"] = _role_assignment
OBJECT_FACTORIES["budget_id"] = lambda space, make_user: _budget(space, make_user).id
OBJECT_FACTORIES["group_id"] = lambda space, make_user: _budget(space, make_user).groups[0].id
OBJECT_FACTORIES["heading_id"] = (
    lambda space, make_user: _budget(space, make_user).groups[0].headings[0].id)
OBJECT_FACTORIES["project_id"] = _budget_project
OBJECT_FACTORIES["file_id"] = _project_file
OBJECT_FACTORIES["status_id"] = _milestone_status
OBJECT_FACTORIES["project_milestone_id"] = _project_milestone
OBJECT_FACTORIES["geozone_id"] = _geozone
OBJECT_FACTORIES["logo_id"] = _logo
OBJECT_FACTORIES["item_id"] = _plan_item
OBJECT_FACTORIES["milestone_id"] = _milestone
OBJECT_FACTORIES["city_id"] = _committed_city
OBJECT_FACTORIES["declaration_id"] = _declaration
OBJECT_FACTORIES["proposal_id"] = _proposal
OBJECT_FACTORIES["endorsement_id"] = _endorsement
OBJECT_FACTORIES["translation_id"] = _translation
OBJECT_FACTORIES["debate_id"] = _debate
OBJECT_FACTORIES["comment_id"] = _comment
# With target_type "debate" (see FIXED_VALUES).
OBJECT_FACTORIES["target_id"] = _debate
OBJECT_FACTORIES["invitation_id"] = _invitation
OBJECT_FACTORIES["received_invitation_id"] = _received_invitation
OBJECT_FACTORIES["organisation_id"] = _organisation

# Objects only alliances have: their routes are walked from alliance homes.
ALLIANCE_ONLY = {"endorsement_id", "item_id", "milestone_id", "city_id", "declaration_id",
                 "invitation_id"}
# Objects only cities have (alliances have no geozones).
CITY_ONLY = {"geozone_id", "received_invitation_id", "organisation_id"}

# Parameters that are not objects of a space, and the values the walk gives them.
FIXED_VALUES = {"target_type": "debate", "kind": "accepting", "key": "accounts", "slug": "terms"}
NOT_OBJECTS = {"space", "filename", "token", "username", "locale", *FIXED_VALUES}


def space_routes(app) -> list:
    return [rule for rule in app.url_map.iter_rules()
            if "space" in rule.arguments and rule.arguments - NOT_OBJECTS]


def test_every_object_route_is_known(app) -> None:
    for rule in space_routes(app):
        unknown = rule.arguments - NOT_OBJECTS - OBJECT_FACTORIES.keys()
        assert not unknown, f"{rule.rule}: teach tests/test_isolation.py about {unknown}"


@pytest.mark.parametrize(("home", "other"), [("city:aurora", "city:borealis"),
                                             ("city:aurora", "alliance:pact"),
                                             ("alliance:pact", "city:aurora")])
def test_foreign_objects_are_404(app, logged_in, make_user, home, other) -> None:
    client = logged_in("root", deployment_admin=True)
    with app.test_request_context():
        home_space = space_by_slug(*home.split(":"))
        other_space = space_by_slug(*other.split(":"))
        routes = space_routes(app)
        assert routes, "no object routes found"
        for rule in routes:
            if rule.arguments & ALLIANCE_ONLY and not home_space.is_alliance:
                continue
            if rule.arguments & CITY_ONLY and not home_space.is_city:
                continue
            values = {name: OBJECT_FACTORIES[name](home_space, make_user)
                      for name in rule.arguments - NOT_OBJECTS}
            values.update({k: v for k, v in FIXED_VALUES.items() if k in rule.arguments})
            from flask import url_for

            own = url_for(rule.endpoint, space=home_space, **values)
            foreign = url_for(rule.endpoint, space=other_space, **values)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                response = client.open(foreign, method=method)
                assert response.status_code == 404, f"{method} {foreign}"
                response = client.open(own, method=method)
                assert response.status_code != 404, f"{method} {own}"
