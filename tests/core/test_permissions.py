"""Roles per space and eligibility from a verified residence."""

from __future__ import annotations

from sqlalchemy import select

from decide.accounts.models import User
from decide.cities.queries import space_by_slug
from decide.core.permissions import can, eligible_spaces, is_eligible
from decide.extensions import db


def user(username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


def test_residence_makes_eligible_in_city_and_its_alliances(app, make_user) -> None:
    make_user("ana", city="aurora", verified=True)
    make_user("bo", city="cenit", verified=True)
    make_user("cy", city="aurora", verified=False)
    make_user("org", kind="organisation")
    with app.test_request_context():
        aurora, borealis = space_by_slug("city", "aurora"), space_by_slug("city", "borealis")
        pact = space_by_slug("alliance", "pact")
        ana, bo, cy, org = user("ana"), user("bo"), user("cy"), user("org")
        assert eligible_spaces(ana) == {aurora.id, pact.id}
        assert is_eligible(ana, aurora) and is_eligible(ana, pact)
        assert not is_eligible(ana, borealis)
        assert not is_eligible(bo, pact)  # Cenit is not a member of the pact
        assert not is_eligible(cy, aurora)
        assert not is_eligible(org, aurora) and not can(org, "vote", aurora)
        assert can(cy, "comment", aurora) and can(org, "propose", aurora)


def test_roles_are_per_space(app, make_user) -> None:
    make_user("mod", roles=[("city", "aurora", "moderator")])
    make_user("sec", roles=[("alliance", "pact", "secretariat")])
    make_user("root", deployment_admin=True)
    with app.test_request_context():
        aurora, borealis = space_by_slug("city", "aurora"), space_by_slug("city", "borealis")
        pact = space_by_slug("alliance", "pact")
        mod, sec, root = user("mod"), user("sec"), user("root")
        assert can(mod, "moderate", aurora) and not can(mod, "moderate", borealis)
        assert not can(mod, "space.admin", aurora)
        assert can(sec, "alliance.coordinate", pact) and not can(sec, "moderate", pact)
        assert can(root, "space.admin", borealis) and can(root, "deployment.admin")
        assert not can(mod, "deployment.admin")
        assert not can(None, "moderate", aurora)


def test_role_rules(app, make_user) -> None:
    import pytest

    from decide.accounts import services
    from decide.core.errors import DomainError

    make_user("ana")
    with app.test_request_context():
        ana = user("ana")
        with pytest.raises(DomainError):
            services.grant_role(ana, space_by_slug("city", "aurora"), "secretariat")
        with pytest.raises(DomainError):
            services.grant_role(ana, space_by_slug("city", "aurora"), "official", "Mayor", 9)
        with pytest.raises(DomainError):
            services.grant_role(ana, space_by_slug("city", "aurora"), "emperor")
        assignment = services.grant_role(ana, space_by_slug("city", "aurora"), "official",
                                         "Mayor", 5)
        again = services.grant_role(ana, space_by_slug("city", "aurora"), "official",
                                    "Deputy mayor", 4)
        assert assignment.id == again.id and again.official_level == 4
