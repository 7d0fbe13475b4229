"""Proposals and joint actions: drafts, codes, supports, thresholds, success, endorsements."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from decide.accounts.services import find_by_username
from decide.audit.models import AuditEvent
from decide.core.db import utcnow
from decide.core.errors import DomainError
from decide.extensions import db
from decide.follows.services import is_following
from decide.notifications.models import Notification
from decide.proposals import queries, services
from decide.proposals.models import Proposal, ProposalSupport
from tests.debates.helpers import space
from tests.proposals.helpers import new_proposal, set_settings, support


def refused(app, proposal_id: int, who: str, where: str = "aurora") -> DomainError:
    with app.test_request_context(headers={"Accept-Language": "en"}), \
            pytest.raises(DomainError) as error:
        services.support(find_by_username(who), space(where), proposal_id)
    return error.value


def test_draft_then_publish_gives_a_code_search_finds(app, make_user) -> None:
    from decide.search.queries import matches

    make_user("ana")
    draft = new_proposal(app, publish=False)
    with app.test_request_context():
        proposal = db.session.get(Proposal, draft)
        assert proposal.is_draft and proposal.code is None
        services.publish(find_by_username("ana"), proposal)
        year_month = f"{proposal.published_at:%Y-%m}"
        assert proposal.code == f"AURORA-{year_month}-{draft}"
        found = matches(space("aurora"), "proposal", proposal.code)
        assert [row.target_id for row in db.session.execute(select(found))] == [draft]
        assert is_following(find_by_username("ana"), "proposal", draft)


def test_bad_fields_are_refused_with_the_field_named(app, make_user) -> None:
    make_user("ana")
    with app.test_request_context():
        ana, aurora = find_by_username("ana"), space("aurora")
        for values, field in [({"title": "abc"}, "title"), ({"summary": "x" * 201}, "summary"),
                              ({"description": ""}, "description"),
                              ({"video_url": "javascript:alert(1)"}, "video_url"),
                              ({"geozone_slug": "atlantis"}, "geozone")]:
            data = {"title": "A proper title", "summary": "Short.", "description": "Text.",
                    **values}
            with pytest.raises(DomainError) as error:
                services.create_draft(ana, aurora, **data)
            assert error.value.field == field
        assert db.session.scalar(select(func.count(Proposal.id))) == 0


def test_only_verified_residents_support_once_and_follow(app, make_user) -> None:
    make_user("ana")
    make_user("vera", verified=True)
    make_user("uma")  # confirmed, no verified residence
    make_user("org", kind="organisation", verified=False)
    make_user("bo", city="borealis", verified=True)
    proposal_id = new_proposal(app)
    assert "Verify your residence" in refused(app, proposal_id, "uma").message
    assert "Organisations" in refused(app, proposal_id, "org").message
    assert "Aurora" in refused(app, proposal_id, "bo").message
    assert support(app, proposal_id, "vera").supports_count == 1
    assert refused(app, proposal_id, "vera").status == 409
    with app.test_request_context():
        assert is_following(find_by_username("vera"), "proposal", proposal_id)
        assert db.session.scalar(select(func.count(ProposalSupport.id))) == 1


def test_closed_proposals_take_no_supports(app, make_user) -> None:
    make_user("ana")
    make_user("vera", verified=True)
    retired, archived, hidden = (new_proposal(app, title=f"Proposal {n}") for n in range(3))
    draft = new_proposal(app, title="Draft one", publish=False)
    with app.test_request_context():
        services.retire(find_by_username("ana"), db.session.get(Proposal, retired), "done",
                        "Already built.")
        db.session.execute(update(Proposal).where(Proposal.id == archived).values(
            published_at=utcnow() - timedelta(days=400)))
        db.session.execute(update(Proposal).where(Proposal.id == hidden).values(
            hidden_at=utcnow()))
        db.session.commit()
    assert "retired" in refused(app, retired, "vera").message
    assert "archived" in refused(app, archived, "vera").message
    assert refused(app, hidden, "vera").status == 404
    assert refused(app, draft, "vera").status == 404
    with app.test_request_context():
        assert queries.status_of(db.session.get(Proposal, archived)) == "archived"


def test_reaching_the_threshold_succeeds_once_and_tells_author_and_followers(app,
                                                                          make_user) -> None:
    make_user("ana")
    for name in ("vera", "vito", "vale"):
        make_user(name, verified=True)
    set_settings(app, "aurora", support_threshold=2)
    proposal_id = new_proposal(app)
    support(app, proposal_id, "vera")
    proposal = support(app, proposal_id, "vito")
    assert proposal.successful_at is not None
    assert "already reached its goal" in refused(app, proposal_id, "vale").message
    with app.test_request_context():
        kinds = {(n.user_id, n.kind) for n in db.session.scalars(select(Notification))}
        assert (find_by_username("ana").id, "proposal_succeeded") in kinds
        assert (find_by_username("vera").id, "proposal_succeeded") in kinds
        assert db.session.scalar(select(AuditEvent.action)) == "proposals.succeeded"


def test_threshold_as_a_share_of_the_census(app) -> None:
    set_settings(app, "aurora", support_threshold_census_percent=2.0, census_size=20_000)
    with app.app_context():
        assert queries.city_threshold(space("aurora")) == 400
    set_settings(app, "aurora", support_threshold_census_percent=0.0)
    with app.app_context():
        assert queries.city_threshold(space("aurora")) == 500


def test_joint_action_rules_count_per_member_city(app, make_user) -> None:
    make_user("ana", verified=True)
    make_user("ada", verified=True)
    make_user("bo", city="borealis", verified=True)
    make_user("cy", city="cenit", verified=True)  # Cenit is not a member of the pact
    set_settings(app, "alliances/pact", joint_action_total_threshold=0,
                 joint_action_min_cities=2)
    set_settings(app, "aurora", support_threshold=2)
    set_settings(app, "borealis", support_threshold=1)
    action = new_proposal(app, where="alliances/pact")
    assert "member cities" in refused(app, action, "cy", "alliances/pact").message
    support(app, action, "ana", "alliances/pact")
    assert support(app, action, "bo", "alliances/pact").successful_at is None
    # Borealis reached its own threshold, Aurora not yet.
    with app.test_request_context():
        rows = {c.city.slug: (c.supports, c.threshold, c.reached)
                for c in queries.progress(db.session.get(Proposal, action)).cities}
        assert rows == {"aurora": (1, 2, False), "borealis": (1, 1, True)}
    assert support(app, action, "ada", "alliances/pact").successful_at is not None


def test_cities_endorse_joint_actions_with_an_audit_trail(app, make_user) -> None:
    make_user("ana", verified=True)
    make_user("mayor", roles=[("city", "aurora", "official")])
    make_user("clerk", roles=[("city", "borealis", "administrator")])
    make_user("vera", verified=True)
    action = new_proposal(app, where="alliances/pact")
    with app.test_request_context():
        proposal = db.session.get(Proposal, action)
        with pytest.raises(DomainError) as error:
            services.endorse(find_by_username("vera"), proposal)
        assert error.value.status == 403
        first = services.endorse(find_by_username("mayor"), proposal, "Aurora is in.", "en")
        services.endorse(find_by_username("clerk"), proposal, "", "es")
        with pytest.raises(DomainError) as error:
            services.endorse(find_by_username("mayor"), proposal)
        assert error.value.status == 409
        assert [e.city.slug for e in queries.endorsements_of(proposal)] == ["aurora",
                                                                          "borealis"]
        with pytest.raises(DomainError):
            services.withdraw_endorsement(find_by_username("clerk"), proposal, first.id)
        services.withdraw_endorsement(find_by_username("mayor"), proposal, first.id)
        assert [e.city.slug for e in queries.endorsements_of(proposal)] == ["borealis"]
        actions = list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
        assert actions == ["proposals.endorse", "proposals.endorse",
                           "proposals.withdraw_endorsement"]


def test_updates_to_followers_at_most_once_per_interval(app, make_user) -> None:
    make_user("ana")
    make_user("vera", verified=True)
    proposal_id = new_proposal(app)
    support(app, proposal_id, "vera")
    with app.test_request_context():
        proposal = db.session.get(Proposal, proposal_id)
        services.send_update(find_by_username("ana"), proposal, "We met the council",
                             "They listened.")
        with pytest.raises(DomainError) as error:
            services.send_update(find_by_username("ana"), proposal, "Again", "Too soon.")
        assert error.value.status == 429
        notes = [(n.user_id, n.kind) for n in db.session.scalars(select(Notification))]
        assert (find_by_username("vera").id, "proposal_update") in notes


def test_edit_keeps_history_until_the_support_limit(app, make_user) -> None:
    from decide.history.models import Revision

    make_user("ana")
    proposal_id = new_proposal(app)
    set_settings(app, "aurora", proposal_edit_support_limit=0)
    with app.test_request_context():
        proposal = db.session.get(Proposal, proposal_id)
        services.edit_proposal(find_by_username("ana"), proposal, title="Shade for all squares",
                               summary="Trees in every square.", description="We need trees.")
        assert db.session.scalar(select(Revision.changes)) == {
            "title": ["Shade for squares", "Shade for all squares"]}
        db.session.execute(update(Proposal).values(supports_count=1))
        db.session.commit()
        with pytest.raises(DomainError):
            services.edit_proposal(find_by_username("ana"), db.session.get(Proposal, proposal_id),
                                   title="Too late", summary="x", description="x")


def test_coauthors_accept_and_featuring_is_limited(app, make_user) -> None:
    make_user("ana")
    make_user("bea")
    make_user("boss", roles=[("city", "aurora", "administrator")])
    ids = [new_proposal(app, title=f"Proposal number {n}") for n in range(4)]
    with app.test_request_context():
        proposal = db.session.get(Proposal, ids[0])
        services.invite_coauthor(find_by_username("ana"), proposal, "bea")
        with pytest.raises(DomainError):
            services.invite_coauthor(find_by_username("ana"), proposal, "bea")
        services.answer_invitation(find_by_username("bea"), proposal, accept=True)
        assert queries.accepted_coauthor_ids(proposal) == {find_by_username("bea").id}
        boss = find_by_username("boss")
        for proposal_id in ids[:3]:
            services.set_featured(boss, db.session.get(Proposal, proposal_id), True)
        with pytest.raises(DomainError) as error:
            services.set_featured(boss, db.session.get(Proposal, ids[3]), True)
        assert error.value.status == 409
