"""One vote per person holds under real concurrent requests (PostgreSQL in CI; SQLite too)."""

from __future__ import annotations

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from decide.comments.models import CommentVote
from decide.debates.models import Debate, DebateVote
from decide.extensions import db
from tests.conftest import PASSWORD
from tests.debates.helpers import new_comment, new_debate


class Browser:
    """A signed-in HTTP client with its own cookies and CSRF token."""

    def __init__(self, base: str, username: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        page = self.opener.open(f"{base}/accounts/login").read().decode()
        self.token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        self.post("/accounts/login", identifier=username, password=PASSWORD)
        page = self.opener.open(f"{base}/accounts/settings").read().decode()
        assert username in page

    def post(self, path: str, **data: str) -> int:
        body = urllib.parse.urlencode({"csrf_token": self.token, **data}).encode()
        request = urllib.request.Request(self.base + path, data=body, method="POST",
                                         headers={"Referer": self.base + path})
        try:
            with self.opener.open(request) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code


def test_parallel_votes_of_one_person_count_once(app, live_server, make_user) -> None:
    make_user("author")
    make_user("voter", verified=True)
    debate_id = new_debate(app, author="author")
    browser = Browser(live_server, "voter")
    with ThreadPoolExecutor(max_workers=12) as pool:
        statuses = list(pool.map(
            lambda n: browser.post(f"/aurora/debates/{debate_id}/vote",
                                   value="agree" if n % 3 else "disagree"), range(24)))
    assert all(status in (200, 409) for status in statuses), statuses
    with app.app_context():
        assert db.session.scalar(select(func.count(DebateVote.id))) == 1
        debate = db.session.get(Debate, debate_id)
        vote = db.session.scalar(select(DebateVote))
        assert debate.votes_total == 1
        assert (debate.votes_agree, debate.votes_disagree) == ((1, 0) if vote.agree else (0, 1))


def test_parallel_votes_of_many_people_all_count(app, live_server, make_user) -> None:
    make_user("author")
    people = [f"voter{n}" for n in range(10)]
    for name in people:
        make_user(name, verified=True)
    debate_id = new_debate(app, author="author")
    comment_id = new_comment(app, debate_id, author="author")
    browsers = [Browser(live_server, name) for name in people]

    def vote_twice(browser: Browser) -> list[int]:
        return [browser.post(f"/aurora/debates/{debate_id}/vote", value="agree"),
                browser.post(f"/aurora/comments/{comment_id}/vote", value="up")]

    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(vote_twice, browsers))
    assert all(s == 200 for pair in results for s in pair), results
    with app.app_context():
        debate = db.session.get(Debate, debate_id)
        assert debate.votes_agree == 10 == db.session.scalar(select(func.count(DebateVote.id)))
        assert db.session.scalar(select(func.count(CommentVote.id))) == 10
        from decide.comments.models import Comment

        assert db.session.get(Comment, comment_id).votes_up == 10


def test_parallel_comments_replies_and_tags_all_count(app, live_server, make_user) -> None:
    """Counters change in SQL: 40 people commenting at once, half of them replying to one
    comment, leave counts equal to the rows (the reviewer saw 55 of 101 before)."""
    from decide.comments.models import Comment
    from decide.tags.models import Tag

    make_user("author")
    people = [f"person{n}" for n in range(40)]
    for name in people:
        make_user(name)
    debate_id = new_debate(app, author="author")
    parent_id = new_comment(app, debate_id, author="author")
    browsers = [Browser(live_server, name) for name in people]

    def act(pair: tuple[int, Browser]) -> list[int]:
        n, browser = pair
        data = {"body": f"Comment number {n}"}
        if n % 2:
            data["parent_id"] = str(parent_id)
        return [browser.post(f"/aurora/comments/debate/{debate_id}", **data),
                browser.post("/aurora/debates/new", title=f"Debate number {n}",
                             description="Same new tag for all", tags="brand-new-tag")]

    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(act, enumerate(browsers)))
    assert all(status == 200 for pair in results for status in pair), results  # redirected
    with app.app_context():
        debate = db.session.get(Debate, debate_id)
        rows = db.session.scalar(select(func.count(Comment.id)).where(
            Comment.target_type == "debate", Comment.target_id == debate_id))
        assert rows == 41 == debate.comments_count
        assert db.session.get(Comment, parent_id).replies_count == 20
        tag = db.session.scalar(select(Tag).where(Tag.slug == "brand-new-tag"))
        assert tag.taggings_count == 40


def test_alliance_votes_are_counted_per_voter_city(app, make_user) -> None:
    from decide.accounts.services import find_by_username
    from decide.core.votes import city_counts
    from decide.debates import services
    from decide.debates.services import VOTES
    from tests.debates.helpers import space

    make_user("author")
    make_user("ana", verified=True)                    # Aurora
    make_user("bo", city="borealis", verified=True)    # Borealis
    debate_id = new_debate(app, author="author", where="alliances/pact")
    with app.test_request_context():
        pact = space("alliances/pact")
        services.vote(find_by_username("ana"), pact, debate_id, agree=True)
        services.vote(find_by_username("bo"), pact, debate_id, agree=False)
        services.vote(find_by_username("bo"), pact, debate_id, agree=True)  # changes
        counts = city_counts(VOTES, debate_id)
        aurora, borealis = space("aurora"), space("borealis")
        assert counts == {aurora.id: {"agree": 1}, borealis.id: {"agree": 1}}
