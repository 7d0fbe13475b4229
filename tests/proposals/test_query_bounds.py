"""The proposal list, a proposal's page and a joint action's page (with its per-city
breakdown) run the same bounded number of queries with 60 proposals and with 100,000.

Supports are counted on the rows (proposals.supports_count, vote_city_counts per city), so
pages never count support rows: a few thousand supports show that as well as the issue's
5 million would, in seconds instead of minutes."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select, update

from decide.accounts.models import Residence, User
from decide.cities.models import AllianceMembership, Space
from decide.core.db import utcnow
from decide.core.votes import VoteCityCount
from decide.extensions import db
from decide.proposals.models import Proposal, ProposalSupport
from tests.proposals.helpers import new_proposal, set_settings, support

BATCH = 10_000


def _space_id(slug: str) -> int:
    return db.session.scalar(select(Space.id).where(Space.slug == slug))


def _bulk_proposals(app, count: int, first: int) -> None:
    """`count` published proposals in aurora, numbered from `first`, with counters set."""
    with app.app_context():
        space_id = _space_id("aurora")
        author_id = db.session.scalar(select(User.id).order_by(User.id))
        now = utcnow()
        rows = [{"space_id": space_id, "author_id": author_id,
                 "title": f"Bulk proposal {first + n}", "summary": "Bulk summary.",
                 "description": "x", "description_html": "<p>x</p>",
                 # Some in another language than the reader's, on every page: those pages
                 # look up translations (one query for the page).
                 "locale": "en" if n % 7 == 0 else "es", "published_at": now,
                 "supports_count": n % 400, "comments_count": n % 9,
                 "flags_count": 0, "hot_score": n / 1000, "last_activity_at": now,
                 "created_at": now, "updated_at": now} for n in range(count)]
        for start in range(0, count, BATCH):
            db.session.execute(insert(Proposal), rows[start:start + BATCH])
        db.session.commit()


def _index_some(app, count: int) -> None:
    """Make the newest bulk proposals searchable, as publishing does."""
    from decide.search.services import index_document

    with app.app_context():
        for proposal in db.session.scalars(
                select(Proposal).order_by(Proposal.id.desc()).limit(count)):
            index_document(space_id=proposal.space_id, target_type="proposal",
                           target_id=proposal.id, locale="es", title=proposal.title,
                           body=proposal.summary)
        db.session.commit()


def _bulk_supports(app, proposal_id: int, per_city: dict[str, int], prefix: str) -> None:
    """Verified residents of each city (bulk accounts) supporting the proposal, with its
    counters moved as a support moves them."""
    with app.app_context():
        proposal = db.session.get(Proposal, proposal_id)
        alliance = proposal.space.is_alliance
        now = utcnow()
        for city, count in per_city.items():
            city_id = _space_id(city)
            db.session.execute(insert(User), [
                {"username": f"{prefix}{city}{n}", "email": f"{prefix}{city}{n}@bulk.invalid",
                 "password_hash": None, "kind": "person", "locale": "es",
                 "confirmed_at": now, "terms_accepted_at": now, "is_deployment_admin": False,
                 "session_token": f"{prefix}{city}{n}", "email_opt_outs": [],
                 "home_city_id": city_id, "created_at": now, "updated_at": now}
                for n in range(count)])
            user_ids = list(db.session.scalars(select(User.id).where(
                User.username.like(f"{prefix}{city}%"))))
            db.session.execute(insert(Residence), [
                {"user_id": user_id, "city_id": city_id, "verified_at": now, "method": "cli"}
                for user_id in user_ids])
            db.session.execute(insert(ProposalSupport), [
                {"proposal_id": proposal_id, "user_id": user_id, "value": 1,
                 "voter_city_id": city_id if alliance else None, "created_at": now}
                for user_id in user_ids])
            if alliance:
                row = db.session.get(VoteCityCount, ("proposal", proposal_id, city_id, "support"))
                if row is None:
                    db.session.add(VoteCityCount(target_type="proposal", target_id=proposal_id,
                                                 city_id=city_id, choice="support", count=count))
                else:
                    row.count += count
        db.session.execute(update(Proposal).where(Proposal.id == proposal_id).values(
            supports_count=Proposal.supports_count + sum(per_city.values())))
        db.session.commit()


def _join_pact(app, city: str) -> None:
    with app.app_context():
        db.session.add(AllianceMembership(alliance_id=_space_id("pact"), city_id=_space_id(city),
                                          role="member", position=9))
        db.session.commit()


def _queries(client, count_queries, url: str) -> list[str]:
    with count_queries() as counter:
        response = client.get(url)
        assert response.status_code == 200, url
    return counter.statements


def _all(client, count_queries, urls: list[str]) -> list[list[str]]:
    return [_queries(client, count_queries, url) for url in urls]


def _differences(urls: list[str], small: list[list[str]], large: list[list[str]]) -> str:
    """The statements of each page whose count changed with the data (for the report)."""
    lines = []
    for url, few, many in zip(urls, small, large, strict=True):
        if len(few) != len(many):
            lines.append(f"{url}: {len(few)} -> {len(many)} queries; with few:")
            lines.extend(f"    {' '.join(s.split())[:300]}" for s in few)
            lines.append("  with many:")
            lines.extend(f"    {' '.join(s.split())[:300]}" for s in many)
    return "\n".join(lines)


def test_proposal_pages_with_100000_proposals(app, client, make_user, count_queries) -> None:
    # Thresholds out of reach: the pages keep the same shape (open, not successful).
    set_settings(app, "aurora", support_threshold=1_000_000)
    set_settings(app, "alliances/pact", joint_action_total_threshold=1_000_000)
    make_user("ana", city="aurora", verified=True)
    make_user("bruno", city="borealis", verified=True)
    make_user("carla", city="aurora", verified=True)
    city_id = new_proposal(app, tags="climate")
    joint_id = new_proposal(app, where="alliances/pact", title="A joint housing fund")
    for who, where in (("bruno", "alliances/pact"), ("carla", "alliances/pact"),
                       ("carla", "aurora")):
        support(app, joint_id if "pact" in where else city_id, who, where)
    response = client.post("/accounts/login", data={"identifier": "carla",
                                                    "password": "correct-horse-battery"})
    assert response.status_code == 302
    urls = ["/aurora/proposals/", "/aurora/proposals/?order=supports",
            "/aurora/proposals/?order=supports&page=3", "/aurora/proposals/?order=new",
            "/aurora/proposals/?status=open", "/aurora/proposals/?status=successful",
            "/aurora/proposals/?q=bulk", "/aurora/proposals/?tag=climate",
            f"/aurora/proposals/{city_id}", f"/alliances/pact/proposals/{joint_id}",
            "/alliances/pact/proposals/", "/aurora/"]

    _bulk_proposals(app, 60, 0)  # three pages of proposals: the shape of a long list
    _index_some(app, 60)
    _bulk_supports(app, city_id, {"aurora": 20}, "fewcity")
    _bulk_supports(app, joint_id, {"aurora": 20, "borealis": 20}, "fewjoint")
    small = _all(client, count_queries, urls)

    _bulk_proposals(app, 100_000, 60)
    _index_some(app, 200)
    _bulk_supports(app, city_id, {"aurora": 1_500}, "manycity")
    _bulk_supports(app, joint_id, {"aurora": 1_500, "borealis": 1_500}, "manyjoint")
    large = _all(client, count_queries, urls)

    counts: dict[str, Any] = {url: (len(few), len(many))
                              for url, few, many in zip(urls, small, large, strict=True)}
    print("queries per page (60 proposals, 100,000 proposals):", counts)
    assert [len(s) for s in small] == [len(s) for s in large], _differences(urls, small, large)
    # Today: 11 to 16 for the lists and the home page (a section per module), 18 for a
    # proposal, 23 for a joint action (its cities, their counts and endorsements are one query
    # each).
    assert max(len(s) for s in large[:8]) <= 16, counts
    assert len(large[8]) <= 18 and len(large[9]) <= 23, counts
    assert max(len(s) for s in large[10:]) <= 16, counts

    # The data really is there: the counts on the rows, the breakdown per city.
    html = client.get(f"/alliances/pact/proposals/{joint_id}").get_data(as_text=True)
    assert "3,042" in html or "3.042" in html or "3042" in html
    with app.app_context():
        assert db.session.scalar(select(Proposal.supports_count).where(
            Proposal.id == joint_id)) == 3_042


def test_joint_action_page_with_more_member_cities(app, client, make_user,
                                                  count_queries) -> None:
    """The per-city breakdown (and the endorse check) cost the same with 2 or 3 cities."""
    set_settings(app, "alliances/pact", joint_action_total_threshold=1_000_000)
    make_user("ana", city="aurora", verified=True)
    make_user("bruno", city="borealis", verified=True)
    joint_id = new_proposal(app, where="alliances/pact", title="A joint housing fund")
    support(app, joint_id, "bruno", "alliances/pact")
    response = client.post("/accounts/login", data={"identifier": "ana",
                                                    "password": "correct-horse-battery"})
    assert response.status_code == 302
    url = f"/alliances/pact/proposals/{joint_id}"
    _bulk_supports(app, joint_id, {"aurora": 30, "borealis": 30}, "two")
    with_two = _queries(client, count_queries, url)
    _join_pact(app, "cenit")
    _bulk_supports(app, joint_id, {"cenit": 30}, "three")
    with_three = _queries(client, count_queries, url)
    assert "Cenit" in client.get(url).get_data(as_text=True)
    assert len(with_two) == len(with_three), _differences([url], [with_two], [with_three])
