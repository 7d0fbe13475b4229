"""The moderation queues: one tab per hideable target type, filters, orders, pages."""

from __future__ import annotations

import re

import pytest
from flask_babel import force_locale

from decide.core.content import Hideable
from decide.extensions import db
from decide.moderation import queries
from tests.conftest import login
from tests.debates.helpers import new_comment, new_debate, space
from tests.moderation.helpers import flag, flag_by, is_hidden
from tests.proposals.helpers import new_proposal


def _rows(html: str) -> list[str]:
    """The item titles of the queue, in order."""
    return re.findall(r'<a href="/aurora/moderation/[a-z_]+/\d+">([^<]+)</a>', html)


def _moderator(client, make_user, name: str = "mod") -> None:
    make_user(name, locale="en", roles=[("city", "aurora", "moderator")])
    login(client, name)


def test_tabs_are_the_hideable_targets_of_the_space(app, client, make_user) -> None:
    _moderator(client, make_user)
    html = client.get("/aurora/moderation/").get_data(as_text=True)
    with app.test_request_context(), force_locale("en"):
        tabs = queries.queue_targets(space("aurora"))
        names = [t.name for t in tabs]
        assert {"debate", "proposal", "comment"} <= set(names)
        # Generic: every tab's model is Hideable, and no tab is missing from the page.
        assert all(issubclass(t.model, Hideable) for t in tabs)
        for tab in tabs:
            assert f'href="/aurora/moderation/{tab.name}/' in html
            assert str(tab.label) in html
        # Nothing waiting anywhere: the first tab is shown at the queue's root, content
        # modules before comments.
        assert 'aria-current="page">' + str(tabs[0].label) in html
        assert names.index("debate") < names.index("comment")


def test_the_root_opens_the_first_kind_with_items_waiting(app, client, make_user) -> None:
    make_user("ana")
    make_user("bo")
    flag(app, "comment", new_comment(app, new_debate(app), body="Only this"), "bo")
    _moderator(client, make_user)
    html = client.get("/aurora/moderation/").get_data(as_text=True)
    assert _rows(html) == ["Only this"]


def test_pending_lists_flagged_items_with_reasons_counts_and_authors(app, client,
                                                                     make_user) -> None:
    make_user("ana", locale="en")
    flagged = new_debate(app, title="Buy cheap watches")
    new_debate(app, title="Never flagged")
    flag_by(app, make_user, "debate", flagged, 2, "spam")
    flag_by(app, make_user, "debate", flagged, 1, "offensive", prefix="other")
    _moderator(client, make_user)
    response = client.get("/aurora/moderation/debate/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert _rows(html) == ["Buy cheap watches"]
    assert "Spam or advertising: 2" in html
    assert "Offensive, insulting or discriminatory: 1" in html
    assert 'href="/accounts/users/ana"' in html or ">ana</a>" in html
    # The link opens the item's own page.
    link = client.get(f"/aurora/moderation/debate/{flagged}")
    assert link.status_code == 302 and link.location.endswith(f"/aurora/debates/{flagged}")


def test_filters_pending_all_ignored_hidden(app, client, make_user) -> None:
    make_user("ana")
    pending = new_debate(app, title="Pending one")
    ignored = new_debate(app, title="Ignored one")
    hidden = new_debate(app, title="Hidden one")
    hidden_unflagged = new_debate(app, title="Hidden without flags")
    for item in (pending, ignored, hidden):
        flag_by(app, make_user, "debate", item, 1)
    _moderator(client, make_user)
    assert client.post("/aurora/moderation/debate/bulk",
                       data={"action": "ignore", "ids": [ignored]}).status_code == 303
    assert client.post("/aurora/moderation/debate/bulk",
                       data={"action": "hide", "ids": [hidden, hidden_unflagged]}
                       ).status_code == 303

    def titles(status: str) -> set[str]:
        html = client.get(f"/aurora/moderation/debate/?status={status}").get_data(as_text=True)
        return set(_rows(html))

    assert titles("pending") == {"Pending one"}
    assert titles("all") == {"Pending one", "Ignored one", "Hidden one"}
    assert titles("ignored") == {"Ignored one"}
    assert titles("hidden") == {"Hidden one", "Hidden without flags"}


def test_orders_by_flag_count_and_by_latest_flag(app, client, make_user) -> None:
    make_user("ana")
    many = new_debate(app, title="Many flags")
    recent = new_debate(app, title="Flagged last")
    flag_by(app, make_user, "debate", many, 3)
    flag_by(app, make_user, "debate", recent, 1, prefix="late")
    _moderator(client, make_user)
    by_flags = client.get("/aurora/moderation/debate/?order=flags").get_data(as_text=True)
    assert _rows(by_flags) == ["Many flags", "Flagged last"]
    by_date = client.get("/aurora/moderation/debate/?order=date").get_data(as_text=True)
    assert _rows(by_date) == ["Flagged last", "Many flags"]


def test_comments_and_proposals_have_their_queues(app, client, make_user) -> None:
    make_user("ana")
    make_user("bo")
    comment = new_comment(app, new_debate(app), body="Rude words here")
    proposal = new_proposal(app, title="Spammy proposal")
    flag(app, "comment", comment, "bo", "offensive")
    flag(app, "proposal", proposal, "bo")
    _moderator(client, make_user)
    assert _rows(client.get("/aurora/moderation/comment/").get_data(as_text=True)) == [
        "Rude words here"]
    assert _rows(client.get("/aurora/moderation/proposal/").get_data(as_text=True)) == [
        "Spammy proposal"]
    response = client.post("/aurora/moderation/comment/bulk",
                           data={"action": "hide", "ids": [comment]})
    assert response.status_code == 303
    assert is_hidden(app, "comment", comment)


def test_queue_is_paginated(app, client, make_user) -> None:
    make_user("ana")
    make_user("bo")
    for n in range(queries.PER_PAGE + 3):
        flag(app, "debate", new_debate(app, title=f"Debate {n:02d}"), "bo")
    _moderator(client, make_user)
    first = _rows(client.get("/aurora/moderation/debate/?order=date").get_data(as_text=True))
    second = _rows(client.get("/aurora/moderation/debate/?order=date&page=2")
                   .get_data(as_text=True))
    assert len(first) == queries.PER_PAGE and len(second) == 3
    assert not set(first) & set(second)


@pytest.mark.parametrize("status", ["pending", "hidden"])
def test_queue_runs_the_same_number_of_queries_for_3_and_30_items(
        app, client, make_user, count_queries, status) -> None:
    from decide.debates.models import Debate

    make_user("ana")
    for n in range(4):
        make_user(f"author{n}")
    make_user("bo")
    _moderator(client, make_user)

    def add(count: int) -> None:
        for n in range(count):
            debate = new_debate(app, author=f"author{n % 4}", title=f"Debate {n}")
            flag(app, "debate", debate, "bo", "spam" if n % 2 else "other")
        if status == "hidden":
            with app.app_context():
                db.session.execute(db.update(Debate).values(hidden_at=db.func.now()))
                db.session.commit()

    def measure() -> int:
        with count_queries() as counter:
            response = client.get(f"/aurora/moderation/debate/?status={status}")
        assert response.status_code == 200
        return counter.count

    add(3)
    few = measure()
    add(27)
    assert measure() == few


def test_every_tab_and_filter_renders(app, client, make_user) -> None:
    _moderator(client, make_user)
    with app.test_request_context():
        names = [t.name for t in queries.queue_targets(space("aurora"))]
    for name in names:
        for status in queries.STATUSES:
            for order in queries.ORDERS:
                response = client.get(f"/aurora/moderation/{name}/?status={status}&order={order}")
                assert response.status_code == 200, (name, status, order)


def test_budget_projects_are_moderated_through_the_same_queue(app, client, make_user) -> None:
    """A module added later plugs in by declaring its target: nothing here names it."""
    from tests.budgets.helpers import new_budget, new_project

    make_user("ana", locale="en")
    project = new_project(app, new_budget(app), "ana", title="Gold statue of me")
    flag_by(app, make_user, "budget_project", project, 2, "spam")
    _moderator(client, make_user)
    html = client.get("/aurora/moderation/budget_project/").get_data(as_text=True)
    assert _rows(html) == ["Gold statue of me"]
    response = client.post("/aurora/moderation/budget_project/bulk",
                           data={"action": "hide", "ids": [project]})
    assert response.status_code == 303
    assert is_hidden(app, "budget_project", project)
