"""Suggesting and publishing a translation in Chromium, without JavaScript-only steps; keeps
screenshots of the debate page and the form at phone and desktop widths."""

from __future__ import annotations

from tests.browser.conftest import screenshot
from tests.conftest import PASSWORD
from tests.debates.helpers import new_debate
from tests.translations.helpers import ENGLISH, SPANISH


def _signed_in(browser, live_server: str, username: str, width: int = 1280):
    context = browser.new_context(base_url=live_server, locale="en-US",
                                   viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto("/accounts/login")
    page.fill("input[name=identifier]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    return context, page


def test_suggest_review_and_read_a_translation(app, live_server, make_user, browser) -> None:
    make_user("ana", locale="es")
    make_user("bea", locale="en")
    debate = new_debate(app, author="ana", locale="es", **SPANISH)
    for width in (390, 1280):
        context, page = _signed_in(browser, live_server, "bea", width)
        page.goto(f"/aurora/debates/{debate}")
        assert page.locator("p.note", has_text="Originally written in Spanish.").count() == 1
        assert page.locator("h1#debate-title").get_attribute("lang") == "es"
        screenshot(page, f"translations-debate-original-{width}")
        page.get_by_role("link", name="Translate into English").click()
        assert page.get_by_label("Language of your translation").input_value() == "en"
        page.get_by_label("Title").fill(ENGLISH["title"])
        page.get_by_role("button", name="Send translation").click()  # no description yet
        assert page.locator(".error-summary").is_visible()
        assert page.get_by_label("Title").input_value() == ENGLISH["title"]
        screenshot(page, f"translations-form-error-{width}")
        context.close()
    context, page = _signed_in(browser, live_server, "bea")
    page.goto(f"/aurora/translations/debate/{debate}/new?locale=en")
    page.get_by_label("Title").fill(ENGLISH["title"])
    page.get_by_label("Description").fill(ENGLISH["description"])
    page.get_by_role("button", name="Send translation").click()
    assert page.get_by_text("will review your translation into English").is_visible()
    context.close()

    context, page = _signed_in(browser, live_server, "ana")
    page.goto(f"/aurora/debates/{debate}")
    page.get_by_role("link", name="1 traducción por revisar").click()  # ana reads Spanish
    screenshot(page, "translations-review-1280")
    page.get_by_role("button", name="Publicar").first.click()
    context.close()

    context, page = _signed_in(browser, live_server, "bea", 390)
    page.goto(f"/aurora/debates/{debate}")
    assert page.locator("h1#debate-title").inner_text() == ENGLISH["title"]
    assert page.locator("p.note").first.inner_text() == "Translated from Spanish."
    page.get_by_text("Show the original (Spanish)").click()
    assert page.locator("details [lang=es]").get_by_text(SPANISH["title"]).is_visible()
    screenshot(page, "translations-debate-translated-390")
    context.close()
