"""Participatory budgets in Chromium, the way people use them: a resident proposes a project
(a mistake first: what was typed stays), another supports it; a valuator valuates it and the
administrator selects it; residents fill knapsack and approval ballots up to their limits; the
administrator closes voting and publishes the results, with the rules side by side; and
milestones show how a funded project is going."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.browser.test_debates import sign_in
from tests.budgets.helpers import new_budget, new_project, set_phase


def switch_user(page, username: str) -> None:
    page.context.clear_cookies()
    sign_in(page, username)


def test_resident_proposes_a_project_and_another_supports_it(page, app, make_user) -> None:
    make_user("rosa", locale="en", verified=True)
    make_user("tomas", locale="en", verified=True)
    make_user("ong", locale="en", kind="organisation")
    budget = new_budget(app, "aurora", phase="accepting", amounts=(50_000,))

    sign_in(page, "rosa")
    page.goto(f"/aurora/budgets/{budget['id']}")
    expect(page.get_by_role("heading", name="What you can do now")).to_be_visible()
    page.get_by_role("link", name="Propose a project").first.click()
    page.get_by_label("Title").fill("Wa")  # too short: refused, what was typed stays
    page.get_by_label("Description").fill("Two **drinking fountains** in the park.")
    page.get_by_role("button", name="Publish the project").click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.get_by_label("Description")).to_have_value(
        "Two **drinking fountains** in the park.")
    page.get_by_label("Title").fill("Fountains in the river park")
    page.get_by_label("Location (optional)").fill("River park")
    page.get_by_role("button", name="Publish the project").click()
    expect(page.locator("h1")).to_have_text("Fountains in the river park")
    expect(page.locator("strong", has_text="drinking fountains")).to_be_visible()
    project_url = page.url
    screenshot(page, "budget-project")

    set_phase(app, budget["id"], "selecting")
    switch_user(page, "ong")  # organisations never support
    page.goto(project_url)
    expect(page.get_by_role("button", name=re.compile(r"^Support\b"))).to_have_count(0)

    switch_user(page, "tomas")
    page.goto(project_url)
    page.get_by_role("button", name=re.compile(r"^Support\b")).click()
    expect(page.get_by_role("button", name="Remove my support")).to_be_visible()
    expect(page.locator("main")).to_contain_text("1 support")
    page.get_by_role("button", name="Remove my support").click()
    expect(page.get_by_role("button", name=re.compile(r"^Support\b"))).to_be_visible()


def test_valuator_valuates_and_the_administrator_selects(page, app, make_user) -> None:
    make_user("rosa", locale="en", verified=True)
    make_user("vale", locale="en", roles=[("city", "aurora", "valuator")])
    make_user("boss", locale="en", roles=[("city", "aurora", "administrator")])
    budget = new_budget(app, "aurora", phase="valuating", amounts=(50_000,))
    new_project(app, budget, "rosa", title="Benches in the square")
    projects_admin = f"/aurora/admin/budgets/{budget['id']}/projects"

    sign_in(page, "boss")
    page.goto(projects_admin)
    row = page.locator("tr, li, article", has_text="Benches in the square").last
    row.get_by_label("Valuator").select_option(label="vale")
    row.get_by_role("button", name="Assign").click()
    expect(page.locator("main")).to_contain_text("vale")

    switch_user(page, "vale")
    page.goto("/aurora/valuation/")
    page.get_by_role("link", name="Benches in the square").click()
    page.get_by_label("Feasible", exact=True).check()
    page.get_by_label("Price", exact=True).fill("abc")  # refused, what was typed stays
    page.get_by_label("Valuation finished").check()
    page.get_by_role("button", name="Save the valuation").click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.get_by_label("Price", exact=True)).to_have_value("abc")
    page.get_by_label("Price", exact=True).fill("12000")
    page.get_by_role("button", name="Save the valuation").click()
    expect(page.get_by_text("This valuation is finished")).to_be_visible()
    screenshot(page, "budget-valuation")

    switch_user(page, "boss")
    page.goto(projects_admin)
    page.locator("tr, li, article", has_text="Benches in the square").last.get_by_role(
        "button", name=re.compile(r"^Select\b")).click()
    expect(page.get_by_role("button", name="Unselect")).to_be_visible()


def test_knapsack_ballot_keeps_to_the_heading_money(page, app, make_user) -> None:
    make_user("rosa", locale="en", verified=True)
    budget = new_budget(app, "aurora", phase="balloting", amounts=(1_000,))
    for title, price in (("Library hours", 600), ("Bike racks", 300), ("Murals", 200)):
        new_project(app, budget, "rosa", title=title, price=price, feasibility="feasible",
                    selected=True)

    sign_in(page, "rosa")
    page.goto(f"/aurora/budgets/{budget['id']}/headings/{budget['headings'][0]}")
    for title in ("Library hours", "Bike racks"):
        card = page.locator("article", has_text=title)
        card.get_by_role("button", name="Add to my ballot").click()
        expect(page.locator("article", has_text=title)).to_contain_text("On your ballot")
    murals = page.locator("article", has_text="Murals")
    expect(murals.get_by_role("button", name="Add to my ballot")).to_have_count(0)
    expect(murals).to_contain_text("money")  # says why it cannot be added
    screenshot(page, "budget-heading-balloting")

    page.get_by_role("link", name=re.compile("My ballot|See my ballot")).first.click()
    expect(page.locator("main")).to_contain_text("Library hours")
    expect(page.locator("main")).to_contain_text("€900 of €1,000 spent · €100 left")
    page.locator("li, tr", has_text="Library hours").get_by_role(
        "button", name="Remove").first.click()
    expect(page.locator("main")).to_contain_text("€700 left")
    screenshot(page, "budget-ballot")


def test_approval_ballots_results_with_every_rule_and_execution(page, app, make_user) -> None:
    voters = ("ana", "bea", "carl")
    for username in voters:
        make_user(username, locale="en", verified=True)
    make_user("boss", locale="en", roles=[("alliance", "pact", "administrator")])
    budget = new_budget(app, "alliances/pact", phase="balloting", amounts=(1_000,),
                        voting_style="approval", max_projects=2, rule="equalshares/add1")
    prices = {"Shared bike lanes": 700, "Night buses": 300, "Open data portal": 400}
    for title, price in prices.items():
        new_project(app, budget, "ana", title=title, price=price, feasibility="feasible",
                    selected=True, where="alliances/pact")
    heading = f"/alliances/pact/budgets/{budget['id']}/headings/{budget['headings'][0]}"
    picks = {"ana": ("Shared bike lanes", "Night buses"), "bea": ("Shared bike lanes",),
             "carl": ("Open data portal", "Night buses")}

    for username in voters:
        switch_user(page, username)
        page.goto(heading)
        for title in picks[username]:
            page.locator("article", has_text=title).get_by_role(
                "button", name="Add to my ballot").click()
            expect(page.locator("article", has_text=title)).to_contain_text("On your ballot")
    # ana has chosen the two projects the heading allows: no third one.
    switch_user(page, "ana")
    page.goto(heading)
    expect(page.locator("article", has_text="Open data portal").get_by_role(
        "button", name="Add to my ballot")).to_have_count(0)

    switch_user(page, "boss")
    page.goto(f"/alliances/pact/admin/budgets/{budget['id']}/phases")
    page.get_by_label("Move the budget to").select_option(label="Reviewing votes")
    page.get_by_role("button", name="Move the budget").click()
    page.goto(f"/alliances/pact/admin/budgets/{budget['id']}/results")
    expect(page.locator("main")).to_contain_text("Shared bike lanes")
    page.get_by_role("button", name="Publish the results").click()
    expect(page.locator(".flash--success")).to_be_visible()

    page.goto(f"/alliances/pact/budgets/{budget['id']}/results")
    funded = page.get_by_role("table", name=re.compile("Funded projects")).first
    expect(funded).to_contain_text("Shared bike lanes")
    expect(funded).to_contain_text("Night buses")
    expect(page.locator("main")).to_contain_text("Equal Shares")
    expect(page.locator("main")).to_contain_text("Most votes first")
    screenshot(page, "budget-results")

    page.goto(f"/alliances/pact/admin/budgets/{budget['id']}/results")
    page.get_by_role("link", name="Milestones").first.click()
    page.get_by_label("Date").fill("2027-02-01")
    page.get_by_label("Progress (%)").fill("150")  # out of range: refused, kept
    page.get_by_label(re.compile("Description")).first.fill("Works started")
    page.get_by_role("button", name="Add the milestone").click()
    expect(page.locator(".error-summary")).to_be_visible()
    page.get_by_label("Progress (%)").fill("40")
    page.get_by_role("button", name="Add the milestone").click()
    expect(page.locator("main")).to_contain_text("Works started")

    switch_user(page, "carl")
    page.goto(f"/alliances/pact/budgets/{budget['id']}/execution")
    expect(page.locator("progress[value='40']")).to_have_count(1)
    expect(page.locator("main")).to_contain_text("Works started")
    screenshot(page, "budget-execution")
