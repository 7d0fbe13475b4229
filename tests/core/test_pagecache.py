"""The page cache serves signed-out visitors, and never a page older than the data it shows."""

from __future__ import annotations

import re
import threading
from datetime import datetime

import pytest
from flask import before_render_template
from sqlalchemy import func, select, text, update

from decide.core import pagecache, versions
from decide.core.versions import DEPLOYMENT, ContentVersion
from decide.extensions import db
from tests.conftest import create_app, login, make_config
from tests.debates.helpers import new_comment, new_debate

ES = {"Accept-Language": "es"}
EN = {"Accept-Language": "en"}


def cache_state(response) -> str | None:
    return response.headers.get("X-Decide-Cache")


def page(visitor, url: str, headers=ES) -> tuple[str | None, str]:
    response = visitor.get(url, headers=headers)
    assert response.status_code == 200, url
    return cache_state(response), response.get_data(as_text=True)


def version_of(app, scope: int) -> int:
    with app.app_context():
        return db.session.scalar(select(func.sum(ContentVersion.version)).where(
            ContentVersion.scope == scope)) or 0


def space_id(app, slug: str = "aurora") -> int:
    with app.app_context():
        return db.session.scalar(text("SELECT id FROM spaces WHERE slug = :s"), {"s": slug})


@pytest.fixture
def visitor(app, make_user):
    make_user("ana")  # the author of new_debate's debates
    return app.test_client()


def test_a_visitor_gets_the_kept_page_with_one_query(app, visitor, count_queries) -> None:
    debate_id = new_debate(app, title="Shade for squares")
    url = f"/aurora/debates/{debate_id}"
    state, first = page(visitor, url)
    assert state == "miss" and "Shade for squares" in first
    with count_queries(page_cache=True) as counter:
        state, second = page(app.test_client(), url)
    assert state == "hit" and counter.count == 1  # the versions, nothing else
    # The same page but for the CSRF token of each visitor's own session.
    token = re.compile(r'name="csrf_token" value="[^"]*"')
    assert token.sub("", first) == token.sub("", second)
    assert token.findall(first) != token.findall(second)


def test_signed_in_pages_never_come_from_the_cache(app, visitor, logged_in) -> None:
    client = logged_in("lucia")
    debate_id = new_debate(app)
    url = f"/aurora/debates/{debate_id}"
    assert page(visitor, url)[0] == "miss" and page(visitor, url)[0] == "hit"
    for _ in range(2):
        response = client.get(url, headers=ES)
        assert response.status_code == 200 and cache_state(response) is None
        assert "accounts/logout" in response.get_data(as_text=True)
        assert response.headers["Cache-Control"] == "no-store"


def test_languages_are_kept_apart(app, visitor) -> None:
    url = "/aurora/debates/"
    assert page(visitor, url, ES)[0] == "miss"
    state, english = page(visitor, url, EN)
    assert state == "miss" and 'lang="en"' in english
    state, spanish = page(visitor, url, ES)
    assert state == "hit" and 'lang="es"' in spanish
    # Entries that cannot pick one of our languages do not split the cache.
    assert page(visitor, url, {"Accept-Language": "es, fr;q=0.9, de;q=0.8"})[0] == "hit"
    assert page(visitor, url, {"Accept-Language": "fr, pt;q=0.7"})[0] == "miss"
    assert page(visitor, url, {"Accept-Language": "de, pt;q=0.7"})[0] == "hit"


def test_a_vote_is_seen_by_the_next_visitor(app, visitor, logged_in) -> None:
    debate_id = new_debate(app)
    url = f"/aurora/debates/{debate_id}"
    assert page(visitor, url, EN)[0] == "miss"
    assert page(visitor, url, EN)[0] == "hit"
    client = logged_in("lucia", locale="en")
    assert client.post(f"{url}/vote", data={"value": "agree"}).status_code == 303
    state, html = page(visitor, url, EN)
    assert state == "miss" and "100%</strong> agree" in html


def test_a_comment_is_seen_by_the_next_visitor(app, visitor, logged_in) -> None:
    debate_id = new_debate(app)
    url = f"/aurora/debates/{debate_id}"
    page(visitor, url)
    assert page(visitor, url)[0] == "hit"
    client = logged_in("lucia")
    response = client.post(f"/aurora/comments/debate/{debate_id}",
                           data={"body": "Plant native trees first"})
    assert response.status_code in (302, 303)
    state, html = page(visitor, url)
    assert state == "miss" and "Plant native trees first" in html


def test_an_edit_is_seen_by_the_next_visitor(app, visitor, client) -> None:
    login(client, "ana")
    debate_id = new_debate(app, title="Old title here")
    for url in (f"/aurora/debates/{debate_id}", "/aurora/debates/"):
        page(visitor, url)
        assert page(visitor, url)[0] == "hit"
    response = client.post(f"/aurora/debates/{debate_id}/edit", data={
        "title": "New title there", "description": "We need trees.", "tags": ""})
    assert response.status_code in (302, 303), response.get_data(as_text=True)
    for url in (f"/aurora/debates/{debate_id}", "/aurora/debates/"):
        state, html = page(visitor, url)
        assert state == "miss" and "New title there" in html and "Old title here" not in html


def test_a_hidden_debate_is_gone_for_the_next_visitor(app, visitor, client, make_user) -> None:
    make_user("mod", roles=[("city", "aurora", "moderator")])
    debate_id = new_debate(app, title="To be hidden soon")
    page(visitor, "/aurora/debates/")
    assert "To be hidden soon" in page(visitor, "/aurora/debates/")[1]
    login(client, "mod")
    assert client.post(f"/aurora/moderation/debate/{debate_id}/hide").status_code == 303
    assert "To be hidden soon" not in page(visitor, "/aurora/debates/")[1]
    assert visitor.get(f"/aurora/debates/{debate_id}").status_code == 404


def test_a_settings_change_is_seen_by_the_next_visitor(app, visitor, logged_in) -> None:
    client = logged_in("boss", roles=[("city", "aurora", "administrator")])
    page(visitor, "/aurora/")
    state, html = page(visitor, "/aurora/")
    assert state == "hit" and "/aurora/budgets/" in html
    response = client.post("/aurora/admin/modules", data={"modules": ["debates", "proposals"]})
    assert response.status_code == 303
    state, html = page(visitor, "/aurora/")
    assert state == "miss" and "/aurora/budgets/" not in html
    response = client.post("/aurora/admin/theme/colours",
                           data={"primary": "#1f4e8c", "secondary": "#1d4ed8"})
    assert response.status_code == 303
    assert page(visitor, "/aurora/")[0] == "miss"


def test_writes_in_another_space_leave_its_pages_kept(app, visitor) -> None:
    page(visitor, "/aurora/debates/")
    new_debate(app, where="borealis", title="Elsewhere")
    assert page(visitor, "/aurora/debates/")[0] == "hit"
    # Pages outside a space (the landing page, profiles) move with every space.
    page(visitor, "/")
    assert page(visitor, "/")[0] == "hit"
    new_debate(app, where="borealis", title="Elsewhere again")
    assert page(visitor, "/")[0] == "miss"


def test_a_page_rendered_while_a_write_commits_is_not_kept_past_it(app, visitor) -> None:
    """The versions are read before the page's data: a write that commits while the page
    renders leaves the (older) page under the older versions, and the next visitor sees it."""
    debate_id = new_debate(app, title="Before the race")
    url = f"/aurora/debates/{debate_id}"
    fired = []

    def write_meanwhile(sender, template, context, **extra) -> None:
        if fired:
            return
        fired.append(True)

        def edit() -> None:
            with app.app_context():
                db.session.execute(text("UPDATE debates SET title = 'After the race' "
                                        "WHERE id = :id"), {"id": debate_id})
                db.session.commit()

        worker = threading.Thread(target=edit)
        worker.start()
        worker.join()

    before_render_template.connect(write_meanwhile, app)
    try:
        state, html = page(visitor, url)
    finally:
        before_render_template.disconnect(write_meanwhile, app)
    assert fired and state == "miss" and "Before the race" in html
    state, html = page(visitor, url)
    assert state == "miss" and "After the race" in html


def test_messages_and_fragments_are_not_served_from_the_cache(app, visitor, logged_in) -> None:
    debate_id = new_debate(app)
    url = f"/aurora/debates/{debate_id}"
    page(visitor, url)
    with visitor.session_transaction() as session:
        session["_flashes"] = [("info", "A message for this visitor")]
    state, html = page(visitor, url)
    assert state is None and "A message for this visitor" in html
    assert page(visitor, url)[0] == "hit"
    fragment = visitor.get(url, headers={**ES, "X-Requested-With": "decide-fetch"})
    assert cache_state(fragment) == "miss"


def test_revalidation_answers_304_until_the_page_changes(app, visitor) -> None:
    debate_id = new_debate(app)
    url = f"/aurora/debates/{debate_id}"
    first = visitor.get(url, headers=ES)
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "private, no-cache"
    assert "Cookie" in first.headers["Vary"] and "Last-Modified" in first.headers
    again = visitor.get(url, headers={**ES, "If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    # Another visitor's session has another token: its copy does not match this one.
    other = app.test_client().get(url, headers={**ES, "If-None-Match": etag})
    assert other.status_code == 200
    new_comment(app, debate_id, body="Something new")
    changed = visitor.get(url, headers={**ES, "If-None-Match": etag})
    assert changed.status_code == 200 and "Something new" in changed.get_data(as_text=True)


def test_the_kept_page_carries_a_token_that_posts(tmp_path, app) -> None:
    """With CSRF on, a visitor served a kept page can use its language switch."""
    guarded = create_app(make_config(tmp_path, WTF_CSRF_ENABLED=True,
                                     DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"]))
    first, second = guarded.test_client(), guarded.test_client()
    assert cache_state(first.get("/aurora/", headers=ES)) == "miss"
    response = second.get("/aurora/", headers=ES)
    assert cache_state(response) == "hit"
    token = re.search(r'name="csrf_token" value="([^"]+)"', response.get_data(as_text=True))
    switched = second.post("/locale/en", data={"csrf_token": token.group(1), "next": "/aurora/"})
    assert switched.status_code in (302, 303)
    assert 'lang="en"' in second.get("/aurora/", headers=ES).get_data(as_text=True)
    # The first visitor's token is not the second's: posting it from a third visitor fails.
    first_token = re.search(r'name="csrf_token" value="([^"]+)"',
                            first.get("/aurora/", headers=ES).get_data(as_text=True))
    third = guarded.test_client()
    third.get("/aurora/", headers=ES)
    assert third.post("/locale/pt_BR", data={"csrf_token": first_token.group(1)}) \
        .status_code == 400


def test_no_cache_when_turned_off(tmp_path, app) -> None:
    plain = create_app(make_config(tmp_path, PAGE_CACHE_SECONDS=0,
                                   DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"]))
    visitor = plain.test_client()
    for _ in range(2):
        response = visitor.get("/aurora/", headers=ES)
        assert response.status_code == 200 and cache_state(response) is None
        assert response.headers["Cache-Control"] == "no-store"


# --- which writes move which version ---------------------------------------------------


def test_rows_move_their_space_and_accounts_the_deployment(app, make_user) -> None:
    aurora = space_id(app)
    before = version_of(app, aurora), version_of(app, DEPLOYMENT)
    make_user("ana")
    after_user = version_of(app, aurora), version_of(app, DEPLOYMENT)
    assert after_user[0] == before[0] and after_user[1] > before[1]
    new_debate(app)
    assert version_of(app, aurora) == after_user[0] + 1


def test_what_visitors_never_see_moves_nothing(app, make_user, client) -> None:
    make_user("ana")
    deployment = version_of(app, DEPLOYMENT)
    # A failed and a successful sign-in, a session row, a locale choice: nothing public.
    assert client.post("/accounts/login", data={"identifier": "ana",
                                                "password": "wrong-password"}).status_code
    assert login(client, "ana").status_code == 302
    client.post("/locale/en", data={"next": "/"})
    assert version_of(app, DEPLOYMENT) == deployment


def test_a_rolled_back_write_moves_nothing(app) -> None:
    aurora = space_id(app)
    before = version_of(app, aurora), version_of(app, DEPLOYMENT)
    with app.test_request_context():
        db.session.execute(update(ContentVersion).where(ContentVersion.scope == -1)
                           .values(version=0))
        db.session.execute(text("UPDATE spaces SET position = position WHERE id = :id"),
                           {"id": aurora})
        db.session.rollback()
    assert (version_of(app, aurora), version_of(app, DEPLOYMENT)) == before


def test_statements_outside_a_space_move_the_deployment(app) -> None:
    deployment = version_of(app, DEPLOYMENT)
    with app.test_request_context():
        db.session.execute(text("UPDATE spaces SET position = position"))
        db.session.commit()
    assert version_of(app, DEPLOYMENT) == deployment + 1


def test_memory_store_keeps_within_its_size_and_time() -> None:
    store = pagecache.MemoryStore(limit=1_000, ttl=60)
    entry = pagecache.Entry(b"x" * 400, "text/html", "e", None)
    for key in ("a", "b", "c"):
        store.set(key, entry)
    assert store.get("a") is None and store.get("b") and store.get("c")
    assert store.size <= 1_000
    expired = pagecache.MemoryStore(limit=1_000, ttl=-1)
    expired.set("a", entry)
    assert expired.get("a") is None


def test_redis_store_round_trip(app) -> None:
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url("redis://127.0.0.1:6379/15").ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    app.config["REDIS_URL"] = "redis://127.0.0.1:6379/15"
    try:
        store = pagecache.RedisStore(app, ttl=30)
        from datetime import UTC, datetime

        entry = pagecache.Entry(b"<p>\x00decide-csrf-token\x00</p>", "text/html; charset=utf-8",
                                "abc", datetime(2026, 11, 30, tzinfo=UTC))
        store.set("k1", entry)
        assert store.get("k1") == entry and store.get("k2") is None
        store.clear()
        assert store.get("k1") is None
    finally:
        app.config["REDIS_URL"] = ""


def test_versions_cover_every_scope_read(app) -> None:
    with app.test_request_context():
        numbers, space_changed = versions.space_versions("city", "aurora")
        total, changed = versions.all_versions()
    assert total >= sum(numbers) >= 1
    assert isinstance(space_changed, datetime) and isinstance(changed, datetime)
    assert changed >= space_changed


def test_the_version_reader_survives_a_dropped_connection(app, visitor) -> None:
    """Each worker keeps one connection for reading versions; if the database drops it (a
    restart), the next visitor is still served and the connection is made again."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("PostgreSQL can end another connection's backend")
    assert page(visitor, "/aurora/")[0] == "miss"
    reader = versions._reader["connection"]
    backend = reader.execute(text("SELECT pg_backend_pid()")).scalar()
    with app.app_context():
        db.session.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend})
        db.session.commit()
    assert page(visitor, "/aurora/")[0] == "hit"
    assert versions._reader["connection"] is not reader


def test_a_thread_per_request_server_keeps_the_pool(app, visitor) -> None:
    """Servers that start a thread per request (the development server, the browser tests')
    read versions on the one reading connection of the process: finished threads leave no
    connection checked out (with one per thread, the pool ran dry until the garbage collector
    ran, and pages waited 30 s)."""
    import gc

    page(visitor, "/aurora/")
    with app.app_context():
        pool_size = db.engine.pool.size() + db.engine.pool._max_overflow  # noqa: SLF001
    served: list[str | None] = []
    gc.disable()
    try:
        for _ in range(pool_size + 5):
            worker = threading.Thread(
                target=lambda: served.append(cache_state(app.test_client().get(
                    "/aurora/", headers=ES))))
            worker.start()
            worker.join(timeout=10)
            assert not worker.is_alive(), "a request waited for a connection"
    finally:
        gc.enable()
    assert served == ["hit"] * (pool_size + 5)
