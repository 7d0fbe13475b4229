"""Threaded comments: posting, replies, limits, roles, editing window, deletion, votes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from decide.accounts.services import find_by_username
from decide.comments import queries, services
from decide.comments.models import Comment
from decide.core.db import utcnow
from decide.core.errors import DomainError
from decide.debates.models import Debate
from decide.extensions import db
from tests.debates.helpers import new_comment, new_debate, space

EN = {"Accept-Language": "en"}


def test_post_and_reply_through_http(app, logged_in, make_user) -> None:
    make_user("author")
    debate_id = new_debate(app, author="author")
    client = logged_in("ana", locale="en")
    response = client.post(f"/aurora/comments/debate/{debate_id}", data={"body": "First!"})
    assert response.status_code == 303 and "#comment-" in response.headers["Location"]
    with app.app_context():
        first = db.session.scalar(select(Comment))
        assert db.session.get(Debate, debate_id).comments_count == 1
    response = client.post(f"/aurora/comments/debate/{debate_id}",
                           data={"body": "A reply", "parent_id": str(first.id)})
    assert response.status_code == 303
    with app.app_context():
        reply = db.session.scalar(select(Comment).where(Comment.parent_id == first.id))
        assert (reply.depth, reply.root_id) == (1, first.id)
        assert db.session.get(Comment, first.id).replies_count == 1
    html = client.get(f"/aurora/debates/{debate_id}").get_data(as_text=True)
    assert html.index("First!") < html.index("A reply")


def test_reply_in_place_returns_the_fragment(app, logged_in, make_user) -> None:
    make_user("author")
    debate_id = new_debate(app, author="author")
    parent = new_comment(app, debate_id, author="author")
    client = logged_in("ana", locale="en")
    response = client.post(f"/aurora/comments/debate/{debate_id}",
                           data={"body": "In place", "parent_id": str(parent)},
                           headers={"X-Requested-With": "decide-fetch"})
    assert response.status_code == 201
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith("<li") and "In place" in html
    bad = client.post(f"/aurora/comments/debate/{debate_id}", data={"body": ""},
                      headers={"X-Requested-With": "decide-fetch"})
    assert bad.status_code == 400 and "required" in bad.get_data(as_text=True)


def test_bad_comments_keep_the_text(app, logged_in, make_user) -> None:
    make_user("author")
    debate_id = new_debate(app, author="author")
    client = logged_in("ana", locale="en")
    long_text = "long " * 250
    response = client.post(f"/aurora/comments/debate/{debate_id}", data={"body": long_text})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert long_text.strip() in html and "at most 1000" in html
    assert client.post(f"/aurora/comments/debate/{debate_id}",
                       data={"body": "x", "parent_id": "abc"}).status_code == 400
    assert client.post(f"/aurora/comments/debate/{debate_id}",
                       data={"body": "x", "parent_id": "99999"}).status_code == 404
    assert client.post("/aurora/comments/debate/99999", data={"body": "x"}).status_code == 404
    assert client.post(f"/aurora/comments/poll/{debate_id}", data={"body": "x"}).status_code \
        == 404


def test_limit_comes_from_the_space(app, make_user) -> None:
    make_user("ana")
    debate_id = new_debate(app)
    with app.test_request_context():
        aurora = space("aurora")
        aurora.settings = {**aurora.settings, "comment_max_length": 20}
        db.session.commit()
        with pytest.raises(DomainError):
            services.post_comment(find_by_username("ana"), aurora, "debate", debate_id,
                                  "x" * 21)


def test_reply_must_belong_to_the_same_target_and_space(app, make_user) -> None:
    from decide.core.errors import NotFoundError

    make_user("ana")
    one, two = new_debate(app), new_debate(app, title="Another debate")
    parent = new_comment(app, one)
    with app.test_request_context(), pytest.raises(NotFoundError):
        services.post_comment(find_by_username("ana"), space("aurora"), "debate", two, "x",
                              parent_id=parent)
    other = new_debate(app, where="borealis")
    with app.test_request_context(), pytest.raises(NotFoundError):
        services.post_comment(find_by_username("ana"), space("aurora"), "debate", other, "x")


def test_post_as_role_only_with_the_role(app, make_user) -> None:
    make_user("ana")
    make_user("official", roles=[("city", "aurora", "official")])
    debate_id = new_debate(app)
    with app.test_request_context():
        with pytest.raises(DomainError):
            services.post_comment(find_by_username("ana"), space("aurora"), "debate",
                                  debate_id, "x", as_role="moderator")
        comment = services.post_comment(find_by_username("official"), space("aurora"),
                                        "debate", debate_id, "Official answer",
                                        as_role="official")
        assert comment.as_role == "official"
        with pytest.raises(DomainError):  # not an official in Borealis
            services.post_comment(find_by_username("official"), space("borealis"),
                                  "debate", new_debate(app, where="borealis"), "x",
                                  as_role="official")


def test_edit_window_and_delete_keeps_replies(app, logged_in, make_user) -> None:
    make_user("author")
    debate_id = new_debate(app, author="author")
    client = logged_in("ana", locale="en")
    comment_id = new_comment(app, debate_id, author="ana", body="Typo herre")
    reply_id = new_comment(app, debate_id, author="author", body="Reply stays",
                           parent_id=comment_id)
    response = client.post(f"/aurora/comments/{comment_id}/edit", data={"body": "Typo here"})
    assert response.status_code == 303
    with app.app_context():
        db.session.execute(update(Comment).where(Comment.id == comment_id).values(
            created_at=utcnow() - timedelta(minutes=11)))
        db.session.commit()
    response = client.post(f"/aurora/comments/{comment_id}/edit", data={"body": "Late"})
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(Comment, comment_id).body == "Typo here"
    assert client.post(f"/aurora/comments/{reply_id}/delete").status_code == 403
    assert client.post(f"/aurora/comments/{comment_id}/delete").status_code == 303
    html = client.get(f"/aurora/debates/{debate_id}").get_data(as_text=True)
    assert "Typo here" not in html and "deleted by its author" in html
    assert "Reply stays" in html


def test_comment_votes(app, logged_in, make_user) -> None:
    make_user("author")
    debate_id = new_debate(app, author="author")
    comment_id = new_comment(app, debate_id, author="author")
    client = logged_in("ana", locale="en")
    assert client.post(f"/aurora/comments/{comment_id}/vote",
                       data={"value": "up"}).status_code == 303
    response = client.post(f"/aurora/comments/{comment_id}/vote", data={"value": "down"},
                           headers={"X-Requested-With": "decide-fetch"})
    assert response.status_code == 200 and 'aria-pressed="true"' in response.get_data(
        as_text=True)
    with app.app_context():
        comment = db.session.get(Comment, comment_id)
        assert (comment.votes_up, comment.votes_down) == (0, 1)
    assert client.post(f"/aurora/comments/{comment_id}/vote",
                       data={"value": "sideways"}).status_code == 400
    assert client.post(f"/borealis/comments/{comment_id}/vote",
                       data={"value": "up"}).status_code == 404


def test_orderings_and_pagination_of_top_level_comments(app, client, make_user) -> None:
    make_user("ana")
    debate_id = new_debate(app)
    ids = [new_comment(app, debate_id, body=f"Comment number {n}") for n in range(12)]
    with app.app_context():
        db.session.execute(update(Comment).where(Comment.id == ids[2]).values(
            confidence_score=0.8))
        db.session.commit()
    top = client.get(f"/aurora/debates/{debate_id}?order=top").get_data(as_text=True)
    assert top.index("Comment number 2<") < top.index("Comment number 11<")
    oldest = client.get(f"/aurora/debates/{debate_id}?order=oldest").get_data(as_text=True)
    assert "Comment number 0<" in oldest and "Comment number 11<" not in oldest
    page2 = client.get(f"/aurora/debates/{debate_id}?order=oldest&page=2").get_data(
        as_text=True)
    assert "Comment number 11<" in page2 and "Comment number 0<" not in page2
    assert client.get(f"/aurora/debates/{debate_id}?order=loudest").status_code == 400


def test_deep_threads_continue_on_their_own_page(app, client, make_user) -> None:
    make_user("ana")
    debate_id = new_debate(app)
    parent = None
    chain = []
    for depth in range(9):
        parent = new_comment(app, debate_id, body=f"Depth {depth} here", parent_id=parent)
        chain.append(parent)
    html = client.get(f"/aurora/debates/{debate_id}", headers=EN).get_data(as_text=True)
    assert "Depth 5 here" in html and "Depth 6 here" not in html
    assert f"/aurora/comments/{chain[5]}" in html and "Continue this thread" in html
    thread = client.get(f"/aurora/comments/{chain[5]}", headers=EN).get_data(as_text=True)
    assert "Depth 6 here" in thread and "Depth 8 here" in thread
    assert "Depth 4 here" not in thread


def test_thread_helpers(app, make_user) -> None:
    make_user("ana")
    debate_id = new_debate(app)
    root = new_comment(app, debate_id)
    new_comment(app, debate_id, parent_id=root)
    with app.test_request_context():
        page = queries.comment_page(space("aurora"), "debate", debate_id, "top", 1)
        assert page.total == 1 and len(page.items[0].children) == 1
        assert len(queries.flatten(page.items)) == 2


def test_comment_links_are_those_url_for_builds(app, logged_in, make_user) -> None:
    """The page builds each comment link once around a placeholder id: every comment still
    links to its own reply, vote, flag, edit, delete and author's profile pages."""
    from flask import url_for

    make_user("author")
    debate_id = new_debate(app, author="author")
    theirs = new_comment(app, debate_id, author="author", body="Theirs")
    client = logged_in("ana", locale="en")
    mine = new_comment(app, debate_id, author="ana", body="Mine", parent_id=theirs)
    html = client.get(f"/aurora/debates/{debate_id}").get_data(as_text=True)
    with app.test_request_context():
        from flask import g

        g.space = space("aurora")
        for comment_id in (theirs, mine):
            assert f'action="{url_for("comments.vote", comment_id=comment_id)}"' in html
            assert f'href="{url_for("comments.show", comment_id=comment_id, reply=1)}#reply"' \
                in html
        flag = url_for("moderation.flag", target_type="comment", target_id=theirs)
        assert f'href="{flag}"' in html
        assert url_for("moderation.flag", target_type="comment", target_id=mine) not in html
        assert f'href="{url_for("comments.edit", comment_id=mine)}"' in html
        assert f'action="{url_for("comments.delete", comment_id=mine)}"' in html
        assert url_for("comments.edit", comment_id=theirs) not in html
        for name in ("author", "ana"):
            assert f'href="{url_for("accounts.profile", username=name)}"' in html
