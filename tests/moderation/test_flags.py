"""Flagging debates and comments."""

from __future__ import annotations

from sqlalchemy import func, select

from decide.comments.models import Comment
from decide.debates.models import Debate
from decide.extensions import db
from decide.moderation.models import Flag
from tests.debates.helpers import new_comment, new_debate


def test_flag_once_with_reason(app, logged_in, make_user) -> None:
    make_user("author")
    debate_id = new_debate(app, author="author")
    client = logged_in("ana", locale="en")
    url = f"/aurora/flag/debate/{debate_id}"
    assert client.get(url).status_code == 200
    response = client.post(url, data={"reason": "nonsense"})
    assert response.status_code == 400
    response = client.post(url, data={"reason": "spam", "note": "Advertising a shop"})
    assert response.status_code == 303
    again = client.post(url, data={"reason": "spam"})
    assert again.status_code == 303  # told it was already flagged, nothing added
    with app.app_context():
        assert db.session.scalar(select(func.count(Flag.id))) == 1
        assert db.session.get(Debate, debate_id).flags_count == 1
        flag = db.session.scalar(select(Flag))
        assert (flag.reason, flag.note, flag.target_type) == ("spam", "Advertising a shop",
                                                              "debate")


def test_comments_can_be_flagged_but_not_ones_own(app, logged_in, make_user) -> None:
    make_user("author")
    debate_id = new_debate(app, author="author")
    theirs = new_comment(app, debate_id, author="author")
    client = logged_in("ana", locale="en")
    mine = new_comment(app, debate_id, author="ana")
    assert client.post(f"/aurora/flag/comment/{theirs}",
                       data={"reason": "offensive"}).status_code == 303
    assert client.post(f"/aurora/flag/comment/{mine}",
                       data={"reason": "offensive"}).status_code == 403
    with app.app_context():
        assert db.session.get(Comment, theirs).flags_count == 1


def test_flags_respect_spaces_and_sign_in(app, client, make_user, logged_in) -> None:
    make_user("author")
    debate_id = new_debate(app, author="author")
    assert client.get(f"/aurora/flag/debate/{debate_id}").status_code == 302
    logged_in("ana")
    assert client.get(f"/borealis/flag/debate/{debate_id}").status_code == 404
    assert client.get(f"/aurora/flag/proposal/{debate_id}").status_code == 404
