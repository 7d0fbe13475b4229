"""Static pages (terms, privacy, accessibility statement, FAQ): shipped defaults, texts per
locale written by a space's administrators or the deployment's, validation and audit."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from decide.audit.models import AuditEvent
from decide.extensions import db
from decide.pages.models import BODY_MAX, TITLE_MAX, StaticPage
from tests.conftest import login

ADMIN = [("city", "aurora", "administrator")]
EN = {"Accept-Language": "en"}


def signed_in(app, username: str):
    client = app.test_client()
    assert login(client, username).status_code == 302
    return client


def stored_pages(app) -> list[StaticPage]:
    with app.app_context():
        return list(db.session.scalars(select(StaticPage).order_by(StaticPage.id)))


def audit_events(app, action: str) -> list[AuditEvent]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)
                                       .order_by(AuditEvent.id)))


def h1(response) -> str:
    return re.search(r"<h1[^>]*>(.*?)</h1>", response.get_data(as_text=True), re.S).group(1)


TERMS = {"title_es": "Condiciones de Aurora", "body_es": "Texto **importante**.",
         "title_en": "Aurora's terms", "body_en": "An **important** text."}


@pytest.mark.parametrize(("url", "title"), [
    ("/terms", "Terms of use"), ("/privacy", "Privacy"),
    ("/accessibility", "Accessibility statement"), ("/faq", "Frequently asked questions"),
    ("/aurora/pages/terms", "Terms of use"), ("/alliances/pact/pages/faq",
                                              "Frequently asked questions"),
])
def test_default_texts_when_nothing_is_written(client, url: str, title: str) -> None:
    response = client.get(url, headers=EN)
    assert response.status_code == 200
    assert h1(response) == title
    assert response.get_data(as_text=True).count("<h2>") >= 2


def test_default_texts_are_translated(client) -> None:
    spanish = client.get("/privacy", headers={"Accept-Language": "es"}).get_data(as_text=True)
    english = client.get("/privacy", headers=EN).get_data(as_text=True)
    assert "<h2>Tus datos</h2>" in spanish and "<h2>Your data</h2>" in english


def test_unknown_pages_do_not_exist(client, make_user) -> None:
    make_user("ana", roles=ADMIN)
    assert client.get("/aurora/pages/nothing").status_code == 404
    assert client.get("/nowhere/pages/terms").status_code == 404
    admin = signed_in(client.application, "ana")
    assert admin.get("/aurora/admin/pages/nothing").status_code == 404


def test_administrator_writes_the_space_page_per_locale(app, make_user) -> None:
    make_user("ana", roles=ADMIN, locale="en")
    client = signed_in(app, "ana")
    listing = client.get("/aurora/admin/pages/").get_data(as_text=True)
    assert 'href="/aurora/admin/pages/terms"' in listing and "Default text" in listing
    form = client.get("/aurora/admin/pages/terms").get_data(as_text=True)
    for loc in ("es", "en", "pt_BR"):
        assert f'<label for="title_{loc}">' in form and f'<label for="body_{loc}">' in form
    response = client.post("/aurora/admin/pages/terms", data=TERMS)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/aurora/admin/pages/")
    assert "Written here, in: Español, English" in client.get(
        "/aurora/admin/pages/").get_data(as_text=True)

    english = app.test_client().get("/aurora/pages/terms", headers=EN)
    assert h1(english) == "Aurora&#39;s terms"
    assert "An <strong>important</strong> text." in english.get_data(as_text=True)
    spanish = app.test_client().get("/aurora/pages/terms", headers={"Accept-Language": "es"})
    assert h1(spanish) == "Condiciones de Aurora"
    # Nothing in Portuguese: the space's main language, marked as such for screen readers.
    portuguese = app.test_client().get("/aurora/pages/terms",
                                       headers={"Accept-Language": "pt-BR"})
    assert '<h1 lang="es">Condiciones de Aurora</h1>' in portuguese.get_data(as_text=True)
    # Other spaces and the deployment keep their own (default) text.
    assert h1(app.test_client().get("/borealis/pages/terms", headers=EN)) == "Terms of use"
    assert h1(app.test_client().get("/terms", headers=EN)) == "Terms of use"
    # The form shows what is stored.
    assert "Aurora&#39;s terms" in client.get("/aurora/admin/pages/terms").get_data(
        as_text=True)


def test_edits_are_audited_and_reset_restores_the_default(app, make_user) -> None:
    make_user("ana", roles=ADMIN, locale="en")
    client = signed_in(app, "ana")
    client.post("/aurora/admin/pages/faq", data=TERMS)
    client.post("/aurora/admin/pages/faq", data={**TERMS, "title_en": "FAQ of Aurora"})
    edits = audit_events(app, "pages.edit")
    assert len(edits) == 2
    assert edits[0].data["before"] is None
    assert edits[0].data["after"]["titles"] == {"es": "Condiciones de Aurora",
                                                "en": "Aurora's terms"}
    assert edits[1].data["before"]["titles"]["en"] == "Aurora's terms"
    assert edits[1].data["after"]["titles"]["en"] == "FAQ of Aurora"
    assert edits[1].data["slug"] == "faq" and edits[1].actor_id is not None
    with app.app_context():
        from decide.cities.queries import city_by_slug

        assert {event.space_id for event in edits} == {city_by_slug("aurora").id}
    # Saving the same texts again changes nothing and records nothing.
    client.post("/aurora/admin/pages/faq", data={**TERMS, "title_en": "FAQ of Aurora"})
    assert len(audit_events(app, "pages.edit")) == 2

    confirm = client.get("/aurora/admin/pages/faq/reset")
    assert confirm.status_code == 200 and 'method="post"' in confirm.get_data(as_text=True)
    assert client.post("/aurora/admin/pages/faq/reset").status_code == 302
    assert stored_pages(app) == []
    assert audit_events(app, "pages.reset")[0].data["before"]["titles"]["en"] == \
        "FAQ of Aurora"
    assert h1(app.test_client().get("/aurora/pages/faq", headers=EN)) == \
        "Frequently asked questions"


def test_deployment_pages_show_in_spaces_without_their_own(app, make_user) -> None:
    make_user("root", deployment_admin=True, locale="en")
    make_user("ana", roles=ADMIN, locale="en")
    root = signed_in(app, "root")
    assert root.get("/admin/pages/").status_code == 200
    response = root.post("/admin/pages/privacy",
                         data={"title_es": "Privacidad de la red", "body_es": "Nada más.",
                               "title_en": "Network privacy", "body_en": "Nothing else."})
    assert response.status_code == 302
    assert h1(app.test_client().get("/privacy", headers=EN)) == "Network privacy"
    assert h1(app.test_client().get("/borealis/pages/privacy", headers=EN)) == \
        "Network privacy"
    # Aurora writes its own: it wins there only.
    signed_in(app, "ana").post("/aurora/admin/pages/privacy", data=TERMS)
    assert h1(app.test_client().get("/aurora/pages/privacy", headers=EN)) == \
        "Aurora&#39;s terms"
    assert h1(app.test_client().get("/borealis/pages/privacy", headers=EN)) == \
        "Network privacy"


def test_who_may_edit(app, client, make_user) -> None:
    make_user("ana", roles=ADMIN)
    make_user("mod", roles=[("city", "aurora", "moderator")])
    make_user("plain")
    assert client.get("/aurora/admin/pages/").status_code == 302  # sign in first
    assert client.post("/aurora/admin/pages/terms", data=TERMS).status_code == 302
    for username in ("plain", "mod"):
        other = signed_in(app, username)
        assert other.get("/aurora/admin/pages/").status_code == 403
        assert other.get("/aurora/admin/pages/terms").status_code == 403
        assert other.post("/aurora/admin/pages/terms", data=TERMS).status_code == 403
        assert other.post("/aurora/admin/pages/terms/reset").status_code == 403
    admin = signed_in(app, "ana")
    # Another space's pages and the deployment's are not Aurora's administrator's.
    assert admin.get("/borealis/admin/pages/terms").status_code == 403
    assert admin.post("/borealis/admin/pages/terms", data=TERMS).status_code == 403
    assert admin.post("/alliances/pact/admin/pages/terms", data=TERMS).status_code == 403
    assert admin.get("/admin/pages/").status_code == 403
    assert admin.post("/admin/pages/terms", data=TERMS).status_code == 403
    assert stored_pages(app) == []


def test_missing_title_in_the_main_language_is_refused_and_the_form_kept(app,
                                                                          make_user) -> None:
    make_user("ana", roles=ADMIN, locale="en")
    client = signed_in(app, "ana")
    response = client.post("/aurora/admin/pages/terms",
                           data={"title_es": "  ", "body_es": "Mi texto escrito.",
                                 "title_en": "English title", "body_en": ""})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Give the page a title in Español, the main language here." in html
    assert "Write this translation&#39;s text too, or leave its title empty." in html
    assert "Mi texto escrito.</textarea>" in html and 'value="English title"' in html
    assert 'class="error-summary"' in html
    assert stored_pages(app) == [] and audit_events(app, "pages.edit") == []


def test_too_long_texts_are_refused_in_the_readers_language(app, make_user) -> None:
    make_user("ana", roles=ADMIN, locale="es")
    client = signed_in(app, "ana")
    response = client.post("/aurora/admin/pages/terms",
                           data={"title_es": "x" * (TITLE_MAX + 1),
                                 "body_es": "y" * (BODY_MAX + 1)})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert f"Usa como máximo {TITLE_MAX} caracteres." in html
    assert f"Usa como máximo {BODY_MAX} caracteres." in html
    assert 'value="' + "x" * (TITLE_MAX + 1) + '"' in html
    assert stored_pages(app) == []


def test_service_refuses_what_the_form_would(app, make_user) -> None:
    from decide.core.errors import DomainError
    from decide.pages.services import save_page

    make_user("ana", roles=ADMIN)
    with app.test_request_context():
        from decide.cities.queries import city_by_slug

        with pytest.raises(DomainError) as refused:
            save_page(None, city_by_slug("aurora"), "terms", {"en": "Only English"},
                      {"en": "Text"}, ("es", "en"), "es")
        assert refused.value.field == "title_es"
        with pytest.raises(DomainError):
            save_page(None, city_by_slug("aurora"), "nothing", {"es": "T"}, {"es": "B"},
                      ("es",), "es")
    assert stored_pages(app) == []


def test_markdown_is_rendered_safely(app, make_user) -> None:
    make_user("ana", roles=ADMIN, locale="en")
    client = signed_in(app, "ana")
    client.post("/aurora/admin/pages/faq", data={
        "title_es": "<b>FAQ</b>", "title_en": "FAQ",
        "body_es": "x", "body_en": "<script>alert(1)</script> [go](javascript:alert(1))\n\n"
                                   "### Question"})
    html = app.test_client().get("/aurora/pages/faq", headers=EN).get_data(as_text=True)
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html
    assert 'href="javascript' not in html
    assert "<h3>Question</h3>" in html
    spanish = app.test_client().get("/aurora/pages/faq", headers={"Accept-Language": "es"})
    assert "&lt;b&gt;FAQ&lt;/b&gt;" in spanish.get_data(as_text=True)


def test_footer_links_follow_the_space(app) -> None:
    from decide.pages.views import static_page_links

    with app.test_request_context("/aurora/pages/faq", headers=EN):
        app.preprocess_request()
        links = static_page_links()
    assert [url for _, url in links] == [
        "/aurora/pages/terms", "/aurora/pages/privacy", "/aurora/pages/accessibility",
        "/aurora/pages/faq"]
    with app.test_request_context("/", headers=EN):
        app.preprocess_request()
        assert [url for _, url in static_page_links()] == [
            "/terms", "/privacy", "/accessibility", "/faq"]


def test_one_deployment_page_per_slug(app) -> None:
    from sqlalchemy.exc import IntegrityError

    with app.app_context():
        db.session.add(StaticPage(slug="faq", titles={}, bodies={}, bodies_html={}))
        db.session.commit()
        db.session.add(StaticPage(slug="faq", titles={}, bodies={}, bodies_html={}))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
        assert db.session.scalar(select(func.count(StaticPage.id))) == 1
