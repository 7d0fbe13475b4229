"""Space isolation: every route that takes an object id answers 404 for another space's object.

The test walks the whole URL map. A route with a parameter it does not know fails the test, so
each new module must teach it how to make an object of its kind in a given space.
"""

from __future__ import annotations

from collections.abc import Callable

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


OBJECT_FACTORIES["assignment_id"] = _role_assignment
OBJECT_FACTORIES["translation_id"] = _translation
OBJECT_FACTORIES["debate_id"] = _debate
OBJECT_FACTORIES["comment_id"] = _comment
# With target_type "debate" (see FIXED_VALUES).
OBJECT_FACTORIES["target_id"] = _debate

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
