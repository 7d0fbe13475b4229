"""Who is notified of a new comment, folding of repeated events, and the e-mails."""

from __future__ import annotations

import re

from decide.accounts.models import User
from decide.extensions import db
from tests.conftest import mailbox
from tests.notifications.conftest import World, body_of, raw_messages


def test_top_level_comment_notifies_the_debate_author(world: World) -> None:
    ana, bea = world.user("ana"), world.user("bea")
    debate = world.debate(ana, title="Shade for the main square")
    comment = world.comment(bea, debate)
    [n] = world.notifications()
    assert n["user_id"] == ana and n["kind"] == "comment_on_debate"
    assert n["target"] == ("debate", debate) and n["count"] == 1 and not n["read"]
    assert n["last_actor_id"] == bea and n["link_comment_id"] == comment
    assert n["space_id"] == world.space_id("aurora")
    assert n["title"] == "Shade for the main square"


def test_reply_notifies_the_parent_comments_author(world: World) -> None:
    ana, bea, carla = world.user("ana"), world.user("bea"), world.user("carla")
    debate = world.debate(ana)
    parent = world.comment(bea, debate)
    reply = world.comment(carla, debate, parent_id=parent)
    notes = world.notifications(bea)
    assert [(n["kind"], n["target"], n["link_comment_id"], n["last_actor_id"]) for n in notes] \
        == [("reply_to_comment", ("comment", parent), reply, carla)]
    # The reply is not a new top-level comment: ana still has only the first one.
    assert [n["count"] for n in world.notifications(ana)] == [1]


def test_nobody_is_notified_of_their_own_comments(world: World) -> None:
    ana = world.user("ana")
    debate = world.debate(ana)
    first = world.comment(ana, debate)
    world.comment(ana, debate, parent_id=first)
    assert world.notifications() == []


def test_a_reply_to_the_debate_authors_comment_notifies_once(world: World) -> None:
    ana, bea = world.user("ana"), world.user("bea")
    debate = world.debate(ana)
    own = world.comment(ana, debate)
    world.comment(bea, debate, parent_id=own)
    [n] = world.notifications()
    assert n["user_id"] == ana and n["kind"] == "reply_to_comment"
    assert n["target"] == ("comment", own)


def test_deleted_accounts_are_never_notified(app, world: World) -> None:
    from decide.accounts.services import anonymise

    ana, bea = world.user("ana"), world.user("bea")
    debate = world.debate(ana)
    parent = world.comment(ana, debate)
    with app.app_context():
        anonymise(db.session.get(User, ana))
    world.comment(bea, debate)
    world.comment(bea, debate, parent_id=parent)
    assert world.notifications() == []
    assert mailbox(app) == []


def test_repeated_events_fold_into_the_unread_notification(world: World) -> None:
    ana, bea, carla = world.user("ana"), world.user("bea"), world.user("carla")
    debate = world.debate(ana)
    world.comment(bea, debate)
    [first] = world.notifications()
    world.comment(carla, debate)
    last = world.comment(bea, debate)
    [n] = world.notifications()
    assert n["id"] == first["id"] and n["count"] == 3
    assert n["last_actor_id"] == bea and n["link_comment_id"] == last
    assert n["updated_at"] >= first["updated_at"]


def test_after_reading_the_next_event_starts_a_new_notification(world: World) -> None:
    ana, bea = world.user("ana"), world.user("bea")
    debate = world.debate(ana)
    world.comment(bea, debate)
    world.comment(bea, debate)
    [n] = world.notifications()
    world.mark_read(n["id"])
    world.comment(bea, debate)
    old, new = world.notifications()
    assert (old["count"], old["read"]) == (2, True)
    assert (new["count"], new["read"]) == (1, False)


def test_folding_is_per_kind_item_and_person(world: World) -> None:
    ana, bea, carla = world.user("ana"), world.user("bea"), world.user("carla")
    one, two = world.debate(ana, title="One"), world.debate(ana, title="Two")
    world.comment(bea, one)
    world.comment(bea, two)
    bea_comment = world.comment(bea, one)
    world.comment(carla, one, parent_id=bea_comment)
    rows = {(n["user_id"], n["kind"], n["target"]): n["count"] for n in world.notifications()}
    assert rows == {
        (ana, "comment_on_debate", ("debate", one)): 2,
        (ana, "comment_on_debate", ("debate", two)): 1,
        (bea, "reply_to_comment", ("comment", bea_comment)): 1,
    }


def test_one_email_per_unread_notification(app, world: World) -> None:
    ana, bea = world.user("ana"), world.user("bea")
    debate = world.debate(ana, title="Shade for the main square")
    world.comment(bea, debate, body="Plant more trees, please.")
    world.comment(bea, debate)
    world.comment(bea, debate)
    messages = mailbox(app)
    assert len(messages) == 1
    [m] = messages
    assert m["to"] == "ana@example.org"
    assert m["subject"] == "bea commented on your debate “Shade for the main square”"
    assert "Plant more trees, please." in m["text"]
    [n] = world.notifications()
    world.mark_read(n["id"])
    world.comment(bea, debate)
    assert len(mailbox(app)) == 2


def test_email_links_to_the_notification_and_to_unsubscribe(app, world: World) -> None:
    ana, bea = world.user("ana"), world.user("bea")
    world.comment(bea, world.debate(ana))
    [n] = world.notifications()
    [message] = raw_messages(app)
    text = body_of(message)
    assert f"http://decide.test/notifications/{n['id']}" in text
    [unsubscribe] = re.findall(r"http://decide\.test/notifications/unsubscribe/\S+", text)
    assert message["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "http://decide.test/notifications/preferences" in text


def test_list_unsubscribe_header_stays_on_one_line(app, world: World) -> None:
    from pathlib import Path

    ana, bea = world.user("ana"), world.user("bea")
    world.comment(bea, world.debate(ana))
    [path] = (Path(app.instance_path) / "mail").glob("*.eml")
    raw = path.read_bytes().decode()
    [line] = [x for x in raw.splitlines() if x.startswith("List-Unsubscribe:")]
    assert re.fullmatch(r"List-Unsubscribe: <http://decide\.test/notifications/unsubscribe/"
                        r"[\w.-]+>", line)


def test_links_use_base_url_when_configured(app, world: World) -> None:
    ana, bea = world.user("ana"), world.user("bea")
    app.config["BASE_URL"] = "https://decide.example.org/"
    try:
        world.comment(bea, world.debate(ana))
    finally:
        del app.config["BASE_URL"]
    [n] = world.notifications()
    [message] = raw_messages(app)
    assert f"https://decide.example.org/notifications/{n['id']}" in body_of(message)
    assert message["List-Unsubscribe"].startswith(
        "<https://decide.example.org/notifications/unsubscribe/")


def test_emails_are_in_the_recipients_language(app, world: World) -> None:
    ana = world.user("ana", locale="es")
    emma = world.user("emma", locale="en")
    bea = world.user("bea", locale="en")
    world.comment(bea, world.debate(ana))
    world.comment(bea, world.debate(emma))
    by_recipient = {m["to"]: m["text"] for m in mailbox(app)}
    assert by_recipient["ana@example.org"].startswith("Hola, ana:")
    assert by_recipient["emma@example.org"].startswith("Hello emma,")


def test_opt_outs_stop_that_kind_of_email_only(app, world: World) -> None:
    ana, bea = world.user("ana"), world.user("bea")
    world.set_user(ana, email_opt_outs=["comment_on_debate"])
    debate = world.debate(ana)
    world.comment(bea, debate)
    assert len(world.notifications(ana)) == 1  # still in the centre
    assert mailbox(app) == []
    own = world.comment(ana, debate)
    world.comment(bea, debate, parent_id=own)
    [m] = mailbox(app)
    assert m["subject"].startswith("bea replied to your comment on")


def test_unconfirmed_addresses_get_no_email(app, world: World) -> None:
    ana, bea = world.user("ana", confirmed=False), world.user("bea")
    world.comment(bea, world.debate(ana))
    assert len(world.notifications(ana)) == 1
    assert [m for m in mailbox(app) if m["to"] == "ana@example.org"
            and "confirm" not in m["subject"].lower()] == []


def test_hidden_or_deleted_comments_notify_nobody(app, world: World) -> None:
    from decide.comments.models import Comment
    from decide.comments.notifications import notify_comment
    from decide.core.db import utcnow

    ana, bea = world.user("ana"), world.user("bea")
    debate = world.debate(ana)
    hidden = world.comment(bea, debate, send=False)
    with app.app_context():
        db.session.get(Comment, hidden).hidden_at = utcnow()
        db.session.commit()
        assert notify_comment(hidden) == []
        assert notify_comment(999_999) == []
    assert world.notifications() == []


def test_mark_all_read_and_opt_out_services(app, world: World) -> None:
    from decide.notifications import services

    ana, bea = world.user("ana"), world.user("bea")
    world.comment(bea, world.debate(ana, title="One"))
    world.comment(bea, world.debate(ana, title="Two"))
    with app.app_context():
        user = db.session.get(User, ana)
        assert services.mark_all_read(user) == 2
        assert services.mark_all_read(user) == 0
        services.set_email_opt_outs(user, ["reply_to_comment", "unknown", "reply_to_comment"])
        assert db.session.get(User, ana).email_opt_outs == ["reply_to_comment"]
    assert all(n["read"] for n in world.notifications())


def test_concurrent_events_fold_into_one_notification(app, world: World) -> None:
    """Events for one person processed at the same time (two workers) still fold."""
    import threading

    from decide.comments.notifications import notify_comment

    ana = world.user("ana")
    actors = [world.user(f"actor{i}") for i in range(4)]
    for round_ in range(3):
        debate = world.debate(ana, title=f"Round {round_}")
        comments = [world.comment(actor, debate, send=False) for actor in actors]
        barrier = threading.Barrier(len(comments))
        errors: list[BaseException] = []

        def work(comment_id: int, barrier: threading.Barrier,
                 errors: list[BaseException]) -> None:
            try:
                with app.app_context():
                    barrier.wait(timeout=10)
                    notify_comment(comment_id)
            except BaseException as exc:  # reported below
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(c, barrier, errors)) for c in comments]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert not errors
        rows = [n for n in world.notifications(ana) if n["target"] == ("debate", debate)]
        assert [n["count"] for n in rows] == [len(comments)]
        assert rows[0]["link_comment_id"] == max(comments)
    assert len(mailbox(app)) == 3  # one per notification


def test_reading_keeps_the_time_of_the_last_event(app, world: World) -> None:
    from decide.notifications import services

    ana, bea = world.user("ana"), world.user("bea")
    world.comment(bea, world.debate(ana, title="One"))
    world.comment(bea, world.debate(ana, title="Two"))
    before = {n["id"]: n["updated_at"] for n in world.notifications()}
    first = min(before)
    world.mark_read(first)
    with app.app_context():
        services.mark_all_read(db.session.get(User, ana))
    after = world.notifications()
    assert all(n["read"] for n in after)
    assert {n["id"]: n["updated_at"] for n in after} == before


def test_through_the_comments_service(app, world: World) -> None:
    """The contract with decide.comments.services: comment_created after the commit."""
    from decide.cities.queries import city_by_slug
    from decide.comments import services

    ana, bea = world.user("ana"), world.user("bea")
    debate = world.debate(ana)
    with app.test_request_context():
        space = city_by_slug("aurora")
        first = services.post_comment(db.session.get(User, bea), space, "debate", debate,
                                      "A first comment from bea.")
        services.post_comment(db.session.get(User, ana), space, "debate", debate,
                              "Thanks!", parent_id=first.id)
    rows = {(n["user_id"], n["kind"]) for n in world.notifications()}
    assert rows == {(ana, "comment_on_debate"), (bea, "reply_to_comment")}
    assert sorted(m["to"] for m in mailbox(app)) == ["ana@example.org", "bea@example.org"]


def test_notifications_import_no_module_that_raises_them() -> None:
    """The package offers a generic API: it names no content module, nor comments."""
    import ast
    from pathlib import Path

    import decide.notifications

    allowed = ("decide.core", "decide.accounts", "decide.extensions", "decide.notifications")
    folder = Path(decide.notifications.__file__).parent
    for path in folder.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = ([node.module or ""] if isinstance(node, ast.ImportFrom)
                     else [a.name for a in node.names] if isinstance(node, ast.Import) else [])
            for name in names:
                if name.startswith("decide"):
                    assert name.startswith(allowed), f"{path.name} imports {name}"


def test_any_module_can_notify_through_a_job(app, world: World) -> None:
    """The generic API: an event as plain data, delivered by the job, folded, e-mailed once,
    never to the actor, each recipient once; undeclared kinds are refused."""
    import pytest

    from decide.notifications.services import Event, deliver, notify

    ana, bea, carla = world.user("ana"), world.user("bea"), world.user("carla")
    debate = world.debate(ana, title="Night buses")
    event = Event(recipient_ids=(ana, carla, ana, bea), kind="comment_on_followed",
                  space_id=world.space_id(), item_type="debate", item_id=debate, actor_id=bea,
                  title="Night buses", excerpt="A  long\nexcerpt", link_type="debate",
                  link_id=debate)
    with app.app_context():
        notify(event)
        notify(event)
        with pytest.raises(ValueError, match="not declared"):
            deliver(Event(recipient_ids=(ana,), kind="pigeon_post", space_id=1,
                          item_type="debate", item_id=debate, actor_id=None, title="x"))
    rows = {(n["user_id"], n["kind"], n["count"], n["link"]) for n in world.notifications()}
    assert rows == {(ana, "comment_on_followed", 2, ("debate", debate)),
                    (carla, "comment_on_followed", 2, ("debate", debate))}
    messages = mailbox(app)
    assert sorted(m["to"] for m in messages) == ["ana@example.org", "carla@example.org"]
    assert "“A long excerpt”" in messages[0]["text"]
    assert messages[0]["subject"] == "bea commented on “Night buses”, which you follow"


def test_email_links_ignore_the_requests_host(app, world: World) -> None:
    """Links come from decide.core.urls.absolute_url, even inside a request on another host."""
    from decide.comments.notifications import notify_comment

    ana, bea = world.user("ana"), world.user("bea")
    comment = world.comment(bea, world.debate(ana), send=False)
    with app.test_request_context("/", base_url="http://evil.example"):
        notify_comment(comment)
    [message] = raw_messages(app)
    assert "evil.example" not in body_of(message)
    assert "evil.example" not in message["List-Unsubscribe"]
    assert "http://decide.test/notifications/" in body_of(message)
