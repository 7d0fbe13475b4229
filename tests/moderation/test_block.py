"""Blocking an author: a confirmation page first; then all their content is hidden, their roles
go, their sessions end and they cannot sign in again."""

from __future__ import annotations

from sqlalchemy import select

from decide.accounts.models import RoleAssignment, UserSession
from decide.extensions import db
from decide.moderation.models import AccountBlock
from tests.conftest import login
from tests.debates.helpers import new_comment, new_debate
from tests.moderation.helpers import audit_actions, flag_by, is_hidden, unresolved, user_id
from tests.proposals.helpers import new_proposal


def _moderator(client, make_user, name: str = "mod", **kwargs) -> None:
    make_user(name, locale="en", roles=[("city", "aurora", "moderator")], **kwargs)
    login(client, name)


def test_block_asks_for_confirmation_then_blocks(app, client, make_user) -> None:
    make_user("troll", roles=[("city", "borealis", "moderator")])
    make_user("ana")
    debate = new_debate(app, author="troll", title="Troll debate")
    other_debate = new_debate(app, author="ana")
    comment = new_comment(app, other_debate, author="troll", body="Troll comment")
    proposal = new_proposal(app, author="troll", title="Troll proposal")
    elsewhere = new_debate(app, author="troll", where="borealis")
    flag_by(app, make_user, "debate", debate, 2)
    # The troll is signed in somewhere.
    troll_browser = app.test_client()
    login(troll_browser, "troll")
    _moderator(client, make_user)

    confirm = client.post("/aurora/moderation/debate/bulk",
                          data={"action": "block", "ids": [debate], "note": "Spam account"})
    html = confirm.get_data(as_text=True)
    assert confirm.status_code == 200
    assert "Block authors" in html and "troll" in html
    assert "Moderator (Borealis)" in html  # the roles it would lose
    assert f'name="user_ids" value="{user_id(app, "troll")}"' in html
    assert "Spam account</textarea>" in html
    # Nothing happened yet.
    assert not is_hidden(app, "debate", debate)
    with app.app_context():
        assert db.session.scalar(select(AccountBlock.id)) is None

    response = client.post("/aurora/moderation/debate/block?status=pending",
                           data={"user_ids": [user_id(app, "troll")], "note": "Spam account"})
    assert response.status_code == 303
    assert response.location.endswith("/aurora/moderation/debate/?status=pending")
    for target_type, item in (("debate", debate), ("comment", comment),
                              ("proposal", proposal), ("debate", elsewhere)):
        assert is_hidden(app, target_type, item), target_type
    assert not is_hidden(app, "debate", other_debate)
    assert unresolved(app, "debate", debate) == 0
    troll = user_id(app, "troll")
    with app.app_context():
        assert db.session.scalar(select(RoleAssignment).where(
            RoleAssignment.user_id == troll)) is None
        assert db.session.scalar(select(UserSession).where(
            UserSession.user_id == troll, UserSession.revoked_at.is_(None))) is None
        block = db.session.scalar(select(AccountBlock))
        assert block.user_id == troll and block.note == "Spam account"
    actions = audit_actions(app)
    assert ("moderation.block", user_id(app, "mod"), None, None) in actions
    assert sum(1 for a in actions if a[0] == "moderation.hide") == 4
    # Signed out everywhere, and the right password no longer lets them in.
    assert troll_browser.get("/notifications/").status_code == 302
    again = login(app.test_client(), "troll")
    assert again.status_code == 403
    # The blocked author is marked in the queue.
    html = client.get("/aurora/moderation/debate/?status=hidden").get_data(as_text=True)
    assert "Blocked" in html


def test_a_blocked_author_cannot_sign_in_even_after_a_password_reset(app, make_user) -> None:
    from decide.accounts.services import find_by_username, set_password
    from decide.moderation import services
    from tests.debates.helpers import space

    make_user("troll")
    make_user("mod", roles=[("city", "aurora", "moderator")])
    new_debate(app, author="troll")
    with app.test_request_context():
        services.block_authors(find_by_username("mod"), space("aurora"),
                               [find_by_username("troll").id])
        set_password(find_by_username("troll"), "another-long-password")
        db.session.commit()
    browser = app.test_client()
    response = login(browser, "troll", "another-long-password")
    assert response.status_code == 403
    assert browser.get("/notifications/").status_code == 302  # not signed in


def test_nobody_blocks_themselves_a_deployment_admin_or_an_administrator(app, client,
                                                                         make_user) -> None:
    make_user("root", deployment_admin=True)
    make_user("boss", roles=[("city", "borealis", "administrator")])
    _moderator(client, make_user)
    own = new_debate(app, author="mod")
    root = new_debate(app, author="root")
    boss = new_debate(app, author="boss")
    for author, item, message in (("mod", own, "You cannot block yourself."),
                                  ("root", root, "Deployment administrators cannot be "
                                                 "blocked."),
                                  ("boss", boss, "is an administrator")):
        page = client.post("/aurora/moderation/debate/bulk",
                           data={"action": "block", "ids": [item]}).get_data(as_text=True)
        assert message in page
        assert 'name="user_ids"' not in page  # nothing to confirm
        forced = client.post("/aurora/moderation/debate/block",
                             data={"user_ids": [user_id(app, author)]})
        assert forced.status_code == 403
        assert message in forced.get_data(as_text=True)
        assert not is_hidden(app, "debate", item)
    with app.app_context():
        assert db.session.scalar(select(AccountBlock.id)) is None
        assert db.session.scalar(select(RoleAssignment.id).where(
            RoleAssignment.user_id == user_id(app, "boss"))) is not None


def test_only_authors_of_this_spaces_content_can_be_blocked_from_it(app, client,
                                                                   make_user) -> None:
    make_user("stranger")
    new_debate(app, author="stranger", where="borealis")
    _moderator(client, make_user)
    response = client.post("/aurora/moderation/debate/block",
                           data={"user_ids": [user_id(app, "stranger")]})
    assert response.status_code == 404
    empty = client.post("/aurora/moderation/debate/block", data={})
    assert empty.status_code == 400 and "Select at least one item." in \
        empty.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(AccountBlock.id)) is None
