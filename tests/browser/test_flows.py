"""What a person does in a browser: look around, switch language, sign up, confirm, sign in."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.conftest import PASSWORD


def test_landing_page(page) -> None:
    page.goto("/")
    expect(page.locator("h1")).to_contain_text("Cities deciding together")
    cities = page.locator("#cities .space-card")
    expect(cities).to_have_count(3)
    expect(page.locator("#alliances")).to_contain_text("Test pact")
    expect(page.locator("#alliances")).to_contain_text("Adequate housing")
    # Keyboard users reach the skip link first.
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    screenshot(page, "landing-desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "landing-phone")


def test_switch_language_to_portuguese(page) -> None:
    page.goto("/aurora/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("navigation", name="Language").get_by_role("button", name="Português").click()
    expect(page.locator("html")).to_have_attribute("lang", "pt-BR")
    expect(page).to_have_url(re.compile(r"/aurora/$"))
    expect(page.get_by_role("link", name="Entrar").first).to_be_visible()
    # The choice sticks on the next page, whatever the browser says.
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "pt-BR")
    expect(page.locator("#cities")).to_contain_text("Espanha")


def test_sign_up_with_email_confirmation_then_sign_in(page) -> None:
    page.goto("/accounts/signup")
    expect(page.get_by_label("Organisation name")).to_be_hidden()
    page.get_by_label("A civil-society organisation").check()
    expect(page.get_by_label("Organisation name")).to_be_visible()
    page.get_by_label("A person").check()
    page.get_by_label("Username").fill("rosa")
    page.get_by_label("E-mail").fill("rosa@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Preferred language").select_option("en")
    page.get_by_label("Home city").select_option("aurora")
    # Forgetting the terms keeps everything typed except the password.
    page.get_by_role("button", name="Create account").click()
    expect(page.locator(".error-summary")).to_contain_text("accept the terms")
    expect(page.get_by_label("Username")).to_have_value("rosa")
    expect(page.get_by_label("Password")).to_have_value("")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("I accept the terms").check()
    page.get_by_role("button", name="Create account").click()
    expect(page.locator("h1")).to_have_text("Check your e-mail")

    page.goto("/dev/mail")
    mail = page.locator(".mail").filter(has_text="rosa@example.org").first
    expect(mail).to_contain_text("Confirm your e-mail address")
    mail.locator("a[href*='/accounts/confirm/']").click()
    expect(page.locator(".flash--success")).to_contain_text("your e-mail is confirmed")

    page.get_by_label("E-mail or username").fill("rosa")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".flash--success")).to_contain_text("Welcome back, rosa")
    expect(page.locator(".user-menu summary")).to_contain_text("rosa")


def test_sign_in_and_out(page, make_user) -> None:
    make_user("lucia", locale="en")
    page.goto("/aurora/")
    page.get_by_role("banner").get_by_role("link", name="Sign in").click()
    page.get_by_label("E-mail or username").fill("lucia@example.org")
    page.get_by_label("Password").fill("wrong password!")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".flash--error")).to_contain_text("not correct")
    expect(page.get_by_label("E-mail or username")).to_have_value("lucia@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/aurora/$"))  # back where she was
    page.locator(".user-menu summary").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page.locator(".flash--success")).to_contain_text("signed out")


def test_themed_city_page(page) -> None:
    page.goto("/aurora/")
    bar = page.locator(".space-bar")
    expect(bar).to_contain_text("Aurora")
    expect(bar).to_have_css("background-color", "rgb(185, 28, 28)")
    expect(page.locator(".space-bar__identity img")).to_have_attribute(
        "src", re.compile(r"/aurora/logo\.svg\?v=\w+$"))
    expect(page.locator("#module-debates")).to_have_text("Debates")
    screenshot(page, "city-desktop")
    page.goto("/borealis/")
    expect(page.locator(".space-bar")).to_have_css("background-color", "rgb(4, 120, 87)")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "city-phone")
