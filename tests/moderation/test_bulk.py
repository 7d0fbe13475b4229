"""Bulk decisions on a queue: hide (the author is told why, in their language), ignore the
flags, restore, confirm; each audited; bad input refused with nothing changed."""

from __future__ import annotations

from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path

from sqlalchemy import select

from decide.extensions import db
from decide.moderation.models import Hiding
from decide.notifications.models import Notification
from tests.conftest import login
from tests.debates.helpers import new_debate
from tests.moderation.helpers import audit_actions, flag_by, is_hidden, unresolved, user_id


def _moderator(client, make_user, name: str = "mod") -> None:
    make_user(name, locale="en", roles=[("city", "aurora", "moderator")])
    login(client, name)


def _notifications(app, username: str) -> list[Notification]:
    with app.app_context():
        rows = list(db.session.scalars(select(Notification).where(
            Notification.user_id == user_id(app, username))))
        db.session.expunge_all()
        return rows


def _mails_to(app, address: str) -> list[str]:
    folder = Path(app.instance_path) / "mail"
    found = []
    for path in sorted(folder.glob("*.eml")) if folder.exists() else []:
        message = message_from_bytes(path.read_bytes(), policy=default_policy)
        if message["To"] == address:
            body = message.get_body(preferencelist=("plain",))
            found.append(f"{message['Subject']}\n{body.get_content() if body else ''}")
    return found


def test_bulk_hide_hides_resolves_audits_and_tells_each_author(app, client,
                                                               make_user) -> None:
    make_user("ana", locale="es")
    make_user("bea", locale="pt_BR")
    first = new_debate(app, author="ana", title="Relojes baratos")
    second = new_debate(app, author="bea", title="Relógios baratos")
    untouched = new_debate(app, author="ana", title="Left alone")
    for item in (first, second, untouched):
        flag_by(app, make_user, "debate", item, 2, "spam")
    _moderator(client, make_user)
    response = client.post("/aurora/moderation/debate/bulk?status=pending&order=date",
                           data={"action": "hide", "ids": [first, second]})
    assert response.status_code == 303
    assert response.location.endswith("/aurora/moderation/debate/?status=pending&order=date")
    assert "2 items hidden" in client.get(response.location).get_data(as_text=True)
    assert is_hidden(app, "debate", first) and is_hidden(app, "debate", second)
    assert not is_hidden(app, "debate", untouched)
    assert unresolved(app, "debate", first) == 0 and unresolved(app, "debate", untouched) == 2
    mod = user_id(app, "mod")
    assert [a for a in audit_actions(app) if a[0] == "moderation.hide"] == [
        ("moderation.hide", mod, "debate", first), ("moderation.hide", mod, "debate", second)]
    # Each author hears of it, with the flags' reasons in their own language (the moderator
    # reads English).
    [to_ana] = _notifications(app, "ana")
    assert to_ana.kind == "content_hidden" and to_ana.target_id == first
    assert "Relojes baratos" in to_ana.title and "Spam o publicidad (2)" in to_ana.title
    [to_bea] = _notifications(app, "bea")
    assert "Spam ou publicidade (2)" in to_bea.title
    [mail] = _mails_to(app, "bea@example.org")
    assert "Spam ou publicidade (2)" in mail
    # The moderator's identity is not given to the author.
    assert to_ana.last_actor_id is None


def test_a_note_replaces_the_flag_reasons_for_the_author(app, client, make_user) -> None:
    make_user("ana", locale="en")
    debate = new_debate(app)
    flag_by(app, make_user, "debate", debate, 1)
    _moderator(client, make_user)
    client.post("/aurora/moderation/debate/bulk",
                data={"action": "hide", "ids": [debate], "note": "Personal data of others."})
    [notification] = _notifications(app, "ana")
    assert "Personal data of others." in notification.title
    html = client.get("/aurora/moderation/debate/?status=hidden").get_data(as_text=True)
    assert "Personal data of others." in html and "Hidden by a moderator" in html
    with app.app_context():
        assert db.session.scalar(select(Hiding.note)) == "Personal data of others."


def test_the_notification_centre_says_why_in_the_authors_language(app, client,
                                                                  make_user) -> None:
    make_user("ana", locale="en")
    debate = new_debate(app, title="Cheap watches")
    flag_by(app, make_user, "debate", debate, 3, "off_topic")
    _moderator(client, make_user)
    client.post("/aurora/moderation/debate/bulk", data={"action": "hide", "ids": [debate]})
    author = app.test_client()
    login(author, "ana")
    html = author.get("/notifications/").get_data(as_text=True)
    assert "Moderators hid your content" in html
    assert "Cheap watches" in html and "Off-topic (3)" in html


def test_ignore_resolves_the_flags_and_keeps_the_item(app, client, make_user) -> None:
    make_user("ana")
    debate = new_debate(app)
    flag_by(app, make_user, "debate", debate, 2)
    _moderator(client, make_user)
    response = client.post("/aurora/moderation/debate/bulk",
                           data={"action": "ignore", "ids": [debate]})
    assert response.status_code == 303
    assert unresolved(app, "debate", debate) == 0 and not is_hidden(app, "debate", debate)
    assert ("moderation.ignore_flags", user_id(app, "mod"), "debate", debate) in \
        audit_actions(app)
    assert _notifications(app, "ana") == []
    assert app.test_client().get(f"/aurora/debates/{debate}").status_code == 200


def test_restore_from_the_hidden_list(app, client, make_user) -> None:
    make_user("ana")
    debate = new_debate(app)
    flag_by(app, make_user, "debate", debate, 1)
    _moderator(client, make_user)
    client.post("/aurora/moderation/debate/bulk", data={"action": "hide", "ids": [debate]})
    assert app.test_client().get(f"/aurora/debates/{debate}").status_code == 404
    response = client.post("/aurora/moderation/debate/bulk?status=hidden",
                           data={"action": "restore", "ids": [debate]})
    assert response.status_code == 303
    assert not is_hidden(app, "debate", debate)
    assert app.test_client().get(f"/aurora/debates/{debate}").status_code == 200
    assert ("moderation.restore", user_id(app, "mod"), "debate", debate) in audit_actions(app)
    with app.app_context():
        assert db.session.scalar(select(Hiding.restored_at)) is not None
    # Restored with its flags reviewed: it is now among the ignored, not pending again.
    html = client.get("/aurora/moderation/debate/?status=ignored").get_data(as_text=True)
    assert f"/aurora/moderation/debate/{debate}" in html


def test_administrators_restore_too(app, client, make_user) -> None:
    make_user("ana")
    make_user("admin", locale="en", roles=[("city", "aurora", "administrator")])
    debate = new_debate(app)
    _moderator(client, make_user)
    client.post("/aurora/moderation/debate/bulk", data={"action": "hide", "ids": [debate]})
    admin = app.test_client()
    login(admin, "admin")
    assert admin.post("/aurora/moderation/debate/bulk?status=hidden",
                      data={"action": "restore", "ids": [debate]}).status_code == 303
    assert not is_hidden(app, "debate", debate)


def test_empty_selection_is_refused_in_the_readers_language(app, client, make_user) -> None:
    make_user("ana")
    debate = new_debate(app)
    flag_by(app, make_user, "debate", debate, 1)
    _moderator(client, make_user)
    response = client.post("/aurora/moderation/debate/bulk",
                           data={"action": "hide", "note": "kept"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Select at least one item." in html
    assert "kept</textarea>" in html  # what the moderator typed stays
    assert not is_hidden(app, "debate", debate) and unresolved(app, "debate", debate) == 1


def test_ids_of_another_space_change_nothing(app, client, make_user) -> None:
    make_user("ana")
    here = new_debate(app)
    there = new_debate(app, where="borealis")
    flag_by(app, make_user, "debate", here, 1)
    flag_by(app, make_user, "debate", there, 1, where="borealis")
    _moderator(client, make_user)
    for action in ("hide", "ignore", "block"):
        response = client.post("/aurora/moderation/debate/bulk",
                               data={"action": action, "ids": [here, there]})
        assert response.status_code == 404
        assert "Page not found" in response.get_data(as_text=True)
    assert not is_hidden(app, "debate", here) and not is_hidden(app, "debate", there)
    assert unresolved(app, "debate", here) == 1 and unresolved(app, "debate", there) == 1
    assert audit_actions(app) == []


def test_malformed_requests_are_refused(app, client, make_user) -> None:
    make_user("ana")
    debate = new_debate(app)
    flag_by(app, make_user, "debate", debate, 1)
    _moderator(client, make_user)
    assert client.post("/aurora/moderation/nonsense/bulk",
                       data={"action": "hide", "ids": [debate]}).status_code == 404
    assert client.get("/aurora/moderation/nonsense/").status_code == 404
    # Something registered but not hideable is no queue either.
    assert client.get("/aurora/moderation/declaration/").status_code == 404
    bad_id = client.post("/aurora/moderation/debate/bulk", data={"action": "hide",
                                                                "ids": ["1; drop"]})
    assert bad_id.status_code == 400 and "Choose items from the list." in \
        bad_id.get_data(as_text=True)
    bad_action = client.post("/aurora/moderation/debate/bulk",
                             data={"action": "explode", "ids": [debate]})
    assert bad_action.status_code == 400 and "Choose an action." in \
        bad_action.get_data(as_text=True)
    assert client.get("/aurora/moderation/debate/?status=whatever").status_code == 400
    assert client.get("/aurora/moderation/debate/?order=whatever").status_code == 400
    assert client.post("/aurora/moderation/debate/bulk?order=x",
                       data={"action": "hide", "ids": [debate]}).status_code == 400
    too_long = client.post("/aurora/moderation/debate/bulk",
                           data={"action": "hide", "ids": [debate], "note": "x" * 501})
    assert too_long.status_code == 400
    assert not is_hidden(app, "debate", debate) and unresolved(app, "debate", debate) == 1


def test_authors_see_their_hidden_content_and_why_in_their_language(app, client,
                                                                    make_user) -> None:
    make_user("ana", locale="pt_BR")
    make_user("bo")
    mine = new_debate(app, author="ana", title="Relógios baratos")
    theirs = new_debate(app, author="bo", title="Not yours")
    elsewhere = new_debate(app, author="ana", where="borealis", title="Other city")
    flag_by(app, make_user, "debate", mine, 2, "spam")
    _moderator(client, make_user)
    client.post("/aurora/moderation/debate/bulk", data={"action": "hide", "ids": [mine, theirs]})
    make_user("bmod", roles=[("city", "borealis", "moderator")])
    other = app.test_client()
    login(other, "bmod")
    other.post("/borealis/moderation/debate/bulk", data={"action": "hide", "ids": [elsewhere]})
    author = app.test_client()
    login(author, "ana")
    html = author.get("/aurora/moderation/mine").get_data(as_text=True)
    assert "Relógios baratos" in html and "Spam ou publicidade (2)" in html
    assert "Not yours" not in html and "Other city" not in html
    # Restored content leaves the list.
    client.post("/aurora/moderation/debate/bulk?status=hidden",
                data={"action": "restore", "ids": [mine]})
    assert "Relógios baratos" not in author.get("/aurora/moderation/mine").get_data(
        as_text=True)
    assert app.test_client().get("/aurora/moderation/mine").status_code == 302
