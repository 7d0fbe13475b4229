"""Debate pages through HTTP."""

from __future__ import annotations

from sqlalchemy import select, update

from decide.debates.models import Debate
from decide.extensions import db
from tests.conftest import PASSWORD
from tests.debates.helpers import new_comment, new_debate

EN = {"Accept-Language": "en"}


def test_start_a_debate(app, logged_in) -> None:
    client = logged_in("ana", locale="en")
    assert client.get("/aurora/debates/new").status_code == 200
    response = client.post("/aurora/debates/new", data={
        "title": "More trees in Norte", "description": "Plant **100** trees.",
        "tags": "climate, trees", "geozone": "norte"})
    assert response.status_code == 302
    with app.app_context():
        debate = db.session.scalar(select(Debate))
        assert response.headers["Location"].endswith(f"/aurora/debates/{debate.id}")
        assert debate.locale == "en" and debate.geozone.slug == "norte"
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "More trees in Norte" in html and "<strong>100</strong>" in html


def test_bad_input_keeps_what_was_typed(logged_in) -> None:
    client = logged_in("ana", locale="en")
    response = client.post("/aurora/debates/new", data={
        "title": "abc", "description": "My long text", "tags": "ok"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "My long text" in html and 'value="abc"' in html and "between 4 and 80" in html
    response = client.post("/aurora/debates/new", data={
        "title": "A good title", "description": "Text", "tags": "a,b,c,d,e,f,g"})
    assert response.status_code == 400 and "at most 6 tags" in response.get_data(as_text=True)
    response = client.post("/aurora/debates/new", data={
        "title": "A good title", "description": "Text", "geozone": "atlantis"})
    assert response.status_code == 400


def test_anonymous_are_sent_to_sign_in(client) -> None:
    response = client.get("/aurora/debates/new")
    assert response.status_code == 302 and "/accounts/login" in response.headers["Location"]
    assert client.post("/aurora/debates/new", data={"title": "x"}).status_code == 302


def test_module_must_be_enabled(client) -> None:
    # Cenit enables debates; Borealis too; the fixture alliance as well. A module a space
    # does not enable answers 404.
    assert client.get("/cenit/debates/").status_code == 200
    from decide.cities.queries import city_by_slug

    with client.application.app_context():
        cenit = city_by_slug("cenit")
        cenit.modules = []
        db.session.commit()
    assert client.get("/cenit/debates/").status_code == 404


def test_list_orderings_filters_and_pagination(app, client, make_user) -> None:
    make_user("ana")
    ids = [new_debate(app, title=f"Debate number {n}", tags="climate" if n % 2 else "housing")
           for n in range(25)]
    with app.app_context():
        db.session.execute(update(Debate).where(Debate.id == ids[3]).values(
            comments_count=50))
        db.session.execute(update(Debate).where(Debate.id == ids[5]).values(
            confidence_score=0.9))
        db.session.commit()
    active = client.get("/aurora/debates/?order=active", headers=EN).get_data(as_text=True)
    assert active.index("Debate number 3<") < active.index("Debate number 24<")
    top = client.get("/aurora/debates/?order=top", headers=EN).get_data(as_text=True)
    assert top.index("Debate number 5<") < top.index("Debate number 24<")
    newest = client.get("/aurora/debates/?order=new", headers=EN).get_data(as_text=True)
    assert "Debate number 24<" in newest and "Debate number 3<" not in newest  # page 2
    page2 = client.get("/aurora/debates/?order=new&page=2", headers=EN).get_data(as_text=True)
    assert "Debate number 3<" in page2 and "Page 2 of 2" in page2
    tagged = client.get("/aurora/debates/?tag=housing", headers=EN).get_data(as_text=True)
    assert "13 debates found" in tagged and "Debate number 1<" not in tagged
    assert client.get("/aurora/debates/?tag=nonexistent").status_code == 404
    assert client.get("/aurora/debates/?geozone=atlantis").status_code == 404
    assert client.get("/aurora/debates/?order=random").status_code == 400
    assert client.get("/aurora/debates/?page=abc").status_code == 400
    assert client.get("/aurora/debates/?page=0").status_code == 400
    # Other spaces never show them.
    assert "Debate number" not in client.get("/borealis/debates/").get_data(as_text=True)


def test_featured_first_and_hidden_never(app, client, make_user) -> None:
    make_user("ana")
    first = new_debate(app, title="An old featured debate")
    hidden = new_debate(app, title="A hidden debate")
    new_debate(app, title="A newer debate")
    with app.app_context():
        from decide.core.db import utcnow

        db.session.execute(update(Debate).where(Debate.id == first).values(
            featured_at=utcnow()))
        db.session.execute(update(Debate).where(Debate.id == hidden).values(
            hidden_at=utcnow()))
        db.session.commit()
    html = client.get("/aurora/debates/?order=new", headers=EN).get_data(as_text=True)
    assert html.index("An old featured debate") < html.index("A newer debate")
    assert "A hidden debate" not in html
    assert client.get(f"/aurora/debates/{hidden}").status_code == 404


def test_search_in_list(app, client, make_user) -> None:
    make_user("ana")
    new_debate(app, title="Participación en los barrios", locale="es")
    new_debate(app, title="Bicycle lanes", locale="en")
    html = client.get("/aurora/debates/?q=participacion", headers=EN).get_data(as_text=True)
    assert "Participación en los barrios" in html and "Bicycle lanes" not in html
    html = client.get("/aurora/debates/?q=%22%2A%28", headers=EN).get_data(as_text=True)
    assert "No debate matches" in html


def test_vote_without_javascript_and_in_place(app, logged_in, make_user) -> None:
    make_user("author")
    debate_id = new_debate(app, author="author")
    client = logged_in("ana", locale="en")
    response = client.post(f"/aurora/debates/{debate_id}/vote", data={"value": "agree"})
    assert response.status_code == 303
    html = client.get(f"/aurora/debates/{debate_id}").get_data(as_text=True)
    assert "100%</strong> agree" in html and "You agree" in html
    fragment = client.post(f"/aurora/debates/{debate_id}/vote", data={"value": "disagree"},
                           headers={"X-Requested-With": "decide-fetch"})
    assert fragment.status_code == 200
    text = fragment.get_data(as_text=True)
    assert text.lstrip().startswith('<div class="votes"') and "You disagree" in text
    assert client.post(f"/aurora/debates/{debate_id}/vote",
                       data={"value": "maybe"}).status_code == 400


def test_organisation_vote_is_refused_with_explanation(app, logged_in, make_user) -> None:
    make_user("author")
    debate_id = new_debate(app, author="author")
    client = logged_in("org", kind="organisation", locale="en")
    response = client.post(f"/aurora/debates/{debate_id}/vote", data={"value": "agree"})
    assert response.status_code == 403
    assert "Organisations cannot vote" in response.get_data(as_text=True)


def test_edit_and_history(app, logged_in) -> None:
    client = logged_in("ana", locale="en")
    debate_id = new_debate(app)
    response = client.post(f"/aurora/debates/{debate_id}/edit", data={
        "title": "Shade for every square", "description": "We need trees.", "tags": ""})
    assert response.status_code == 302
    html = client.get(f"/aurora/debates/{debate_id}/history").get_data(as_text=True)
    assert "Shade for squares" in html and "Shade for every square" in html


def test_alliance_debate_shows_participant_cities(app, client, make_user) -> None:
    make_user("ana", city="aurora", verified=True)
    make_user("bo", city="borealis")
    make_user("cy", city="cenit", verified=True)
    debate_id = new_debate(app, where="alliances/pact")
    new_comment(app, debate_id, author="bo", where="alliances/pact")
    new_comment(app, debate_id, author="cy", where="alliances/pact")
    from decide.accounts.services import find_by_username
    from decide.debates.services import vote
    from tests.debates.helpers import space

    with app.test_request_context():
        vote(find_by_username("ana"), space("alliances/pact"), debate_id, True)
    html = client.get(f"/alliances/pact/debates/{debate_id}", headers=EN).get_data(as_text=True)
    section = html.split("Where participants come from")[1].split("</section>")[0]
    assert "Aurora" in section and "Borealis" in section
    assert "Cenit" in section and "not a member city" in section


def test_debate_page_and_list_in_three_languages(app, client, make_user) -> None:
    make_user("ana")
    debate_id = new_debate(app)
    pages = [client.get(f"/aurora/debates/{debate_id}", headers={"Accept-Language": lang})
             .get_data(as_text=True) for lang in ("es", "en", "pt-BR")]
    assert "What do you think?" in pages[1]
    assert "What do you think?" not in pages[0] and "What do you think?" not in pages[2]


def test_posting_floods_get_a_translated_429_that_keeps_the_text(app, make_user, tmp_path
                                                                 ) -> None:
    from decide import create_app
    from tests.conftest import PASSWORD, make_config

    limited = create_app(make_config(
        tmp_path, RATELIMIT_ENABLED=True, DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        RATELIMIT_DEBATE="2 per minute", RATELIMIT_COMMENT="2 per minute"))
    make_user("ana", locale="en")
    debate_id = new_debate(app)
    client = limited.test_client()
    client.post("/accounts/login", data={"identifier": "ana", "password": PASSWORD})
    data = {"title": "Flooding title", "description": "Flood text"}
    statuses = [client.post("/aurora/debates/new", data=data).status_code for _ in range(3)]
    assert statuses == [302, 302, 429]
    html = client.post("/aurora/debates/new", data=data).get_data(as_text=True)
    assert "posting too fast" in html and "Flood text" in html
    comments = [client.post(f"/aurora/comments/debate/{debate_id}",
                            data={"body": f"Comment {n}"}) for n in range(3)]
    assert [r.status_code for r in comments] == [303, 303, 429]
    assert "Comment 2" in comments[2].get_data(as_text=True)
    # Limits are per account: another person may still post.
    make_user("bea", locale="es")
    other = limited.test_client()
    other.post("/accounts/login", data={"identifier": "bea", "password": PASSWORD})
    assert other.post(f"/aurora/comments/debate/{debate_id}",
                      data={"body": "Hola"}).status_code == 303


def test_data_download_includes_debates_comments_votes_flags(app, logged_in, make_user) -> None:
    import json

    make_user("author")
    other = new_debate(app, author="author")
    client = logged_in("ana", locale="en")
    mine = new_debate(app, title="My own debate")
    new_comment(app, other, author="ana", body="My comment")
    client.post(f"/aurora/debates/{other}/vote", data={"value": "agree"})
    client.post(f"/aurora/flag/debate/{other}", data={"reason": "spam", "note": "Looks like an ad"})
    client.post(f"/aurora/debates/{mine}/edit", data={"title": "My own debate, edited",
                                                      "description": "Edited text."})
    data = json.loads(client.get("/accounts/export").data)
    assert data["history"][0]["on"] == f"debate:{mine}"
    assert data["history"][0]["changes"]["title"][1] == "My own debate, edited"
    assert [d["id"] for d in data["debates"]["debates"]] == [mine]
    assert data["debates"]["votes"][0]["debate_id"] == other
    assert data["comments"]["comments"][0]["body"] == "My comment"
    assert data["moderation"][0]["reason"] == "spam"
    # Deleting the account drops what the person wrote in flags (the flag still counts).
    from decide.moderation.models import Flag

    deleted = client.post("/accounts/delete", data={"password": PASSWORD, "confirm": "y"})
    assert deleted.status_code in (302, 303)
    with app.app_context():
        flag = db.session.scalar(select(Flag))
        assert flag is not None and flag.note is None
