"""Debate rules: limits, edits with history, votes, the cap on unverified votes, scores."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, update

from decide.accounts.services import find_by_username
from decide.core.errors import DomainError
from decide.core.scoring import hot_score, wilson_lower_bound
from decide.debates import services
from decide.debates.models import Debate, DebateVote
from decide.extensions import db
from decide.history.models import Revision
from decide.tags.models import Tag
from tests.debates.helpers import new_debate, space


def test_wilson_lower_bound_prefers_many_votes() -> None:
    assert wilson_lower_bound(0, 0) == 0
    assert wilson_lower_bound(5, 0) < wilson_lower_bound(100, 5)
    assert round(wilson_lower_bound(1, 0), 3) == 0.207
    assert 0 < wilson_lower_bound(50, 50) < 0.5


def test_hot_score_weighs_activity_and_recency() -> None:
    from datetime import UTC, datetime, timedelta

    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert hot_score(10, 0, now) > hot_score(0, 0, now)
    assert hot_score(0, 5, now) > hot_score(5, 0, now)  # a comment counts double
    # Ten times the activity is worth 45,000 seconds (12.5 hours) of recency.
    assert hot_score(9, 0, now) == pytest.approx(hot_score(0, 0, now + timedelta(seconds=45_000)))


@pytest.mark.parametrize(("title", "description", "tags", "field"), [
    ("abc", "text", "", "title"),
    ("x" * 81, "text", "", "title"),
    ("A fine title", "", "", "description"),
    ("A fine title", "x" * 6001, "", "description"),
    ("A fine title", "text", "a, b, c, d, e, f, g", "tags"),
    ("A fine title", "text", "<script>", "tags"),
    ("A fine title", "text", "x" * 41, "tags"),
])
def test_bad_input_is_refused(app, make_user, title, description, tags, field) -> None:
    make_user("ana")
    with app.test_request_context(), pytest.raises(DomainError) as error:
        services.start_debate(find_by_username("ana"), space("aurora"), title=title,
                              description=description, tags=tags)
    assert error.value.field == field
    with app.app_context():
        assert db.session.scalar(select(func.count(Debate.id))) == 0


def test_start_renders_safe_markdown_and_tags(app, make_user) -> None:
    make_user("ana")
    debate_id = new_debate(app, description="**Trees** <script>alert(1)</script>",
                           tags="Climate, climate, Espacio público")
    with app.app_context():
        debate = db.session.get(Debate, debate_id)
        assert "<strong>Trees</strong>" in debate.description_html
        assert "<script>" not in debate.description_html
        assert sorted(t.name for t in debate.tags) == ["Climate", "Espacio público"]
        assert db.session.scalar(select(Tag.taggings_count).where(Tag.slug == "climate")) == 1


def test_unknown_geozone_and_alliance_geozone(app, make_user) -> None:
    make_user("ana")
    with app.test_request_context():
        user = find_by_username("ana")
        with pytest.raises(DomainError):
            services.start_debate(user, space("aurora"), title="Title ok", description="x",
                                  geozone_slug="atlantis")
        with pytest.raises(DomainError):
            services.start_debate(user, space("alliances/pact"), title="Title ok", description="x",
                                  geozone_slug="norte")
        debate = services.start_debate(user, space("aurora"), title="Title ok",
                                       description="x", geozone_slug="norte")
        assert debate.geozone.slug == "norte"


def test_edit_keeps_history_and_stops_after_vote_limit(app, make_user) -> None:
    make_user("ana")
    make_user("bo")
    debate_id = new_debate(app, tags="climate")
    with app.test_request_context():
        ana = find_by_username("ana")
        debate = db.session.get(Debate, debate_id)
        services.edit_debate(ana, debate, title="Shade for all squares",
                             description="We need trees.", tags="climate, trees")
        revision = db.session.scalar(select(Revision))
        assert (revision.target_type, revision.target_id) == ("debate", debate_id)
        assert revision.changes == {"title": ["Shade for squares", "Shade for all squares"],
                                    "tags": [["climate"], ["climate", "trees"]]}
        with pytest.raises(DomainError):  # only the author
            services.edit_debate(find_by_username("bo"), debate, title="Hijacked title",
                                 description="x")
        db.session.execute(update(Debate).values(votes_agree=1001))
        db.session.commit()
        debate = db.session.get(Debate, debate_id)
        with pytest.raises(DomainError) as error:
            services.edit_debate(ana, debate, title="Too late now", description="x")
        assert error.value.status == 403


def test_vote_change_and_counts(app, make_user) -> None:
    make_user("ana")
    make_user("bo", verified=True)
    debate_id = new_debate(app)
    with app.test_request_context():
        bo, aurora = find_by_username("bo"), space("aurora")
        services.vote(bo, aurora, debate_id, agree=True)
        services.vote(bo, aurora, debate_id, agree=True)  # the same vote again: no change
        debate = db.session.get(Debate, debate_id)
        assert (debate.votes_agree, debate.votes_disagree, debate.agree_percent) == (1, 0, 100)
        services.vote(bo, aurora, debate_id, agree=False)
        db.session.refresh(debate)
        assert (debate.votes_agree, debate.votes_disagree) == (0, 1)
        assert db.session.scalar(select(func.count(DebateVote.id))) == 1
        assert debate.confidence_score == 0 and debate.hot_score > 0


def test_organisations_and_unconfirmed_cannot_vote(app, make_user) -> None:
    make_user("ana")
    make_user("org", kind="organisation")
    make_user("new", confirmed=False)
    debate_id = new_debate(app)
    with app.test_request_context():
        for name in ("org", "new"):
            with pytest.raises(DomainError) as error:
                services.vote(find_by_username(name), space("aurora"), debate_id, agree=True)
            assert error.value.status == 403


def test_votes_on_hidden_or_foreign_debates_are_404(app, make_user) -> None:
    from decide.core.errors import NotFoundError

    make_user("ana")
    make_user("bo")
    debate_id = new_debate(app)
    with app.test_request_context():
        with pytest.raises(NotFoundError):
            services.vote(find_by_username("bo"), space("borealis"), debate_id, agree=True)
        db.session.execute(update(Debate).values(hidden_at=func.now()))
        db.session.commit()
        with pytest.raises(NotFoundError):
            services.vote(find_by_username("bo"), space("aurora"), debate_id, agree=True)


def test_unverified_share_is_capped_beyond_100_votes(app, make_user) -> None:
    make_user("ana")
    make_user("unverified")
    make_user("verified", verified=True)
    debate_id = new_debate(app)
    with app.test_request_context():
        aurora = space("aurora")
        # 100 votes so far, 50 of them unverified: exactly at the 50% cap.
        db.session.execute(update(Debate).values(votes_agree=100, votes_unverified=50))
        db.session.commit()
        with pytest.raises(DomainError) as error:
            services.vote(find_by_username("unverified"), aurora, debate_id, agree=True)
        assert "50%" in error.value.message and error.value.status == 403
        services.vote(find_by_username("verified"), aurora, debate_id, agree=False)
        # Below 100 votes anybody may vote.
        db.session.execute(update(Debate).values(votes_agree=10, votes_disagree=0,
                                                 votes_unverified=10))
        db.session.commit()
        services.vote(find_by_username("unverified"), aurora, debate_id, agree=True)


def test_featuring_needs_administrator(app, make_user) -> None:
    make_user("ana")
    make_user("boss", roles=[("city", "aurora", "administrator")])
    debate_id = new_debate(app)
    with app.test_request_context():
        debate = db.session.get(Debate, debate_id)
        with pytest.raises(DomainError):
            services.set_featured(find_by_username("ana"), debate, True)
        services.set_featured(find_by_username("boss"), debate, True)
        assert debate.featured_at is not None
