"""Follow and unfollow any target, the follow button, and comments told to followers."""

from __future__ import annotations

import re
import threading
from typing import Any

import pytest
from flask import render_template_string

from decide.accounts.models import User
from decide.extensions import db
from tests.conftest import mailbox
from tests.follows.conftest import Content


def user_id(app, username: str) -> int:
    with app.app_context():
        return int(db.session.scalar(db.select(User.id).where(User.username == username)))


def test_follow_and_unfollow_from_the_page(app, content: Content, logged_in) -> None:
    client = logged_in("carla", locale="en")
    carla, ana = user_id(app, "carla"), content.user("ana")
    debate = content.debate(ana)
    page_path = f"/aurora/debates/{debate}"
    response = client.post(f"/aurora/follows/debate/{debate}", data={"next": page_path})
    assert response.status_code == 303 and response.location == page_path
    assert content.follows() == {(carla, "debate", debate, content.space_id())}
    # Twice (a double click) is still one follow, and not an error.
    assert client.post(f"/aurora/follows/debate/{debate}").status_code == 303
    assert len(content.follows()) == 1
    response = client.post(f"/aurora/follows/debate/{debate}/unfollow", data={"next": page_path},
                           follow_redirects=True)
    assert response.status_code == 200 and "You no longer follow this." in response.get_data(
        as_text=True)
    assert content.follows() == set()
    assert client.post(f"/aurora/follows/debate/{debate}/unfollow").status_code == 303


def test_without_next_or_with_a_foreign_one(app, content: Content, logged_in) -> None:
    client = logged_in("carla", locale="en")
    debate = content.debate(content.user("ana"))
    response = client.post(f"/aurora/follows/debate/{debate}")
    assert response.location == f"/aurora/debates/{debate}"  # the target's page
    for foreign in ("https://evil.example/", "//evil.example/x", "/a\nb"):
        response = client.post(f"/aurora/follows/debate/{debate}", data={"next": foreign})
        assert response.status_code == 303 and "evil" not in response.location
        assert "\n" not in response.location


def test_bad_targets_are_not_found(app, content: Content, logged_in) -> None:
    client = logged_in("carla", locale="en")
    debate = content.debate(content.user("ana"))
    assert client.post(f"/aurora/follows/pigeon/{debate}").status_code == 404
    assert client.post(f"/alliances/pact/follows/debate/{debate}").status_code == 404
    assert client.post("/aurora/follows/debate/999999").status_code == 404
    assert client.post("/aurora/follows/debate/2147483648").status_code == 404
    assert client.post(f"/aurora/follows/pigeon/{debate}/unfollow").status_code == 404
    assert client.get(f"/aurora/follows/debate/{debate}").status_code == 405
    assert content.follows() == set()


def test_a_hidden_target_cannot_be_followed(app, content: Content, logged_in) -> None:
    from decide.core.db import utcnow
    from decide.debates.models import Debate

    client = logged_in("carla", locale="en")
    debate = content.debate(content.user("ana"))
    with app.app_context():
        db.session.get(Debate, debate).hidden_at = utcnow()
        db.session.commit()
    assert client.post(f"/aurora/follows/debate/{debate}").status_code == 404
    assert content.follows() == set()


def test_signing_in_is_needed(app, content: Content, client) -> None:
    debate = content.debate(content.user("ana"))
    response = client.post(f"/aurora/follows/debate/{debate}")
    assert response.status_code == 302 and "/accounts/login" in response.location
    assert content.follows() == set()


def test_the_form_needs_its_csrf_token(app, content: Content, logged_in) -> None:
    client = logged_in("carla", locale="en")
    debate = content.debate(content.user("ana"))
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert client.post(f"/aurora/follows/debate/{debate}").status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert content.follows() == set()


def test_the_script_gets_the_button_back(app, content: Content, logged_in) -> None:
    client = logged_in("carla", locale="en")
    debate = content.debate(content.user("ana"))
    response = client.post(f"/aurora/follows/debate/{debate}",
                           headers={"X-Requested-With": "decide-fetch"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.strip().startswith(f'<div class="follow" data-fragment="follow-debate-{debate}">')
    assert "Following — stop following" in html and "1 follower" in html
    assert f'action="/aurora/follows/debate/{debate}/unfollow"' in html
    assert f'name="next" value="/aurora/debates/{debate}"' in html


def render_button(app, debate_id: int, username: str | None) -> str:
    from flask import g

    from decide.debates.models import Debate

    with app.test_request_context(f"/aurora/debates/{debate_id}",
                                  headers={"Accept-Language": "en"}):
        app.preprocess_request()
        if username:
            # The reader, as Flask-Login holds them for the request (no session needed here).
            g._login_user = db.session.scalar(db.select(User).where(User.username == username))
        return render_template_string(
            '{% from "follows/_macros.html" import follow_button with context %}'
            "{{ follow_button(debate) }}", debate=db.session.get(Debate, debate_id))


def test_the_button_shows_the_state_and_the_count(app, content: Content, count_queries) -> None:
    from decide.follows import services

    ana, bea, carla = content.user("ana"), content.user("bea"), content.user("carla")
    debate = content.debate(ana)
    html = render_button(app, debate, "carla")
    assert re.search(r'<button class="btn btn--ghost btn--small" type="submit">Follow</button>',
                     html)
    assert "follower" not in html and f'action="/aurora/follows/debate/{debate}"' in html
    with app.test_request_context():
        for person in (bea, carla):
            services.follow(db.session.get(User, person), content_space(app), "debate", debate)
    html = render_button(app, debate, "carla")
    assert "Following — stop following" in html and "2 followers" in html
    assert 'name="csrf_token"' in html
    anonymous = render_button(app, debate, None)
    assert "Sign in to follow" in anonymous and "2 followers" in anonymous
    assert "<form" not in anonymous
    with count_queries() as counter:
        render_button(app, debate, None)
    assert len([s for s in counter.statements if "follows" in s]) == 1


def content_space(app) -> Any:
    from decide.cities.queries import city_by_slug

    return city_by_slug("aurora")


def test_simultaneous_follows_make_one_row(app, content: Content) -> None:
    """Two requests of one person at once (a double click on two workers): one row, no
    error. Uses the engine's own conflict handling, so PostgreSQL runs it for real."""
    from decide.follows import services

    carla = content.user("carla")
    debate = content.debate(content.user("ana"))
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def work() -> None:
        try:
            with app.test_request_context():
                barrier.wait(timeout=10)
                services.follow(db.session.get(User, carla), content_space(app), "debate",
                                debate)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors
    assert content.follows() == {(carla, "debate", debate, content.space_id())}


def test_services_read_followers(app, content: Content) -> None:
    from decide.follows import services

    ana, bea, carla = content.user("ana"), content.user("bea"), content.user("carla")
    one, two = content.debate(ana, title="First debate here"), content.debate(
        ana, title="Second debate here")
    with app.test_request_context():
        space = content_space(app)
        services.follow(db.session.get(User, carla), space, "debate", one)
        services.follow(db.session.get(User, bea), space, "debate", one)
        services.follow(db.session.get(User, bea), space, "debate", two)
        assert services.follower_ids("debate", one) == [carla, bea]
        assert services.is_following(db.session.get(User, bea), "debate", two)
        services.unfollow(db.session.get(User, bea), space, "debate", two)
        assert not services.is_following(db.session.get(User, bea), "debate", two)
        assert services.follower_ids("debate", two) == []


# --- comments told to followers -----------------------------------------------------------

def follow_as(app, user: int, debate: int) -> None:
    from decide.follows import services

    with app.test_request_context():
        services.follow(db.session.get(User, user), content_space(app), "debate", debate)


def test_followers_hear_of_every_comment_once(app, content: Content) -> None:
    ana, bea, carla, dani = (content.user(n) for n in ("ana", "bea", "carla", "dani"))
    debate = content.debate(ana)
    for follower in (carla, dani, ana):  # the author follows too
        follow_as(app, follower, debate)
    first = content.comment(bea, debate)  # ana: comment_on_debate; carla, dani: followed
    content.comment(carla, debate, parent_id=first)  # bea: reply; dani: followed; ana: followed
    content.comment(dani, debate)  # the author of a comment never hears of it
    assert content.notifications() == {
        (ana, "comment_on_debate", "debate", debate, 2),
        (ana, "comment_on_followed", "debate", debate, 1),
        (bea, "reply_to_comment", "comment", first, 1),
        (carla, "comment_on_followed", "debate", debate, 2),
        (dani, "comment_on_followed", "debate", debate, 2),
    }
    messages = {(m["to"], m["subject"]) for m in mailbox(app)}
    assert ("carla@example.org",
            "bea commented on “Shade for the main square”, which you follow") in messages
    # One e-mail per unread notification: five notifications, five e-mails.
    assert len(mailbox(app)) == 5


def test_a_follower_who_is_replied_to_hears_it_once(app, content: Content) -> None:
    ana, bea, carla = content.user("ana"), content.user("bea"), content.user("carla")
    debate = content.debate(ana)
    follow_as(app, carla, debate)
    own = content.comment(carla, debate)
    content.comment(bea, debate, parent_id=own)
    assert {n for n in content.notifications() if n[0] == carla} == {
        (carla, "reply_to_comment", "comment", own, 1)}


def test_unfollowed_or_deleted_followers_hear_nothing(app, content: Content) -> None:
    from decide.accounts.services import anonymise
    from decide.follows import services

    ana, bea, carla = content.user("ana"), content.user("bea"), content.user("carla")
    debate = content.debate(ana)
    follow_as(app, carla, debate)
    follow_as(app, bea, debate)
    with app.test_request_context():
        services.unfollow(db.session.get(User, carla), content_space(app), "debate", debate)
        anonymise(db.session.get(User, bea))
    content.comment(content.user("emma"), debate)
    assert {n[0] for n in content.notifications()} == {ana}


# --- personal data ------------------------------------------------------------------------

@pytest.mark.parametrize("module_name", ["follows", "notifications"])
def test_personal_data_and_erasure(app, content: Content, module_name: str) -> None:
    from decide.core.modules import registry

    ana, bea, carla = content.user("ana"), content.user("bea"), content.user("carla")
    debate = content.debate(ana)
    follow_as(app, carla, debate)
    follow_as(app, bea, debate)
    content.comment(bea, debate)
    content.comment(ana, debate)
    module = registry.get(module_name)
    with app.app_context():
        data = module.personal_data(db.session.get(User, carla))
        if module_name == "follows":
            assert [(d["target"], d["space_id"]) for d in data] == [
                (f"debate:{debate}", content.space_id())]
        else:
            assert [(d["kind"], d["title"], d["read"], d["count"]) for d in data] == [
                ("comment_on_followed", "Shade for the main square", False, 2)]
            assert data[0]["created_at"]
        module.erase_personal_data(db.session.get(User, carla))
        module.erase_personal_data(db.session.get(User, bea))
        db.session.commit()
        assert module.personal_data(db.session.get(User, carla)) == []
    if module_name == "follows":
        assert {f[0] for f in content.follows()} == set()
    else:
        # Nothing of carla's or bea's left: ana's notification no longer names bea.
        from decide.notifications.models import Notification

        with app.app_context():
            rows = db.session.scalars(db.select(Notification)).all()
            assert {n.user_id for n in rows} == {ana}
            assert all(n.last_actor_id != bea for n in rows)


def test_the_data_download_and_account_deletion(app, content: Content) -> None:
    """Through the accounts module: the download has the person's follows and notifications;
    deleting the account removes both."""
    from decide.accounts.services import anonymise, export_personal_data
    from decide.notifications.models import Notification

    ana, bea, carla = content.user("ana"), content.user("bea"), content.user("carla")
    debate = content.debate(ana)
    follow_as(app, carla, debate)
    content.comment(bea, debate)
    with app.app_context():
        data = export_personal_data(db.session.get(User, carla))
        assert [f["target"] for f in data["follows"]] == [f"debate:{debate}"]
        assert [(n["kind"], n["read"]) for n in data["notifications"]] == [
            ("comment_on_followed", False)]
        anonymise(db.session.get(User, carla))
        assert db.session.scalars(db.select(Notification).where(
            Notification.user_id == carla)).all() == []
    assert {f[0] for f in content.follows()} == set()
