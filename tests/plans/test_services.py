"""Services of the action plan and declarations: rules, refusals, audit rows."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from decide.audit.models import AuditEvent
from decide.cities.queries import city_by_slug
from decide.core.errors import DomainError
from decide.core.permissions import can
from decide.extensions import db
from decide.plans import queries, services
from decide.plans.models import Adhesion, PlanItem
from tests.plans.helpers import enable_plans, joint_action, pact, people, user


@pytest.fixture
def setup(app, make_user):
    enable_plans(app)
    people(make_user)
    return app


def audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def adopt(app, proposal_id: int) -> int:
    with app.test_request_context():
        return services.adopt(user("sec"), pact(), proposal_id).id


def test_adopt_successful_joint_action_once(setup) -> None:
    app = setup
    proposal_id = joint_action(app)
    item_id = adopt(app, proposal_id)
    with app.test_request_context():
        item = db.session.get(PlanItem, item_id)
        assert (item.status, item.proposal_id, item.adopted_by_id) == (
            "adopted", proposal_id, user("sec").id)
        event = db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "plans.adopt")).one()
        assert (event.target_type, event.target_id, event.data["item_id"]) == (
            "proposal", proposal_id, item_id)
        with pytest.raises(DomainError) as twice:
            services.adopt(user("sec"), pact(), proposal_id)
        assert twice.value.status == 409
        assert db.session.scalar(select(func.count()).select_from(PlanItem)) == 1


def test_adopt_refuses_unsuccessful_unknown_and_people_without_role(setup) -> None:
    app = setup
    open_id = joint_action(app, "Not yet there", succeed=False)
    done_id = joint_action(app, "Already there")
    with app.test_request_context():
        with pytest.raises(DomainError) as not_yet:
            services.adopt(user("sec"), pact(), open_id)
        assert (not_yet.value.status, not_yet.value.field) == (409, "proposal_id")
        with pytest.raises(DomainError) as unknown:
            services.adopt(user("sec"), pact(), 987654)
        assert unknown.value.status == 404
        for name in ("ana", "mayor", "outsider"):
            with pytest.raises(DomainError) as refused:
                services.adopt(user(name), pact(), done_id)
            assert refused.value.status == 403
        # A joint action of the alliance is not adoptable from a city's space.
        with pytest.raises(DomainError):
            services.adopt(user("sec"), city_by_slug("aurora"), done_id)
        assert db.session.scalar(select(func.count()).select_from(PlanItem)) == 0
        assert "plans.adopt" not in audit_actions()


def test_status_commitments_and_milestones(setup) -> None:
    app = setup
    item_id = adopt(app, joint_action(app))
    with app.test_request_context():
        sec, item = user("sec"), services.item_in(pact(), item_id)
        aurora, borealis, cenit = (city_by_slug(s) for s in ("aurora", "borealis", "cenit"))
        services.set_status(sec, item, "in_progress")
        with pytest.raises(DomainError) as bad_status:
            services.set_status(sec, item, "finished")
        assert bad_status.value.field == "status"

        services.add_commitment(sec, item, aurora.id)
        services.add_commitment(sec, item, borealis.id)
        with pytest.raises(DomainError) as outsider:
            services.add_commitment(sec, item, cenit.id)
        assert outsider.value.field == "city_id"
        with pytest.raises(DomainError) as twice:
            services.add_commitment(sec, item, aurora.id)
        assert twice.value.status == 409
        services.remove_commitment(sec, item, borealis.id)
        assert [c.city_id for c in item.commitments] == [aurora.id]
        assert [i.id for i in queries.commitments_of_city(aurora)] == [item_id]
        assert queries.commitments_of_city(borealis) == []

        first = services.add_milestone(sec, item, title="Design", due_on=date(2027, 3, 31),
                                       progress=100)
        services.add_milestone(sec, item, title="Build", due_on=date(2027, 9, 30), progress=20)
        assert first.done_at is not None
        assert item.progress == 60
        services.edit_milestone(sec, item, first.id, title="Design", due_on=date(2027, 4, 30),
                                progress=50)
        assert first.done_at is None and item.progress == 35
        for progress in (-1, 101, "50", None, True):
            with pytest.raises(DomainError) as bad:
                services.add_milestone(sec, item, title="X", due_on=date(2027, 1, 1),
                                       progress=progress)
            assert bad.value.field == "progress"
        for due_on in ("2027-01-01", None, date(1900, 1, 1)):
            with pytest.raises(DomainError) as bad:
                services.add_milestone(sec, item, title="X", due_on=due_on, progress=0)
            assert bad.value.field == "due_on"
        services.set_status(sec, item, "done")
        assert item.progress == 100
        with pytest.raises(DomainError) as no_role:
            services.add_milestone(user("mayor"), item, title="X", due_on=date(2027, 1, 1))
        assert no_role.value.status == 403
        plan_events = [a for a in audit_actions() if a.startswith("plans.")]
        assert plan_events == [
            "plans.adopt", "plans.status", "plans.commit", "plans.commit", "plans.uncommit",
            "plans.milestone_add", "plans.milestone_add", "plans.milestone_edit",
            "plans.status"]


def publish(app, **overrides) -> int:
    values = {"title": "Declaration of Aurora", "body": "We **commit** to act.",
              "locale": "en", "signed_on": date(2026, 11, 1), "place": "Aurora"}
    values.update(overrides)
    with app.test_request_context():
        return services.publish_declaration(user("sec"), pact(), **values).id


def test_declaration_and_adhesions(setup) -> None:
    app = setup
    declaration_id = publish(app)
    with app.test_request_context():
        declaration = services.declaration_in(pact(), declaration_id)
        assert "<strong>commit</strong>" in declaration.body_html
        assert declaration.target_name == "declaration"
        aurora, cenit = city_by_slug("aurora"), city_by_slug("cenit")
        assert can(user("mayor"), "plans.adhere", pact(), declaration)
        assert not can(user("outsider"), "plans.adhere", pact(), declaration)
        assert not can(user("sec"), "plans.adhere", pact(), declaration)

        services.adhere(user("mayor"), declaration, aurora.id)
        with pytest.raises(DomainError) as twice:
            services.adhere(user("mayor"), declaration, aurora.id)
        assert twice.value.status == 409
        with pytest.raises(DomainError) as other_city:
            services.adhere(user("mayor"), declaration, city_by_slug("borealis").id)
        assert other_city.value.status == 403
        with pytest.raises(DomainError) as outsider:
            services.adhere(user("outsider"), declaration, cenit.id)
        assert outsider.value.status == 403
        assert queries.adhering_city_total() == 1
        assert queries.declarations_of(pact()) == [(declaration, 1)]

        services.withdraw_adhesion(user("mayor"), declaration, aurora.id)
        assert db.session.scalar(select(func.count()).select_from(Adhesion)) == 0
        assert queries.adhering_city_total() == 0
        assert [a for a in audit_actions() if a.startswith("plans.")] == [
            "plans.declare", "plans.adhere", "plans.withdraw_adhesion"]


@pytest.mark.parametrize(("field", "value"), [
    ("title", "No"), ("body", "  "), ("locale", "fr"), ("signed_on", "yesterday"),
    ("place", ""),
])
def test_declaration_refuses_bad_input(setup, field, value) -> None:
    with pytest.raises(DomainError) as bad:
        publish(setup, **{field: value})
    assert bad.value.field == field


def test_only_the_secretariat_publishes(setup) -> None:
    app = setup
    with app.test_request_context(), pytest.raises(DomainError) as refused:
        services.publish_declaration(user("mayor"), pact(), title="Mine", body="x",
                                     locale="en", signed_on=date(2026, 1, 1), place="A")
    assert refused.value.status == 403


def test_personal_data_and_erasure(setup) -> None:
    app = setup
    declaration_id = publish(app)
    with app.test_request_context():
        mayor = user("mayor")
        declaration = services.declaration_in(pact(), declaration_id)
        services.adhere(mayor, declaration, city_by_slug("aurora").id)
        data = services.personal_data(mayor)
        assert [a["declaration_id"] for a in data["adhesions"]] == [declaration_id]
        services.erase_personal_data(mayor)
        db.session.commit()
        adhesion = db.session.scalars(select(Adhesion)).one()
        assert adhesion.user_id is None  # the city's adhesion stays
        assert services.personal_data(mayor)["adhesions"] == []


def test_the_secretariat_hears_when_a_joint_action_can_join_the_plan(setup) -> None:
    from decide.notifications.models import Notification

    app = setup
    joint_action(app)  # succeeds with its one support
    with app.test_request_context():
        notes = [(n.user_id, n.kind) for n in db.session.scalars(select(Notification))]
        assert (user("sec").id, "joint_action_adoptable") in notes
        assert (user("mayor").id, "joint_action_adoptable") not in notes
