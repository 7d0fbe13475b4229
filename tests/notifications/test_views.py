"""The notification centre, opening a notification, the header count, preferences and the
one-click unsubscribe pages."""

from __future__ import annotations

import re

import pytest

from decide.accounts.models import User
from decide.extensions import db
from tests.notifications.conftest import World, body_of, raw_messages


def opt_outs(app, user_id: int) -> list[str]:
    with app.app_context():
        return list(db.session.get(User, user_id).email_opt_outs)


def user_id(app, username: str) -> int:
    with app.app_context():
        return int(db.session.scalar(db.select(User.id).where(User.username == username)))


def unsubscribe_path(app) -> str:
    [message] = raw_messages(app)
    [url] = re.findall(r"http://decide\.test(/notifications/unsubscribe/\S+)", body_of(message))
    return url


def test_the_centre_needs_signing_in(client) -> None:
    response = client.get("/notifications/")
    assert response.status_code == 302 and "/accounts/login" in response.location


def test_empty_centre(logged_in) -> None:
    client = logged_in("ana", locale="en")
    page = client.get("/notifications/").get_data(as_text=True)
    assert "No notifications yet." in page
    assert "You have no unread notifications." in page
    assert "Mark all as read" not in page


def test_centre_lists_notifications_newest_first(app, world: World, logged_in) -> None:
    client = logged_in("ana", locale="en")
    ana = user_id(app, "ana")
    bea, carla = world.user("bea"), world.user("carla")
    older = world.debate(ana, title="Benches & shade", space="pact", kind="alliance")
    newer = world.debate(ana, title="Night buses")
    own = world.comment(ana, newer)
    world.comment(bea, older)
    world.comment(bea, older)
    world.comment(carla, older)
    world.comment(bea, newer, parent_id=own)
    page = client.get("/notifications/").get_data(as_text=True)
    assert "bea replied to your comment on “Night buses”" in page
    assert "3 new comments on your debate “Benches &amp; shade”" in page
    assert page.index("Night buses") < page.index("Benches")
    assert "Test pact" in page and "Aurora" in page  # the space of each, in the reader's language
    assert page.count(">Unread</span>") == 2
    assert "You have 2 unread notifications." in page
    assert re.search(r'<time datetime="[^"]+" title="[^"]+">[^<]*ago</time>', page)


def test_one_comment_names_who_wrote_it(app, world: World, logged_in) -> None:
    client = logged_in("ana", locale="en")
    ana, bea = user_id(app, "ana"), world.user("bea")
    world.comment(bea, world.debate(ana, title="Night buses"))
    page = client.get("/notifications/").get_data(as_text=True)
    assert "bea commented on your debate “Night buses”" in page


def test_pagination_shows_twenty_per_page(app, world: World, logged_in) -> None:
    client = logged_in("ana", locale="en")
    ana = user_id(app, "ana")
    bea = world.user("bea")
    for i in range(25):
        world.comment(bea, world.debate(ana, title=f"Debate number {i:02d}"))
    first = client.get("/notifications/").get_data(as_text=True)
    second = client.get("/notifications/?page=2").get_data(as_text=True)
    assert len(re.findall(r'href="/notifications/\d+"', first)) == 20
    assert "Debate number 24" in first and "Debate number 04" not in first
    assert "Debate number 04" in second and "Debate number 05" not in second
    assert "Page 1 of 2" in first and 'rel="next"' in first
    assert client.get("/notifications/?page=abc").status_code == 400


@pytest.mark.usefixtures("stub_urls")
def test_opening_marks_read_and_goes_to_the_newest_comment(app, world: World,
                                                           logged_in) -> None:
    client = logged_in("ana", locale="en")
    ana, bea = user_id(app, "ana"), world.user("bea")
    debate = world.debate(ana)
    world.comment(bea, debate)
    last = world.comment(bea, debate)
    [n] = world.notifications()
    response = client.get(f"/notifications/{n['id']}")
    assert response.status_code == 302
    assert response.location.endswith(f"/stub/debates/{debate}#comment-{last}")
    assert world.notifications()[0]["read"]


@pytest.mark.usefixtures("stub_urls")
def test_opening_a_reply_goes_to_the_reply(app, world: World, logged_in) -> None:
    client = logged_in("ana", locale="en")
    ana, bea = user_id(app, "ana"), world.user("bea")
    debate = world.debate(bea)
    own = world.comment(ana, debate)
    reply = world.comment(bea, debate, parent_id=own)
    [n] = world.notifications(ana)
    response = client.get(f"/notifications/{n['id']}")
    assert response.location.endswith(f"#comment-{reply}")


def test_opening_with_the_debates_module_page_builders(app, world: World, logged_in) -> None:
    """Page paths as the debates and comments modules build them, outside any space URL."""
    client = logged_in("ana", locale="en")
    ana, bea = user_id(app, "ana"), world.user("bea")
    debate = world.debate(ana)
    last = world.comment(bea, debate)
    [n] = world.notifications()
    response = client.get(f"/notifications/{n['id']}")
    assert response.status_code == 302
    assert f"/{debate}" in response.location and response.location.endswith(f"#comment-{last}")


def test_someone_elses_notification_is_not_found(world: World, logged_in) -> None:
    ana, bea = world.user("ana"), world.user("bea")
    world.comment(bea, world.debate(ana))
    [n] = world.notifications()
    client = logged_in("carla", locale="en")
    assert client.get(f"/notifications/{n['id']}").status_code == 404
    assert client.get("/notifications/999999").status_code == 404
    assert not world.notifications()[0]["read"]


def test_opening_a_notification_whose_item_is_gone(app, world: World, logged_in) -> None:
    from decide.debates.models import Debate

    client = logged_in("ana", locale="en")
    ana, bea = user_id(app, "ana"), world.user("bea")
    debate = world.debate(ana)
    world.comment(bea, debate)
    [n] = world.notifications()
    with app.app_context():
        db.session.execute(db.delete(Debate).where(Debate.id == debate))
        db.session.commit()
    response = client.get(f"/notifications/{n['id']}", follow_redirects=True)
    assert response.request.path == "/notifications/"
    assert "no longer available" in response.get_data(as_text=True)


def test_mark_all_read(app, world: World, logged_in) -> None:
    client = logged_in("ana", locale="en")
    ana, bea = user_id(app, "ana"), world.user("bea")
    world.comment(bea, world.debate(ana, title="One"))
    world.comment(bea, world.debate(ana, title="Two"))
    assert client.get("/notifications/read-all").status_code == 405
    response = client.post("/notifications/read-all", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "2 notifications marked as read." in page
    assert all(n["read"] for n in world.notifications())
    assert ">Unread</span>" not in page


def test_header_shows_the_unread_count(app, world: World, logged_in, client) -> None:
    assert ">Notifications<" not in client.get("/", headers={"Accept-Language": "en"}).get_data(
        as_text=True)
    client = logged_in("ana", locale="en")
    page = client.get("/").get_data(as_text=True)
    assert 'href="/notifications/"' in page and "unread" not in page
    ana, bea = user_id(app, "ana"), world.user("bea")
    world.comment(bea, world.debate(ana, title="One"))
    world.comment(bea, world.debate(ana, title="Two"))
    page = client.get("/accounts/settings").get_data(as_text=True)
    assert 'aria-label="Notifications: 2 unread"' in page
    assert '<span class="badge badge--verified" aria-hidden="true">2</span>' in page


def test_header_count_is_one_query(app, world: World, logged_in, count_queries) -> None:
    client = logged_in("ana", locale="en")
    client.get("/terms")
    with count_queries() as counter:
        client.get("/terms")
    counts = [s for s in counter.statements if "notifications" in s]
    assert len(counts) == 1 and "count(" in counts[0].lower()


def centre_queries(app, world: World, client, count_queries, how_many: int) -> int:
    ana = user_id(app, "ana")
    actors = [world.user(f"actor{i}") for i in range(3)]
    debates = [world.debate(ana, title=f"Debate {i}") for i in range(how_many)]
    for i, debate in enumerate(debates):
        world.comment(actors[i % 3], debate)
    with count_queries() as counter:
        response = client.get("/notifications/")
    assert response.status_code == 200
    return counter.count


def test_centre_queries_do_not_grow_with_notifications(app, world: World, logged_in,
                                                       count_queries) -> None:
    from tests.conftest import clear_data, load_fixture_spaces

    client = logged_in("ana", locale="en")
    few = centre_queries(app, world, client, count_queries, 3)
    clear_data(app)
    load_fixture_spaces(app)
    client = logged_in("ana", locale="en")
    many = centre_queries(app, world, client, count_queries, 60)
    assert few == many <= 8


def test_preferences(app, logged_in) -> None:
    """One box per kind the modules declare (read from the registry), all ticked at first."""
    from decide.core.modules import registry

    kinds = [kind.name for kind in registry.notification_kinds()]
    assert {"comment_on_debate", "reply_to_comment", "comment_on_followed"} <= set(kinds)
    client = logged_in("ana", locale="en")
    ana = user_id(app, "ana")
    page = client.get("/notifications/preferences").get_data(as_text=True)
    assert "Someone comments on a debate I started" in page
    assert "Someone comments on something I follow" in page
    assert page.count("checked") == len(kinds)
    assert re.search(r'<label for="reply_to_comment">', page)
    response = client.post("/notifications/preferences", data={"reply_to_comment": "y"})
    assert response.status_code == 302
    assert opt_outs(app, ana) == sorted(k for k in kinds if k != "reply_to_comment")
    page = client.get("/notifications/preferences").get_data(as_text=True)
    assert page.count("checked") == 1
    client.post("/notifications/preferences", data={kind: "y" for kind in kinds})
    assert opt_outs(app, ana) == []


def test_account_page_links_to_preferences(logged_in) -> None:
    client = logged_in("ana", locale="en")
    page = client.get("/accounts/settings").get_data(as_text=True)
    assert 'href="/notifications/preferences"' in page


def test_the_link_asks_before_unsubscribing(app, world: World, client) -> None:
    """Following the link (as mail scanners do) changes nothing: the page has a button."""
    ana, bea = world.user("ana"), world.user("bea")
    world.comment(bea, world.debate(ana))
    path = unsubscribe_path(app)
    for _ in range(2):
        response = client.get(path, headers={"Accept-Language": "en"})
        page = response.get_data(as_text=True)
        assert response.status_code == 200
        assert "Stop these e-mails?" in page
        assert "Someone comments on a debate I started" in page
        assert opt_outs(app, ana) == []
    assert re.search(rf'<form method="post" action="{re.escape(path)}">', page)
    assert '<button class="btn btn--primary" type="submit">Unsubscribe</button>' in page


def test_the_button_unsubscribes_and_back(app, world: World, client) -> None:
    ana, bea = world.user("ana"), world.user("bea")
    world.comment(bea, world.debate(ana))
    path = unsubscribe_path(app)
    response = client.post(path, headers={"Accept-Language": "en"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "You have been unsubscribed" in page
    assert opt_outs(app, ana) == ["comment_on_debate"]
    # Again, or following the link now, changes nothing and says so.
    assert client.post(path).status_code == 200 and opt_outs(app, ana) == ["comment_on_debate"]
    assert "You are already unsubscribed" in client.get(
        path, headers={"Accept-Language": "en"}).get_data(as_text=True)
    resubscribe = re.search(r'action="(/notifications/resubscribe/[^"]+)"', page).group(1)
    response = client.post(resubscribe, headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert "You will get these e-mails again" in response.get_data(as_text=True)
    assert opt_outs(app, ana) == []


def test_resubscribing_needs_the_pages_csrf_token(app, world: World, make_user) -> None:
    """Unsubscribe takes no CSRF token (mail clients post it); turning e-mails back on does."""
    ana, bea = world.user("ana"), world.user("bea")
    world.comment(bea, world.debate(ana))
    path = unsubscribe_path(app)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        client = app.test_client()
        assert client.post(path, data={"List-Unsubscribe": "One-Click"}).status_code == 200
        assert opt_outs(app, ana) == ["comment_on_debate"]
        token = path.rsplit("/", 1)[1]
        assert client.post(f"/notifications/resubscribe/{token}").status_code == 400
        assert opt_outs(app, ana) == ["comment_on_debate"]
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_mail_client_one_click_post(app, world: World, client) -> None:
    """RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click", with no cookie."""
    ana, bea = world.user("ana"), world.user("bea")
    world.comment(bea, world.debate(ana))
    [message] = raw_messages(app)
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = message["List-Unsubscribe"].strip("<>")
    response = client.post(url.removeprefix("http://decide.test"),
                           data="List-Unsubscribe=One-Click",
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert opt_outs(app, ana) == ["comment_on_debate"]


@pytest.mark.parametrize("token", ["nonsense", "eyJ1IjoxLCJrIjoiY29tbWVudF9vbl9kZWJhdGUifQ.x"])
def test_a_bad_unsubscribe_link_is_a_translated_400(client, token: str) -> None:
    response = client.get(f"/notifications/unsubscribe/{token}",
                          headers={"Accept-Language": "en"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "This unsubscribe link is not valid" in page
    # Signing in leads to the preferences, where every kind can be turned off.
    assert 'href="/accounts/login?next=/notifications/preferences"' in page
    response = client.get(f"/notifications/unsubscribe/{token}",
                          headers={"Accept-Language": "es"})
    assert response.status_code == 400
    # In the reader's language (the page's new sentences wait for the catalogs' next pass;
    # tests/test_translations.py checks that none is missing).
    page = response.get_data(as_text=True)
    assert '<html lang="es"' in page and "Preferencias de correo electrónico" in page
    assert client.post(f"/notifications/unsubscribe/{token}").status_code == 400
    assert client.post(f"/notifications/resubscribe/{token}").status_code == 400


def test_an_expired_link_changes_nothing(app, world: World, client, monkeypatch) -> None:
    """Links work for a year: an older one gets a page offering the preferences."""
    from itsdangerous.timed import TimestampSigner

    from decide.notifications.tokens import TOKEN_MAX_AGE, make_unsubscribe_token

    ana = world.user("ana")
    real = TimestampSigner.get_timestamp
    with app.app_context():
        email = db.session.get(User, ana).email
        monkeypatch.setattr(TimestampSigner, "get_timestamp",
                            lambda self: real(self) - TOKEN_MAX_AGE - 60)
        old = make_unsubscribe_token(ana, "comment_on_debate", email)
        monkeypatch.setattr(TimestampSigner, "get_timestamp",
                            lambda self: real(self) - TOKEN_MAX_AGE + 3600)
        recent = make_unsubscribe_token(ana, "comment_on_debate", email)
        monkeypatch.setattr(TimestampSigner, "get_timestamp", real)
    for method in (client.get, client.post):
        response = method(f"/notifications/unsubscribe/{old}",
                          headers={"Accept-Language": "en"})
        assert response.status_code == 400
        assert "This unsubscribe link has expired" in response.get_data(as_text=True)
    assert opt_outs(app, ana) == []
    assert client.post(f"/notifications/unsubscribe/{recent}").status_code == 200
    assert opt_outs(app, ana) == ["comment_on_debate"]


def test_a_changed_address_invalidates_old_links(app, world: World, client) -> None:
    ana, bea = world.user("ana"), world.user("bea")
    world.comment(bea, world.debate(ana))
    path = unsubscribe_path(app)
    world.set_user(ana, email="ana.new@example.org")
    for method in (client.get, client.post):
        response = method(path, headers={"Accept-Language": "en"})
        assert response.status_code == 400
        assert "This unsubscribe link is not valid" in response.get_data(as_text=True)
    assert opt_outs(app, ana) == []
    # The address is compared as stored: back to the old one, the link works again.
    world.set_user(ana, email="ana@example.org")
    assert client.post(path).status_code == 200 and opt_outs(app, ana) == ["comment_on_debate"]


def test_tokens_of_deleted_accounts_or_unknown_kinds_are_refused(app, world: World,
                                                                 client) -> None:
    from decide.accounts.services import anonymise
    from decide.notifications.tokens import make_unsubscribe_token

    ana = world.user("ana")
    with app.app_context():
        user = db.session.get(User, ana)
        bad_kind = make_unsubscribe_token(ana, "everything", user.email)
        good = make_unsubscribe_token(ana, "reply_to_comment", user.email)
        assert client.get(f"/notifications/unsubscribe/{good}").status_code == 200
        anonymise(db.session.get(User, ana))
    assert client.get(f"/notifications/unsubscribe/{bad_kind}").status_code == 400
    assert client.get(f"/notifications/unsubscribe/{good}").status_code == 400
    assert client.post(f"/notifications/unsubscribe/{good}").status_code == 400
