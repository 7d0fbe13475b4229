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


OBJECT_FACTORIES["assignment_id"] = _role_assignment
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

# Objects only alliances have: their routes are walked from alliance homes.
ALLIANCE_ONLY = {"endorsement_id", "item_id", "milestone_id", "city_id", "declaration_id"}

# Parameters that are not objects of a space, and the values the walk gives them.
FIXED_VALUES = {"target_type": "debate"}
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
