"""Pages and forms of the action plan and declarations."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from decide.cities.models import Alliance, AllianceMembership
from decide.cities.queries import city_by_slug
from decide.extensions import db
from decide.plans import services
from decide.plans.models import Adhesion, Milestone, PlanCommitment, PlanItem
from tests.conftest import login
from tests.plans.helpers import EN, PLAN, enable_plans, joint_action, pact, people, user

LOCALES = {"es": "es", "en": "en", "pt_BR": "pt-BR"}


@pytest.fixture
def setup(app, make_user):
    enable_plans(app)
    people(make_user)
    return app


def client_of(app, name: str):
    client = app.test_client()
    assert login(client, name).status_code == 302
    return client


def adopt(app, proposal_id: int) -> int:
    with app.test_request_context():
        return services.adopt(user("sec"), pact(), proposal_id).id


def publish(app, title: str = "Declaration of Aurora") -> int:
    with app.test_request_context():
        return services.publish_declaration(
            user("sec"), pact(), title=title, body="We *commit*.", locale="en",
            signed_on=date(2026, 11, 1), place="Aurora").id


def plan_with_everything(app) -> tuple[int, int]:
    item_id = adopt(app, joint_action(app))
    declaration_id = publish(app)
    with app.test_request_context():
        sec, item = user("sec"), services.item_in(pact(), item_id)
        services.add_commitment(sec, item, city_by_slug("aurora").id)
        services.add_milestone(sec, item, title="Pilot lanes", due_on=date(2027, 3, 31),
                               progress=40)
        services.adhere(user("mayor"), services.declaration_in(pact(), declaration_id),
                        city_by_slug("aurora").id)
    return item_id, declaration_id


def test_module_must_be_enabled_and_alliances_only(setup, client) -> None:
    assert client.get(PLAN).status_code == 200
    assert client.get("/aurora/plan").status_code == 404
    with setup.app_context():
        pact().modules = ["debates", "proposals"]
        db.session.commit()
    assert client.get(PLAN).status_code == 404
    assert client.get("/alliances/pact/declarations/").status_code == 404


@pytest.mark.parametrize("locale", list(LOCALES))
def test_pages_render_in_every_language(setup, client, locale) -> None:
    item_id, declaration_id = plan_with_everything(setup)
    headers = {"Accept-Language": LOCALES[locale]}
    for url in (PLAN, f"{PLAN}/{item_id}", "/alliances/pact/declarations/",
                f"/alliances/pact/declarations/{declaration_id}", "/alliances/pact/", "/aurora/",
                "/"):
        response = client.get(url, headers=headers)
        assert response.status_code == 200, url
        assert f'lang="{LOCALES[locale]}"' in response.get_data(as_text=True), url
    plan = client.get(PLAN, headers=headers).get_data(as_text=True)
    assert "Shared cycle lanes" in plan and 'value="40"' in plan and "Aurora" in plan
    assert "Declaration of Aurora" in plan


def test_plan_city_and_landing_pages_show_the_data(setup, client) -> None:
    item_id, declaration_id = plan_with_everything(setup)
    item = client.get(f"{PLAN}/{item_id}", headers=EN).get_data(as_text=True)
    assert "Pilot lanes" in item and "40% complete" in item
    assert '<progress max="100" value="40" aria-label="Overall progress">' in item
    city = client.get("/aurora/", headers=EN).get_data(as_text=True)
    assert "Joint actions we committed to" in city and "Shared cycle lanes" in city
    borealis = client.get("/borealis/", headers=EN).get_data(as_text=True)
    assert "Joint actions we committed to" not in borealis
    declaration = client.get(f"/alliances/pact/declarations/{declaration_id}",
                             headers=EN).get_data(as_text=True)
    assert "1 city adheres" in declaration and "<em>commit</em>" in declaration
    landing = client.get("/", headers=EN).get_data(as_text=True)
    assert "Cities adhering to alliance declarations</dt><dd>1</dd>" in landing
    home = client.get("/alliances/pact/", headers=EN).get_data(as_text=True)
    assert "Shared cycle lanes" in home and "Declaration of Aurora" in home


def test_adopt_through_the_form(setup) -> None:
    app = setup
    proposal_id = joint_action(app)
    waiting_id = joint_action(app, "Not yet there", succeed=False)
    sec = client_of(app, "sec")
    page = sec.get(PLAN, headers=EN).get_data(as_text=True)
    assert "Shared cycle lanes" in page and "Not yet there" not in page
    refused = sec.post(f"{PLAN}/adopt", data={"proposal_id": str(waiting_id)}, headers=EN)
    assert refused.status_code == 409
    assert "Only joint actions that reached their support goal" in refused.get_data(as_text=True)
    response = sec.post(f"{PLAN}/adopt", data={"proposal_id": str(proposal_id)}, headers=EN)
    assert response.status_code == 303
    with app.app_context():
        item = db.session.scalars(select(PlanItem)).one()
    assert response.headers["Location"].endswith(f"{PLAN}/{item.id}")
    again = sec.post(f"{PLAN}/adopt", data={"proposal_id": str(proposal_id)}, headers=EN)
    assert again.status_code == 409
    assert sec.post(f"{PLAN}/adopt", data={"proposal_id": "x"}, headers=EN).status_code == 404


def test_people_without_the_role_are_refused(setup) -> None:
    app = setup
    item_id = adopt(app, joint_action(app, "First"))
    other_id = joint_action(app, "Second")
    mayor = client_of(app, "mayor")
    assert mayor.post(f"{PLAN}/adopt", data={"proposal_id": str(other_id)}).status_code == 403
    for url, data in ((f"{PLAN}/{item_id}/status", {"status": "done"}),
                      (f"{PLAN}/{item_id}/commitments", {"city_id": "1"}),
                      (f"{PLAN}/{item_id}/milestones",
                       {"title": "X", "due_on": "2027-01-01", "progress": "5"}),
                      ("/alliances/pact/declarations/new",
                       {"title": "Mine", "body": "x", "locale": "en",
                        "signed_on": "2027-01-01", "place": "A"})):
        response = mayor.post(url, data=data, headers=EN)
        assert response.status_code == 403, url
        # The mayor's account is in Spanish: the refusal is too.
        assert "No tienes permiso para hacer esto aquí." in response.get_data(as_text=True)
    anonymous = app.test_client().post(f"{PLAN}/{item_id}/status", data={"status": "done"})
    assert anonymous.status_code == 302 and "/accounts/login" in anonymous.headers["Location"]
    page = mayor.get(f"{PLAN}/{item_id}", headers=EN).get_data(as_text=True)
    assert "Add a milestone" not in page
    with app.app_context():
        assert db.session.get(PlanItem, item_id).status == "adopted"


def test_manage_an_item_through_the_forms(setup) -> None:
    app = setup
    item_id = adopt(app, joint_action(app))
    sec = client_of(app, "sec")
    with app.app_context():
        aurora, cenit = city_by_slug("aurora").id, city_by_slug("cenit").id
    assert sec.post(f"{PLAN}/{item_id}/status", data={"status": "in_progress"}).status_code == 303
    bad_status = sec.post(f"{PLAN}/{item_id}/status", data={"status": "finished"}, headers=EN)
    assert bad_status.status_code == 400
    assert "Choose one of the statuses offered." in bad_status.get_data(as_text=True)

    outsider = sec.post(f"{PLAN}/{item_id}/commitments", data={"city_id": str(cenit)},
                        headers=EN)
    assert outsider.status_code == 400
    assert "Choose a member city of this alliance." in outsider.get_data(as_text=True)
    assert sec.post(f"{PLAN}/{item_id}/commitments",
                    data={"city_id": str(aurora)}).status_code == 303

    too_much = sec.post(f"{PLAN}/{item_id}/milestones", headers=EN, data={
        "title": "Pilot lanes", "due_on": "2027-03-31", "progress": "150"})
    body = too_much.get_data(as_text=True)
    assert too_much.status_code == 400
    assert "Progress is a whole number from 0 to 100." in body
    assert 'value="Pilot lanes"' in body and 'value="150"' in body
    not_a_date = sec.post(f"{PLAN}/{item_id}/milestones", headers=EN, data={
        "title": "Pilot lanes", "due_on": "31/02/2027", "progress": "10"})
    assert not_a_date.status_code == 400
    assert "Enter a date like 2027-03-31." in not_a_date.get_data(as_text=True)
    assert 'value="31/02/2027"' in not_a_date.get_data(as_text=True)
    assert sec.post(f"{PLAN}/{item_id}/milestones", data={
        "title": "Pilot lanes", "due_on": "2027-03-31", "progress": "10"}).status_code == 303
    with app.app_context():
        milestone = db.session.scalars(select(Milestone)).one()
    edit_url = f"{PLAN}/{item_id}/milestones/{milestone.id}/edit"
    assert 'value="2027-03-31"' in sec.get(edit_url).get_data(as_text=True)
    wrong = sec.post(edit_url, data={"title": "Pilot", "due_on": "2027-03-31",
                                     "progress": "-5"}, headers=EN)
    assert wrong.status_code == 400 and 'value="-5"' in wrong.get_data(as_text=True)
    assert sec.post(edit_url, data={"title": "Pilot", "due_on": "2027-04-30",
                                    "progress": "100"}).status_code == 303
    with app.app_context():
        milestone = db.session.get(Milestone, milestone.id)
        assert (milestone.title, milestone.due_on, milestone.progress) == (
            "Pilot", date(2027, 4, 30), 100)
        assert milestone.done_at is not None
    assert sec.post(f"{PLAN}/{item_id}/milestones/{milestone.id}/remove").status_code == 303
    assert sec.post(f"{PLAN}/{item_id}/commitments/{aurora}/remove").status_code == 303
    assert sec.post(f"{PLAN}/{item_id}/commitments/{aurora}/remove").status_code == 404
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PlanCommitment)) == 0
        assert db.session.scalar(select(func.count()).select_from(Milestone)) == 0


def test_declaration_forms(setup) -> None:
    app = setup
    sec = client_of(app, "sec")
    assert sec.get("/alliances/pact/declarations/new").status_code == 200
    bad = sec.post("/alliances/pact/declarations/new", headers=EN, data={
        "title": "Declaration of Aurora", "body": "Text", "locale": "en",
        "signed_on": "someday", "place": "Aurora"})
    assert bad.status_code == 400
    assert "Enter a date like 2027-03-31." in bad.get_data(as_text=True)
    assert 'value="Declaration of Aurora"' in bad.get_data(as_text=True)
    wrong_language = sec.post("/alliances/pact/declarations/new", headers=EN, data={
        "title": "Declaration of Aurora", "body": "Text", "locale": "fr",
        "signed_on": "2026-11-01", "place": "Aurora"})
    assert wrong_language.status_code == 400
    created = sec.post("/alliances/pact/declarations/new", data={
        "title": "Declaration of Aurora", "body": "Text", "locale": "en",
        "signed_on": "2026-11-01", "place": "Aurora"})
    assert created.status_code == 303
    url = created.headers["Location"]
    declaration_id = int(url.rstrip("/").rsplit("/", 1)[1])

    mayor = client_of(app, "mayor")  # reads Spanish, the language of the account
    page = mayor.get(url, headers=EN).get_data(as_text=True)
    assert "Adherirse en nombre de la ciudad" in page
    with app.app_context():
        aurora, borealis = city_by_slug("aurora").id, city_by_slug("borealis").id
    other = mayor.post(f"{url}/adhere", data={"city_id": str(borealis)}, headers=EN)
    assert other.status_code == 403
    assert "Elige una ciudad miembro que administres." in other.get_data(as_text=True)
    assert mayor.post(f"{url}/adhere", data={"city_id": str(aurora)}).status_code == 303
    page = mayor.get(url, headers=EN).get_data(as_text=True)
    assert "Retirar la adhesión de Aurora" in page
    outsider = client_of(app, "outsider")
    assert outsider.post(f"{url}/adhere", data={"city_id": "1"}).status_code == 403
    assert outsider.post(f"{url}/withdraw", data={"city_id": str(aurora)}).status_code == 403
    assert mayor.post(f"{url}/withdraw", data={"city_id": str(aurora)}).status_code == 303
    assert mayor.post(f"{url}/withdraw", data={"city_id": str(aurora)}).status_code == 404
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Adhesion)) == 0
    assert declaration_id


def test_forms_need_the_csrf_token(setup) -> None:
    app = setup
    item_id = adopt(app, joint_action(app))
    sec = client_of(app, "sec")
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = sec.post(f"{PLAN}/{item_id}/status", data={"status": "done"}, headers=EN)
        assert response.status_code == 400
        assert "Your form expired" in response.get_data(as_text=True)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    with app.app_context():
        assert db.session.get(PlanItem, item_id).status == "adopted"


def test_no_item_or_declaration_across_alliances(setup) -> None:
    app = setup
    item_id, declaration_id = plan_with_everything(app)
    with app.app_context():
        other = Alliance(slug="other", names={"en": "Other pact"}, default_locale="en",
                         locales=["en"], timezone="UTC", currency="USD",
                         modules=["proposals", "plans"])
        db.session.add(other)
        db.session.flush()
        db.session.add(AllianceMembership(alliance_id=other.id,
                                          city_id=city_by_slug("cenit").id))
        db.session.commit()
    client = app.test_client()
    assert client.get("/alliances/other/plan").status_code == 200
    assert client.get(f"/alliances/other/plan/{item_id}").status_code == 404
    assert client.get(f"/alliances/other/declarations/{declaration_id}").status_code == 404
    sec = client_of(app, "sec")
    # The pact's secretariat has no role in the other alliance: refused there.
    assert sec.post(f"/alliances/other/plan/{item_id}/status",
                    data={"status": "done"}).status_code == 404
    assert client.get(f"{PLAN}/999999").status_code == 404


def test_plan_page_queries_stay_bounded(setup, count_queries) -> None:
    app = setup
    for n in range(2):
        plan_with_everything_light(app, n)
    client = client_of(app, "sec")
    counts: dict[str, list[int]] = {PLAN: [], "/aurora/": []}
    for more in (range(0), range(2, 8)):
        for n in more:
            plan_with_everything_light(app, n)
        for url, seen in counts.items():
            client.get(url)
            with count_queries() as counter:
                assert client.get(url).status_code == 200
            seen.append(counter.count)
    # 2 then 8 items, each with 2 committed cities and 2 milestones: the same queries.
    assert counts[PLAN][0] == counts[PLAN][1] <= 12, counts
    assert counts["/aurora/"][0] == counts["/aurora/"][1], counts


def plan_with_everything_light(app, n: int) -> None:
    item_id = adopt(app, joint_action(app, f"Joint action {n}"))
    with app.test_request_context():
        sec, item = user("sec"), services.item_in(pact(), item_id)
        services.add_commitment(sec, item, city_by_slug("aurora").id)
        services.add_commitment(sec, item, city_by_slug("borealis").id)
        for m in range(2):
            services.add_milestone(sec, item, title=f"Step {m}", due_on=date(2027, 1, 1 + m),
                                   progress=10 * m)


def test_declarations_are_translatable(setup) -> None:
    """The kit's translations: the author publishes a Portuguese text at once; a mayor's
    Spanish suggestion waits for review."""
    from decide.translations import services as translations

    app = setup
    declaration_id = publish(app)
    with app.test_request_context():
        translations.suggest(user("sec"), pact(), "declaration", declaration_id, "pt_BR",
                             {"title": "Declaração de Aurora", "body": "Nós *nos comprometemos*."})
        suggestion = translations.suggest(user("mayor"), pact(), "declaration", declaration_id,
                                          "es", {"title": "Declaración de Aurora", "body": "x"})
        assert suggestion.status == "suggested"
    url = f"/alliances/pact/declarations/{declaration_id}"
    client = app.test_client()
    portuguese = client.get(url, headers={"Accept-Language": "pt-BR"}).get_data(as_text=True)
    assert "Declaração de Aurora" in portuguese and "<em>nos comprometemos</em>" in portuguese
    spanish = client.get(url, headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert "Declaración de Aurora" not in spanish and "Declaration of Aurora" in spanish
    listing = client.get("/alliances/pact/declarations/",
                         headers={"Accept-Language": "pt-BR"}).get_data(as_text=True)
    assert "Declaração de Aurora" in listing
    mayor = client_of(app, "mayor")
    assert "/translations/" in mayor.get(url).get_data(as_text=True)
