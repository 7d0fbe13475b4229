"""Running a city from the browser: the administrator imports the census (a bad file first:
nothing imported, the line named) and a resident verifies against it; a moderator clears the
flag queue and the author is told why; the administrator changes a setting (a wrong value
first: refused, kept) and is refused a colour white text cannot be read on."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.browser.test_debates import sign_in
from tests.debates.helpers import new_debate, space


def switch_user(page, username: str) -> None:
    page.context.clear_cookies()
    sign_in(page, username)


def test_census_import_then_a_resident_verifies(page, make_user, tmp_path) -> None:
    make_user("boss", locale="en", roles=[("city", "aurora", "administrator")])
    make_user("rosa", locale="en")
    bad = tmp_path / "bad.csv"
    bad.write_text("document_type,document_number,date_of_birth,postal_code\n"
                   "dni,12345678Z,1990-04-01,28001\n"
                   "dni,87654321X,1 April 1980,28002\n", encoding="utf-8")
    good = tmp_path / "census.csv"
    good.write_text("document_type,document_number,date_of_birth,postal_code\n"
                    "dni,12345678Z,1990-04-01,28001\n"
                    "dni,87654321X,1980-04-01,28002\n", encoding="utf-8")

    sign_in(page, "boss")
    page.goto("/aurora/admin/census")
    page.get_by_label("Census file (CSV)").set_input_files(str(bad))
    page.get_by_role("button", name="Import the census").click()
    expect(page.locator("main")).to_contain_text("3")  # the line with the bad date
    expect(page.locator("main")).to_contain_text("No census has been imported yet")
    page.get_by_label("Census file (CSV)").set_input_files(str(good))
    page.get_by_role("button", name="Import the census").click()
    expect(page.locator(".flash--success")).to_contain_text("Census imported: 2 people.")

    switch_user(page, "rosa")
    page.goto("/aurora/verify")
    page.get_by_label("Document type").select_option("dni")
    page.get_by_label("Document number").fill("12345678Z")
    page.get_by_label("Date of birth").fill("1990-04-02")  # not what the census says
    page.get_by_label("Postal code").fill("28001")
    page.get_by_role("button", name="Verify my residence").click()
    expect(page.locator(".error-summary, .flash--error").first).to_be_visible()
    expect(page.get_by_label("Document number")).to_have_value("12345678Z")
    page.get_by_label("Date of birth").fill("1990-04-01")
    page.get_by_role("button", name="Verify my residence").click()
    expect(page.locator(".flash--success")).to_contain_text("verified resident of Aurora")
    screenshot(page, "verified-resident")


def test_moderator_clears_the_flag_queue(page, app, make_user) -> None:
    from decide.accounts.services import find_by_username
    from decide.moderation.services import flag

    make_user("rosa", locale="es")
    make_user("mod", locale="en", roles=[("city", "aurora", "moderator")])
    for reader in ("ana", "bea"):
        make_user(reader, locale="en")
    spam = new_debate(app, author="rosa", title="Buy cheap watches here")
    fine = new_debate(app, author="rosa", title="Benches for the river walk")
    with app.test_request_context():
        for reader in ("ana", "bea"):
            flag(find_by_username(reader), space("aurora"), "debate", spam, "spam")
        flag(find_by_username("ana"), space("aurora"), "debate", fine, "off_topic")

    sign_in(page, "mod")
    page.goto("/aurora/moderation/")
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Buy cheap watches here")  # most flags first
    screenshot(page, "moderation-queue")
    rows.filter(has_text="Buy cheap watches here").get_by_role("checkbox").check()
    page.get_by_role("button", name="Hide", exact=True).click()
    expect(page.locator(".flash--success")).to_be_visible()
    rows.filter(has_text="Benches for the river walk").get_by_role("checkbox").check()
    page.get_by_role("button", name="Ignore flags").click()
    expect(page.locator("main")).to_contain_text("Nothing waiting for a decision. Well done.")

    switch_user(page, "ana")  # hidden for everyone but moderators
    page.goto("/aurora/debates/")
    expect(page.get_by_role("link", name="Buy cheap watches here")).to_have_count(0)
    expect(page.get_by_role("link", name="Benches for the river walk")).to_be_visible()

    switch_user(page, "rosa")  # the author is told, in her language
    page.goto("/notifications/")
    expect(page.locator("main")).to_contain_text("Buy cheap watches here")
    page.locator("main a", has_text="Buy cheap watches here").first.click()
    expect(page.locator("main")).to_contain_text(re.compile("Spam", re.IGNORECASE))


def test_administrator_changes_a_setting_and_the_colours(page, make_user) -> None:
    make_user("boss", locale="en", roles=[("city", "aurora", "administrator")])

    sign_in(page, "boss")
    page.goto("/aurora/admin/settings")
    field = page.locator("#setting-support_threshold")
    field.fill("lots")  # not a number: refused, what was typed stays
    page.get_by_role("button", name="Save settings").click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(field).to_have_value("lots")
    field.fill("250")
    page.get_by_role("button", name="Save settings").click()
    expect(page.locator(".flash--success")).to_be_visible()
    expect(field).to_have_value("250")
    expect(page.locator("main")).to_contain_text("Changed here by boss")
    screenshot(page, "admin-settings")

    page.goto("/aurora/admin/theme")
    page.get_by_label("Primary colour").fill("#ffee00")  # white text unreadable on it
    page.get_by_role("button", name="Save colours").click()
    expect(page.locator("main")).to_contain_text("4.5:1")
    expect(page.get_by_label("Primary colour")).to_have_value("#ffee00")
    page.get_by_label("Primary colour").fill("#1d4ed8")
    page.get_by_role("button", name="Save colours").click()
    expect(page.locator(".flash--success")).to_be_visible()
    page.goto("/aurora/")
    css = page.locator("link[href*='theme.css']").get_attribute("href")
    assert "#1d4ed8" in page.request.get(css).text()

    page.goto("/aurora/admin/audit")
    expect(page.locator("main")).to_contain_text("support_threshold")


def test_alliance_invites_a_city_which_accepts(page, app, make_user) -> None:
    from tests.proposals.helpers import new_proposal

    make_user("sec", locale="en", roles=[("alliance", "pact", "secretariat")])
    make_user("mayor", locale="en", city="cenit", roles=[("city", "cenit", "administrator")])
    make_user("carmen", locale="en", city="cenit", verified=True)
    make_user("rosa", locale="en", verified=True)
    joint = new_proposal(app, author="rosa", where="alliances/pact", title="Shared night buses")

    sign_in(page, "sec")
    page.goto("/alliances/pact/admin/members")
    page.get_by_label("City to invite").select_option(label="Cenit")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("region", name="Pending invitations")).to_contain_text("Cenit")

    switch_user(page, "carmen")  # not a member city yet: no support
    page.goto(f"/alliances/pact/proposals/{joint}")
    expect(page.get_by_role("button", name=re.compile("^Support"))).to_have_count(0)

    switch_user(page, "mayor")
    page.goto("/cenit/admin/invitations")
    page.get_by_role("button", name=re.compile("Accept and join")).click()
    expect(page.locator(".flash--success")).to_be_visible()

    switch_user(page, "carmen")
    page.goto(f"/alliances/pact/proposals/{joint}")
    page.get_by_role("button", name=re.compile("^Support")).first.click()
    expect(page.locator("#supports")).to_contain_text("You support this.")
    screenshot(page, "alliance-new-member-supports")
