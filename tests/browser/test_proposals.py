"""Proposals and joint actions in Chromium: a draft previewed, saved and published; verified
residents support it until it succeeds; a city's official endorses a joint action; a
translation is suggested, published by the author and read; the alliance's secretariat adopts
a successful joint action into its action plan."""

from __future__ import annotations

import re

from flask import Flask
from playwright.sync_api import expect

from decide.extensions import db
from tests.browser.conftest import screenshot
from tests.browser.test_debates import sign_in
from tests.proposals.helpers import new_proposal, set_settings


def switch_user(page, username: str) -> None:
    page.context.clear_cookies()
    sign_in(page, username)


def proposal_count(app: Flask) -> int:
    from decide.proposals.models import Proposal

    with app.app_context():
        return db.session.query(Proposal).count()


def test_draft_preview_publish_and_supports_until_successful(page, app, make_user) -> None:
    make_user("rosa", locale="en", verified=True)
    make_user("tomas", locale="en", verified=True)
    make_user("uma", locale="en", verified=True)
    make_user("emil", locale="en")  # confirmed, but no verified residence
    set_settings(app, "aurora", support_threshold=2)

    sign_in(page, "rosa")
    page.goto("/aurora/proposals/")
    page.get_by_role("link", name="New proposal").first.click()
    page.get_by_label("Title", exact=True).fill("Wa")  # too short: what was typed stays
    page.get_by_label("Summary").fill("One drinking fountain in every park.")
    page.get_by_label("Description").fill("Parks have **no water** in summer.")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.get_by_label("Description")).to_have_value("Parks have **no water** in summer.")

    page.get_by_label("Title", exact=True).fill("Water fountains in every park")
    page.get_by_label("Tags").fill("water, parks")
    page.get_by_label("District").select_option(label="Norte")
    page.get_by_role("button", name="Preview").click()
    preview = page.get_by_role("region", name=re.compile("Preview"))
    expect(preview.get_by_role("heading", name="Water fountains in every park")).to_be_visible()
    expect(preview.locator(".prose-user strong")).to_have_text("no water")
    expect(page.get_by_label("Title", exact=True)).to_have_value("Water fountains in every park")
    assert proposal_count(app) == 0  # a preview saves nothing
    screenshot(page, "proposal-preview")

    page.get_by_role("button", name="Save draft").click()
    expect(page.locator("h1")).to_have_text("Water fountains in every park")
    expect(page.locator(".status-badge")).to_have_text("Draft")
    expect(page.locator(".meta", has_text="Norte").first).to_be_visible()
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.locator(".flash--success")).to_contain_text("Your proposal is published")
    expect(page.locator(".status-badge")).to_have_text("Open for supports")
    expect(page.locator(".proposal-code")).to_have_text(re.compile(r"^AURORA-\d{4}-\d{2}-\d+$"))
    expect(page.locator("#supports-text")).to_have_text("0 supports of 2, 2 still needed")
    proposal_url = page.url

    # Without a verified residence there is no support button, and the page says why.
    switch_user(page, "emil")
    page.goto(proposal_url)
    expect(page.locator("#supports")).to_contain_text("Verify your residence to support")
    expect(page.get_by_role("button", name="Support this proposal")).to_have_count(0)

    switch_user(page, "tomas")
    page.goto(proposal_url)
    page.get_by_role("button", name="Support this proposal").click()
    expect(page.locator(".flash--success")).to_contain_text("your support is counted")
    expect(page.locator("#supports")).to_contain_text("You support this.")
    expect(page.locator("#supports-text")).to_have_text("1 support of 2, 1 still needed")
    expect(page.locator(".status-badge")).to_have_text("Open for supports")

    switch_user(page, "uma")
    page.goto(proposal_url)
    page.get_by_role("button", name="Support this proposal").click()
    expect(page.locator(".status-badge")).to_have_text("Successful")
    expect(page.locator(".proposal-success")).to_contain_text("it reached its goal")
    expect(page.locator("#supports-text")).to_have_text("2 supports of 2")
    screenshot(page, "proposal-successful")
    page.goto("/aurora/proposals/successful")
    expect(page.get_by_role("link", name="Water fountains in every park")).to_be_visible()


def test_official_endorses_a_joint_action_with_a_statement(page, app, make_user) -> None:
    make_user("rosa", locale="en", verified=True)
    make_user("tomas", locale="en", verified=True)
    make_user("mayor", locale="en", roles=[("city", "aurora", "official")])
    joint_id = new_proposal(app, author="rosa", where="alliances/pact",
                            title="Shared cycle lanes across the pact")
    url = f"/alliances/pact/proposals/{joint_id}"
    endorsements = page.get_by_role("region", name="Endorsed by cities")

    sign_in(page, "tomas")  # a resident, not an official: no endorsement form
    page.goto(url)
    expect(endorsements).to_contain_text("No city has endorsed this joint action yet.")
    expect(page.get_by_role("button", name=re.compile("Endorse on behalf"))).to_have_count(0)

    switch_user(page, "mayor")
    page.goto(url)
    page.get_by_label("Statement (optional)").fill("Aurora will build the first ten kilometres.")
    page.get_by_role("button", name="Endorse on behalf of Aurora").click()
    expect(page.locator(".flash--success")).to_contain_text("endorsement is published")
    expect(endorsements.locator("li").first).to_contain_text("Aurora")
    expect(endorsements.locator("blockquote")).to_have_text(
        "Aurora will build the first ten kilometres.")
    expect(endorsements).to_contain_text("On behalf of the city: mayor")
    expect(page.get_by_role("button", name="Endorse on behalf of Aurora")).to_have_count(0)
    expect(page.get_by_role("button", name="Withdraw Aurora's endorsement")).to_be_visible()
    screenshot(page, "joint-action-endorsed")

    switch_user(page, "tomas")  # public: anyone reads it
    page.goto(url)
    expect(endorsements.locator("blockquote")).to_have_text(
        "Aurora will build the first ten kilometres.")


def test_translation_suggested_published_by_the_author_and_read(page, app, make_user) -> None:
    make_user("rosa", locale="en", verified=True)  # writes this proposal in Spanish
    make_user("bea", locale="en")
    make_user("carl", locale="en")
    proposal_id = new_proposal(app, author="rosa", locale="es",
                               title="Fuentes en todos los parques",
                               summary="Una fuente de agua en cada parque.",
                               description="Los parques no tienen agua en verano.")
    url = f"/aurora/proposals/{proposal_id}"

    sign_in(page, "bea")
    page.goto(url)
    expect(page.locator("h1#proposal-title")).to_have_attribute("lang", "es")
    page.get_by_role("link", name="Translate into English").click()
    page.get_by_label("Title").fill("Fountains in every park")
    page.get_by_label("Summary").fill("A water fountain in every park.")
    page.get_by_label("Description").fill("Parks have no water in summer.")
    page.get_by_role("button", name="Send translation").click()
    expect(page.get_by_text("will review your translation into English")).to_be_visible()

    switch_user(page, "carl")  # not published yet: the original
    page.goto(url)
    expect(page.locator("h1#proposal-title")).to_have_text("Fuentes en todos los parques")

    switch_user(page, "rosa")
    page.goto(url)
    page.get_by_role("link", name="1 translation to review").click()
    page.get_by_role("button", name=re.compile("^Publish the translation into English")).click()

    switch_user(page, "carl")
    page.goto(url)
    expect(page.locator("h1#proposal-title")).to_have_text("Fountains in every park")
    expect(page.locator(".proposal-summary")).to_have_text("A water fountain in every park.")
    expect(page.get_by_text("Translated from Spanish.")).to_be_visible()
    page.get_by_text("Show the original (Spanish)").click()
    expect(page.locator("details [lang=es]").get_by_text(
        "Fuentes en todos los parques")).to_be_visible()
    screenshot(page, "proposal-translated")


def test_secretariat_adopts_a_successful_joint_action(page, app, make_user) -> None:
    from tests.plans.helpers import enable_plans, joint_action

    enable_plans(app)  # one support makes a joint action of the pact successful
    make_user("sec", locale="en", roles=[("alliance", "pact", "secretariat")])
    make_user("ana", locale="en", verified=True)
    joint_action(app, title="Shared cycle lanes")
    joint_action(app, title="Night buses between cities", succeed=False)

    sign_in(page, "sec")
    page.goto("/alliances/pact/plan")
    choices = page.get_by_label("Joint action", exact=True).locator("option")
    expect(choices).to_have_text(["Choose a joint action", "Shared cycle lanes"])  # no open one
    page.get_by_label("Joint action", exact=True).select_option(label="Shared cycle lanes")
    page.get_by_role("button", name="Adopt into the action plan").click()
    expect(page.locator(".flash--success")).to_contain_text("is in the action plan")
    expect(page.locator("h1")).to_have_text("Shared cycle lanes")

    page.get_by_label("City that commits to carry it out").select_option(label="Aurora")
    page.get_by_role("button", name="Add the city").click()
    expect(page.get_by_role("region", name="Cities committed to carry it out")).to_contain_text(
        "Aurora")
    page.get_by_label("Milestone", exact=True).fill("Pilot in two districts")
    page.get_by_label("Due date").fill("2027-03-31")
    page.get_by_label("Progress (%)").fill("40")
    page.get_by_role("button", name="Add the milestone").click()
    milestones = page.get_by_role("region", name="Milestones")
    expect(milestones.get_by_role("rowheader", name="Pilot in two districts")).to_be_visible()
    expect(milestones).to_contain_text("40")
    screenshot(page, "plan-item")

    page.goto("/alliances/pact/plan")
    expect(page.get_by_role("link", name="Shared cycle lanes")).to_be_visible()
    page.goto("/aurora/")  # the committed city shows it
    expect(page.get_by_text("Shared cycle lanes")).to_be_visible()
