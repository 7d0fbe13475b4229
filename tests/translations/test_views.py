"""Translation pages through HTTP: the form, the review page, the debate page and lists."""

from __future__ import annotations

import json
import re

from sqlalchemy import select, update

from decide.core.db import utcnow
from decide.debates.models import Debate
from decide.extensions import db
from decide.translations.models import ContentTranslation
from tests.conftest import PASSWORD, login
from tests.debates.helpers import new_debate
from tests.translations.helpers import ENGLISH, SPANISH, review, suggest


def _form_url(debate_id: int, where: str = "aurora", **args: str) -> str:
    query = "".join(f"?{k}={v}" for k, v in args.items())
    return f"/{where}/translations/debate/{debate_id}/new{query}"


def test_the_form_shows_the_original_and_keeps_what_was_typed(app, logged_in,
                                                               make_user) -> None:
    make_user("ana")
    debate = new_debate(app, locale="es", **SPANISH)
    client = logged_in("bea", locale="en")
    page = client.get(_form_url(debate, locale="en"))
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'lang="es"' in html and SPANISH["title"] in html and "<strong>árboles</strong>" in html
    assert re.search(r'<option selected value="en">English</option>', html)
    response = client.post(_form_url(debate), data={
        "locale": "en", "title": "Shade for the squares", "description": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'value="Shade for the squares"' in html and "This field is required." in html
    response = client.post(_form_url(debate), data={
        "locale": "es", "title": "Shade for the squares", "description": "My careful text"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "My careful text" in html
    assert "This text was written in Spanish: choose another language." in html
    response = client.post(_form_url(debate), data={
        "locale": "en", "title": "x" * 81, "description": "My careful text"})
    assert response.status_code == 400 and "My careful text" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(ContentTranslation)) is None
    response = client.post(_form_url(debate), data={"locale": "en", **ENGLISH})
    assert response.status_code == 303 and response.headers["Location"].endswith(
        f"/aurora/debates/{debate}")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "will review your translation into English" in html
    assert SPANISH["title"] in html  # waiting for review: readers still see the original


def test_languages_out_of_reach_are_a_clear_400(app, logged_in, make_user) -> None:
    make_user("ana")
    debate = new_debate(app, locale="es", **SPANISH)
    client = logged_in("bea", locale="en")
    for locale, message in (("es", "This text was written in Spanish"),
                            ("fr", "Choose one of the languages this space offers")):
        response = client.get(_form_url(debate, locale=locale))
        assert response.status_code == 400 and message in response.get_data(as_text=True)


def test_who_may_open_the_pages(app, client, make_user) -> None:
    make_user("ana")
    make_user("bea")
    debate = new_debate(app, locale="es", **SPANISH)
    translation = suggest(app, debate)
    response = client.get(_form_url(debate))
    assert response.status_code == 302 and "/accounts/login" in response.headers["Location"]
    assert client.post(f"/aurora/translations/{translation}/accept").status_code == 302
    login(client, "bea")  # the suggester is not a reviewer
    assert client.get(_form_url(debate)).status_code == 200
    assert client.get(f"/aurora/translations/debate/{debate}/").status_code == 403
    assert client.post(f"/aurora/translations/{translation}/accept").status_code == 403
    with app.app_context():
        assert db.session.get(ContentTranslation, translation).status == "suggested"


def test_other_spaces_hidden_and_unknown_targets_are_404(app, logged_in, make_user) -> None:
    make_user("ana")
    make_user("bea")
    debate = new_debate(app, locale="es", **SPANISH)
    translation = suggest(app, debate)
    client = logged_in("mod", roles=[("city", "borealis", "moderator")])
    assert client.get(_form_url(debate, where="borealis")).status_code == 404
    assert client.get(f"/borealis/translations/debate/{debate}/").status_code == 404
    assert client.post(f"/borealis/translations/{translation}/accept").status_code == 404
    assert client.get("/aurora/translations/tag/1/new").status_code == 404
    assert client.get("/aurora/translations/debate/99999999999/new").status_code == 404
    with app.app_context():
        db.session.execute(update(Debate).where(Debate.id == debate).values(
            hidden_at=utcnow()))
        db.session.commit()
    client = logged_in("root", deployment_admin=True)
    assert client.get(_form_url(debate)).status_code == 404
    assert client.post(f"/aurora/translations/{translation}/accept").status_code == 404
    with app.app_context():
        assert db.session.get(ContentTranslation, translation).status == "suggested"


def test_review_publish_and_read_on_the_debate_page(app, client, make_user) -> None:
    make_user("ana", locale="en")
    make_user("bea", locale="en")
    debate = new_debate(app, author="ana", locale="es", **SPANISH)
    page = f"/aurora/debates/{debate}"
    login(client, "bea")
    html = client.get(page).get_data(as_text=True)
    # The note is a plain English sentence; only the original text carries lang="es".
    assert '<p class="note">Originally written in Spanish.</p>' in html
    assert f'<h1 id="debate-title" lang="es">{SPANISH["title"]}</h1>' in html
    assert f'href="/aurora/translations/debate/{debate}/new?locale=en"' in html
    assert "Translate into Portuguese (Brazil)" in html
    assert "translations to review" not in html
    translation = suggest(app, debate)
    client = app.test_client()
    login(client, "ana")
    html = client.get(page).get_data(as_text=True)
    assert "1 translation to review" in html
    listing = client.get(f"/aurora/translations/debate/{debate}/").get_data(as_text=True)
    assert ENGLISH["title"] in listing and "Suggested by bea" in listing
    assert f'action="/aurora/translations/{translation}/accept"' in listing
    response = client.post(f"/aurora/translations/{translation}/accept")
    assert response.status_code == 303
    again = client.post(f"/aurora/translations/{translation}/accept")
    assert again.status_code == 409 and "already reviewed" in again.get_data(as_text=True)
    html = client.get(page, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert f'<h1 id="debate-title" lang="en">{ENGLISH["title"]}</h1>' in html
    assert '<p class="note">Translated from Spanish.</p>' in html
    assert "<strong>trees</strong>" in html and "Show the original (Spanish)" in html
    assert f'href="/aurora/translations/debate/{debate}/new?locale=en"' not in html
    reader = app.test_client()  # anonymous, Spanish: the original, no note, no links
    html = reader.get(page, headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert f'<h1 id="debate-title" lang="es">{SPANISH["title"]}</h1>' in html
    assert "Originally written" not in html and "Translated from" not in html
    assert "/translations/" not in html
    with app.app_context():
        assert db.session.get(ContentTranslation, translation).status == "accepted"


def test_a_list_of_translated_debates_runs_a_bounded_number_of_queries(
        app, client, make_user, count_queries) -> None:
    make_user("ana", locale="en")
    login(client, "ana")

    def queries_for(count: int) -> int:
        for n in range(count):
            debate = new_debate(app, locale="es", **{**SPANISH, "title": f"Debate {n:03d}"})
            suggest(app, debate, who="ana", texts={**ENGLISH, "title": f"Translated {n:03d}"})
        with count_queries() as counter:
            html = client.get("/aurora/debates/?order=new").get_data(as_text=True)
        assert html.count("Translated ") >= count
        return counter.count

    few = queries_for(2)
    many = queries_for(12)
    assert many == few


def test_suggestion_floods_get_a_429_that_keeps_the_text(app, make_user, tmp_path) -> None:
    from decide import create_app
    from tests.conftest import make_config

    limited = create_app(make_config(
        tmp_path, RATELIMIT_ENABLED=True, DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        RATELIMIT_COMMENT="2 per minute"))
    make_user("ana")
    make_user("bea", locale="en")
    debate = new_debate(app, locale="es", **SPANISH)
    client = limited.test_client()
    login(client, "bea")
    responses = [client.post(_form_url(debate), data={
        "locale": "en", "title": f"Shade {n}", "description": "My careful text"})
        for n in range(3)]
    assert [r.status_code for r in responses] == [303, 303, 429]
    html = responses[2].get_data(as_text=True)
    assert "posting too fast" in html and 'value="Shade 2"' in html and "My careful text" in html


def test_data_download_and_account_deletion(app, client, make_user) -> None:
    make_user("ana")
    make_user("bea", locale="en")
    debate = new_debate(app, locale="es", **SPANISH)
    published = suggest(app, debate)
    review(app, published, "ana")
    waiting = suggest(app, debate, locale="pt_BR")
    login(client, "bea")
    data = json.loads(client.get("/accounts/export").data)
    assert [(s["on"], s["locale"], s["status"]) for s in data["translations"]["suggested"]] == [
        (f"debate:{debate}", "en", "accepted"), (f"debate:{debate}", "pt_BR", "suggested")]
    response = client.post("/accounts/delete", data={"password": PASSWORD, "confirm": "y"})
    assert response.status_code in (302, 303)
    with app.app_context():
        assert db.session.get(ContentTranslation, waiting) is None
        kept = db.session.get(ContentTranslation, published)
        assert kept.status == "accepted" and kept.author_id is None
    reader = app.test_client()
    html = reader.get(f"/aurora/debates/{debate}", headers={"Accept-Language": "en"}).get_data(
        as_text=True)
    assert ENGLISH["title"] in html
