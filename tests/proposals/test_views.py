"""Proposal and joint action pages through HTTP, without JavaScript."""

from __future__ import annotations

from sqlalchemy import func, insert, select, update

from decide.accounts.models import User
from decide.cities.models import Space
from decide.core.db import utcnow
from decide.extensions import db
from decide.proposals.models import Endorsement, Proposal, ProposalCoauthor
from tests.conftest import login
from tests.proposals.helpers import new_proposal, set_settings, support

EN = {"Accept-Language": "en"}
GOOD = {"title": "More trees in Norte", "summary": "Plant trees along the avenue.",
        "description": "Plant **100** trees.", "tags": "climate, trees", "geozone": "norte"}


def _client(app, username: str):
    """A browser of its own for each person (signing in again over a session does not)."""
    browser = app.test_client()
    assert login(browser, username).status_code == 302
    return browser


def _html(response) -> str:
    return response.get_data(as_text=True)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_pages_render_for_city_and_alliance_in_three_languages(app, client, make_user) -> None:
    make_user("ana", verified=True)
    city_id = new_proposal(app, title="Shade for squares")
    joint_id = new_proposal(app, where="alliances/pact", title="A joint housing fund")
    pages = {
        "/aurora/proposals/": "Shade for squares",
        f"/aurora/proposals/{city_id}": "Shade for squares",
        "/alliances/pact/proposals/": "A joint housing fund",
        f"/alliances/pact/proposals/{joint_id}": "A joint housing fund",
        "/aurora/": "Shade for squares",  # the home page's section
    }
    for url, title in pages.items():
        texts = {}
        for lang in ("es", "en", "pt-BR"):
            response = client.get(url, headers={"Accept-Language": lang})
            assert response.status_code == 200, (url, lang)
            texts[lang] = _html(response)
            assert f'<html lang="{lang}"' in texts[lang] and title in texts[lang]
        if "/proposals/" in url and url.rstrip("/").split("/")[-1].isdigit():
            # Shared strings already in the catalogs come in the reader's language.
            assert "Sign in to follow" in texts["en"]
            assert "Sign in to follow" not in texts["es"]
            assert "Sign in to follow" not in texts["pt-BR"]
    joint = _html(client.get(f"/alliances/pact/proposals/{joint_id}", headers=EN))
    assert "Supports by member city" in joint and "<caption" in joint
    assert "It succeeds with 4 supports in total" in joint
    city = _html(client.get(f"/aurora/proposals/{city_id}", headers=EN))
    assert "Supports by member city" not in city
    assert "0 supports of 500, 500 still needed" in city
    assert '<progress class="supports-bar"' in city


def test_form_errors_keep_what_was_typed(app, logged_in) -> None:
    client = logged_in("ana", locale="en")
    assert client.get("/aurora/proposals/new").status_code == 200
    response = client.post("/aurora/proposals/new", data={
        **GOOD, "title": "abc", "description": "My long text", "save": "1"})
    html = _html(response)
    assert response.status_code == 400
    assert 'value="abc"' in html and "My long text" in html and "between 4 and 80" in html
    assert "Plant trees along the avenue." in html
    for bad in ("javascript:alert(1)", "ftp://example.org/video", "https://"):
        response = client.post("/aurora/proposals/new", data={
            **GOOD, "video_url": bad, "save": "1"})
        assert response.status_code == 400, bad
        assert "starting with https://" in _html(response)
    response = client.post("/aurora/proposals/new", data={**GOOD, "summary": "x" * 201,
                                                          "save": "1"})
    assert response.status_code == 400 and "at most 200 characters" in _html(response)
    # The service's refusal (a district the city does not have) is shown on its field.
    response = client.post("/aurora/proposals/new", data={**GOOD, "geozone": "atlantis",
                                                          "save": "1"})
    assert response.status_code == 400 and "Choose a district of Aurora" in _html(response)
    with app.app_context():
        assert _count(Proposal) == 0


def test_preview_saves_nothing_then_draft_then_publish(app, logged_in, make_user) -> None:
    client = logged_in("ana", locale="en")
    response = client.post("/aurora/proposals/new", data={
        **GOOD, "video_url": "https://video.example.org/v/1", "preview": "1"})
    html = _html(response)
    assert response.status_code == 200 and "Nothing is saved yet" in html
    assert "<strong>100</strong>" in html and "Plant **100** trees." in html  # both kept
    assert 'value="More trees in Norte"' in html and "Norte" in html
    assert 'href="https://video.example.org/v/1"' in html
    with app.app_context():
        assert _count(Proposal) == 0
    response = client.post("/aurora/proposals/new", data={**GOOD, "save": "1"})
    assert response.status_code == 303
    with app.app_context():
        proposal = db.session.scalar(select(Proposal))
        assert proposal.is_draft and proposal.geozone.slug == "norte"
        proposal_id = proposal.id
    assert response.headers["Location"].endswith(f"/aurora/proposals/{proposal_id}")
    html = _html(client.get(f"/aurora/proposals/{proposal_id}"))
    assert "This is a draft" in html and ">Publish</button>" in html
    # Nobody else sees a draft, and it is not listed.
    make_user("bo")
    other = app.test_client()
    login(other, "bo")
    assert other.get(f"/aurora/proposals/{proposal_id}").status_code == 404
    assert other.post(f"/aurora/proposals/{proposal_id}/publish").status_code == 404
    assert "More trees in Norte" not in _html(other.get("/aurora/proposals/"))
    assert "More trees in Norte" in _html(client.get("/aurora/proposals/"))  # "Your drafts"
    # Editing a draft keeps using the same form, preview included.
    response = client.post(f"/aurora/proposals/{proposal_id}/edit", data={
        **GOOD, "title": "Even more trees", "preview": "1"})
    assert response.status_code == 200 and "Even more trees" in _html(response)
    with app.app_context():
        assert db.session.get(Proposal, proposal_id).title == "More trees in Norte"
    assert client.post(f"/aurora/proposals/{proposal_id}/publish").status_code == 303
    html = _html(client.get(f"/aurora/proposals/{proposal_id}"))
    with app.app_context():
        code = db.session.get(Proposal, proposal_id).code
    assert code and code in html and "This is a draft" not in html
    assert "Open for supports" in html
    assert "mailto:?subject=More%20trees%20in%20Norte" in html
    assert f"http://decide.test/aurora/proposals/{proposal_id}" in html
    assert "More trees in Norte" in _html(other.get("/aurora/proposals/?status=open"))
    assert "More trees in Norte" not in _html(other.get("/aurora/proposals/?status=retired"))
    # Published: others may not edit; the author's edits are in the public history.
    assert other.get(f"/aurora/proposals/{proposal_id}/edit").status_code == 403
    response = client.post(f"/aurora/proposals/{proposal_id}/edit", data={
        **GOOD, "title": "Trees for all of Norte", "save": "1"})
    assert response.status_code == 303
    history = _html(other.get(f"/aurora/proposals/{proposal_id}/history"))
    assert "More trees in Norte" in history and "Trees for all of Norte" in history


def test_support_button_states(app, client, make_user) -> None:
    make_user("ana", verified=True)
    proposal_id = new_proposal(app)
    url = f"/aurora/proposals/{proposal_id}"
    assert "Sign in to support" in _html(client.get(url, headers=EN))
    make_user("una", locale="en")  # signed in, residence not verified
    client = _client(app, "una")
    html = _html(client.get(url))
    assert "Verify your residence to support proposals." in html and "/support" not in html
    response = client.post(url + "/support")
    assert response.status_code == 403
    assert "Verify your residence" in _html(response)
    make_user("org", kind="organisation", locale="en")
    client = _client(app, "org")
    assert "Organisations cannot support proposals." in _html(client.get(url))
    assert client.post(url + "/support").status_code == 403
    make_user("vera", locale="en", verified=True)
    client = _client(app, "vera")
    html = _html(client.get(url))
    assert f'action="/aurora/proposals/{proposal_id}/support"' in html
    assert 'name="csrf_token"' in html
    response = client.post(url + "/support")
    assert response.status_code == 303 and response.headers["Location"].endswith("#supports")
    html = _html(client.get(url))
    assert "You support this." in html and "1 support of 500, 499 still needed" in html
    assert "Following — stop following" in html  # supporting follows
    again = client.post(url + "/support")
    assert again.status_code == 409 and "You already support this proposal." in _html(again)
    with app.app_context():
        assert db.session.get(Proposal, proposal_id).supports_count == 1
    # A resident of another city may not support Aurora's proposals.
    make_user("bea", city="borealis", verified=True, locale="en")
    assert "Only verified residents of Aurora" in _html(_client(app, "bea").get(url))
    # Retired: readable, marked, no supports.
    author = _client(app, "ana")
    # Ana's account reads Spanish, whatever the browser asks.
    assert "Retirar esta propuesta" in _html(author.get(url + "/retire", headers=EN))
    response = author.post(url + "/retire", data={"reason": "", "explanation": "Kept text"})
    assert response.status_code == 400 and "Kept text" in _html(response)
    response = author.post(url + "/retire", data={"reason": "done",
                                                  "explanation": "The city did it."})
    assert response.status_code == 303
    assert author.get(url + "/retire").status_code == 403  # once only
    html = _html(client.get(url, headers=EN))
    assert "Retired" in html and "The city did it." in html and "Reason: Done" in html
    assert "Its authors retired it" in html


def test_successful_at_threshold(app, client, make_user) -> None:
    make_user("ana", verified=True)
    set_settings(app, "aurora", support_threshold=2)
    proposal_id = new_proposal(app)
    for name in ("vera", "vito"):
        make_user(name, verified=True)
        support(app, proposal_id, name)
    html = _html(client.get(f"/aurora/proposals/{proposal_id}", headers=EN))
    assert "Successful" in html and "2 supports of 2" in html and "still needed" not in html
    assert "Successful" in _html(client.get("/aurora/proposals/?status=successful",
                                            headers=EN))
    assert client.get("/aurora/proposals/successful").status_code == 301


def test_not_found_across_spaces(app, client, make_user) -> None:
    make_user("ana", verified=True)
    proposal_id = new_proposal(app)
    joint_id = new_proposal(app, where="alliances/pact")
    assert client.get(f"/aurora/proposals/{proposal_id}").status_code == 200
    assert client.get(f"/borealis/proposals/{proposal_id}").status_code == 404
    assert client.get(f"/alliances/pact/proposals/{proposal_id}").status_code == 404
    assert client.get(f"/aurora/proposals/{joint_id}").status_code == 404
    assert client.get("/cenit/proposals/").status_code == 404  # module not enabled there
    assert client.get("/aurora/proposals/99999").status_code == 404
    hidden_id = new_proposal(app, title="A hidden one")
    with app.app_context():
        db.session.execute(update(Proposal).where(Proposal.id == hidden_id).values(
            hidden_at=utcnow()))
        db.session.commit()
    assert client.get(f"/aurora/proposals/{hidden_id}").status_code == 404
    assert "A hidden one" not in _html(client.get("/aurora/proposals/"))
    login(client, "ana")
    assert client.post(f"/borealis/proposals/{proposal_id}/support").status_code == 404
    assert client.get(f"/borealis/proposals/{proposal_id}/edit").status_code == 404
    assert client.get("/aurora/proposals/?tag=nothing").status_code == 404
    assert client.get("/aurora/proposals/?status=weird").status_code == 400
    assert client.get("/aurora/proposals/?order=random").status_code == 400


def test_joint_action_breakdown_and_endorsements(app, client, make_user) -> None:
    make_user("ana", verified=True)
    make_user("bea", city="borealis", verified=True)
    joint_id = new_proposal(app, where="alliances/pact")
    support(app, joint_id, "ana", where="alliances/pact")
    support(app, joint_id, "bea", where="alliances/pact")
    url = f"/alliances/pact/proposals/{joint_id}"
    html = _html(client.get(url, headers=EN))
    table = html.split('<table class="city-chart">')[1].split("</table>")[0]
    assert "Aurora" in table and "Borealis" in table and table.count("<progress") == 2
    assert "2 supports of 4, 2 still needed" in html
    make_user("mayor", locale="en", roles=[("city", "aurora", "administrator")])
    client = _client(app, "mayor")
    html = _html(client.get(url))
    assert "Endorse on behalf of Aurora" in html
    long = client.post(url + "/endorse", data={"statement": "x" * 1001})
    assert long.status_code == 400 and "x" * 1001 in _html(long)
    response = client.post(url + "/endorse", data={"statement": "Aurora is in."})
    assert response.status_code == 303
    html = _html(client.get(url))
    assert "Aurora is in." in html and "Endorse on behalf of Aurora" not in html
    with app.app_context():
        endorsement_id = db.session.scalar(select(Endorsement.id))
    # Another city's people cannot withdraw it; the city's administrator can.
    make_user("bob", city="borealis", locale="en", roles=[("city", "borealis", "official")])
    other = _client(app, "bob")
    assert "Withdraw" not in _html(other.get(url))
    assert other.post(f"{url}/endorsements/{endorsement_id}/withdraw").status_code == 403
    response = client.post(f"{url}/endorsements/{endorsement_id}/withdraw")
    assert response.status_code == 303
    assert "No city has endorsed this joint action yet." in _html(client.get(url))
    with app.app_context():
        assert db.session.get(Endorsement, endorsement_id).withdrawn_at is not None


def test_coauthors_updates_and_feature(app, client, make_user) -> None:
    make_user("ana", verified=True, locale="en")
    make_user("bo", locale="en")
    proposal_id = new_proposal(app)
    url = f"/aurora/proposals/{proposal_id}"
    login(client, "ana")
    response = client.post(url + "/coauthors", data={"username": "nobody-here"})
    assert response.status_code == 400 and 'value="nobody-here"' in _html(response)
    assert client.post(url + "/coauthors", data={"username": "bo"}).status_code == 303
    assert "has not answered yet" in _html(client.get(url))
    invited = app.test_client()
    login(invited, "bo")
    assert "invites you to sign this" in _html(invited.get(url))
    assert invited.post(url + "/coauthors/answer", data={"answer": "maybe"}).status_code == 400
    assert invited.post(url + "/coauthors/answer",
                        data={"answer": "accept"}).status_code == 303
    html = _html(invited.get(url))
    assert "Co-author" in html and "invites you" not in html
    with app.app_context():
        assert db.session.scalar(select(ProposalCoauthor.accepted_at)) is not None
    # Updates: authors only, kept text on refusal, at most one per interval.
    response = client.post(url + "/updates", data={"title": "", "body": "Body kept"})
    assert response.status_code == 400 and "Body kept" in _html(response)
    response = client.post(url + "/updates", data={"title": "First news", "body": "We met."})
    assert response.status_code == 303
    html = _html(client.get(url))
    assert "First news" in html and "We met." in html
    response = client.post(url + "/updates", data={"title": "Again", "body": "Too soon"})
    assert response.status_code == 429 and "Too soon" in _html(response)
    # Featuring: administrators only.
    assert client.post(url + "/feature", data={"featured": "1"}).status_code == 403
    make_user("admin", locale="en", roles=[("city", "aurora", "administrator")])
    client = _client(app, "admin")
    assert client.post(url + "/feature", data={"featured": "1"}).status_code == 303
    html = _html(client.get("/aurora/proposals/"))
    assert "Featured" in html and "proposal-card--featured" in html


def _bulk_proposals(app, count: int, where: str = "aurora") -> None:
    with app.app_context():
        kind, _, slug = where.rpartition("/")
        space_id = db.session.scalar(select(Space.id).where(Space.slug == slug))
        author_id = db.session.scalar(select(User.id))
        now = utcnow()
        db.session.execute(insert(Proposal), [
            {"space_id": space_id, "author_id": author_id, "title": f"Bulk proposal {n}",
             "summary": "s", "description": "x", "description_html": "<p>x</p>",
             "locale": "en", "published_at": now, "supports_count": n % 13,
             "comments_count": n % 5, "flags_count": 0, "hot_score": n / 1000,
             "last_activity_at": now, "created_at": now, "updated_at": now,
             "code": f"B-{slug}-{count}-{n}"} for n in range(count)])
        db.session.commit()


def _queries(client, count_queries, url: str) -> int:
    with count_queries() as counter:
        response = client.get(url)
        assert response.status_code == 200, url
    return counter.count


def test_query_counts_do_not_grow(app, logged_in, make_user, count_queries) -> None:
    client = logged_in("ana", verified=True)
    make_user("bea", city="borealis", verified=True)
    city_id = new_proposal(app, tags="climate")
    joint_id = new_proposal(app, where="alliances/pact")
    support(app, joint_id, "bea", where="alliances/pact")
    urls = ["/aurora/proposals/", "/aurora/proposals/?order=supports&page=2",
            "/aurora/proposals/?status=open", "/alliances/pact/proposals/",
            f"/aurora/proposals/{city_id}", f"/alliances/pact/proposals/{joint_id}"]
    _bulk_proposals(app, 3 + 20)  # a second page exists in both rounds
    _bulk_proposals(app, 3, "alliances/pact")
    small = [_queries(client, count_queries, url) for url in urls]
    _bulk_proposals(app, 60)
    _bulk_proposals(app, 60, "alliances/pact")
    with app.app_context():
        db.session.execute(update(Proposal).where(Proposal.id == joint_id).values(
            supports_count=Proposal.supports_count + 60))
        db.session.commit()
    large = [_queries(client, count_queries, url) for url in urls]
    assert small == large, dict(zip(urls, zip(small, large, strict=True), strict=True))
    assert max(large) <= 25, dict(zip(urls, large, strict=True))
