"""A person starts a debate, comments, replies, votes and flags, in a city and an alliance;
hostile text stays inert in the browser."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.conftest import PASSWORD

XSS_PAYLOADS = [
    "<script>window.__xss = 1</script>",
    "<img src=x onerror=\"window.__xss = 1\">",
    "[click me](javascript:window.__xss=1)",
    "<svg onload=\"window.__xss = 1\"></svg>",
    "\"><script>window.__xss = 1</script>",
    "<a href=\"javascript:window.__xss=1\">link</a>",
    "<iframe src=\"javascript:window.__xss=1\"></iframe>",
    "<details open ontoggle=\"window.__xss=1\">x</details>",
]


def sign_in(page, username: str) -> None:
    page.goto("/accounts/login")
    page.get_by_label("E-mail or username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".user-menu summary")).to_contain_text(username)


@pytest.mark.parametrize("where", ["/aurora", "/alliances/pact"])
def test_debate_comment_reply_vote_flag(page, make_user, where) -> None:
    make_user("rosa", locale="en", verified=True)
    make_user("tomas", locale="en", verified=True)
    sign_in(page, "rosa")
    page.goto(f"{where}/debates/")
    page.get_by_role("link", name="Start a debate").first.click()
    page.get_by_label("Title").fill("Sha")  # too short: the text stays
    page.get_by_label("Description").fill("Trees in every **square**.")
    page.get_by_role("button", name="Publish debate").click()
    expect(page.locator(".error-summary")).to_contain_text("between 4 and 80")
    expect(page.get_by_label("Description")).to_have_value("Trees in every **square**.")
    page.get_by_label("Title").fill("Shade for every square")
    page.get_by_label("Tags").fill("climate, public space")
    page.get_by_role("button", name="Publish debate").click()
    expect(page.locator("h1")).to_have_text("Shade for every square")
    expect(page.locator(".prose-user strong")).to_have_text("square")
    debate_url = page.url

    page.get_by_label("Your comment").fill("I would start with school squares.")
    page.get_by_role("button", name="Publish comment").click()
    expect(page.locator(".comment").first).to_contain_text("I would start with school squares.")
    screenshot(page, f"debate{where.replace('/', '-')}")

    # Another person replies (in place, with JavaScript), votes and flags.
    page.context.clear_cookies()
    sign_in(page, "tomas")
    page.goto(debate_url)
    page.locator(".comment").first.get_by_role("link", name="Reply").click()
    page.get_by_label("Your reply").fill("Agreed, and near hospitals.")
    page.get_by_role("button", name="Publish reply").click()
    nested = page.locator(".comment-list--nested .comment").first
    expect(nested).to_contain_text("Agreed, and near hospitals.")
    page.get_by_role("button", name="I agree").click()
    expect(page.locator("#votes")).to_contain_text("100%")
    expect(page.get_by_role("button", name="I agree")).to_have_attribute("aria-pressed", "true")
    page.locator(".comment").first.locator("button.vote-mini").first.click()
    expect(page.locator(".comment").first.locator("button.vote-mini").first).to_have_attribute(
        "aria-pressed", "true")
    page.get_by_role("link", name="Flag as inappropriate").click()
    page.get_by_label("Off-topic").check()
    page.get_by_role("button", name="Send flag").click()
    expect(page.locator(".flash--success")).to_contain_text("Moderators will review it")
    expect(page.locator(".detail")).to_contain_text("You flagged this debate")
    page.reload()
    expect(page.locator(".comment-list--nested").first).to_contain_text(
        "Agreed, and near hospitals.")


def test_reply_and_vote_without_javascript(browser, live_server, make_user, app) -> None:
    from tests.debates.helpers import new_comment, new_debate

    make_user("rosa", locale="en")
    make_user("tomas", locale="en")
    debate_id = new_debate(app, author="rosa")
    new_comment(app, debate_id, author="rosa", body="Root comment")
    context = browser.new_context(base_url=live_server, java_script_enabled=False,
                                  locale="en-US")
    page = context.new_page()
    sign_in(page, "tomas")
    page.goto(f"/aurora/debates/{debate_id}")
    page.get_by_role("button", name="I disagree").click()
    expect(page.locator("#votes")).to_contain_text("100%")
    page.locator(".comment").first.get_by_role("link", name="Reply").click()
    page.get_by_label("Your reply").fill("A reply without JavaScript")
    page.get_by_role("button", name="Publish reply").click()
    expect(page.locator(".comment-list--nested").first).to_contain_text(
        "A reply without JavaScript")
    context.close()


def test_hostile_text_stays_inert(page, make_user) -> None:
    make_user("mallory", locale="en")
    sign_in(page, "mallory")
    page.goto("/aurora/debates/new")
    page.get_by_label("Title").fill('<img src=x onerror="window.__xss=1"> title')
    page.get_by_label("Description").fill("\n\n".join(XSS_PAYLOADS))
    page.get_by_label("Tags").fill("safe")
    page.get_by_role("button", name="Publish debate").click()
    expect(page.locator("h1")).to_contain_text("<img src=x")
    for payload in XSS_PAYLOADS:
        page.get_by_label("Your comment").fill(payload)
        page.get_by_role("button", name="Publish comment").click()
        page.wait_for_load_state("networkidle")
    page.reload()
    for url in (page.url, "/aurora/debates/", "/aurora/"):
        page.goto(url)
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__xss") is None, url
        assert page.locator("main script, main iframe, main svg, main img[src='x']").count() == 0
        hrefs = page.locator("main a").evaluate_all("els => els.map(e => e.href)")
        assert not [h for h in hrefs if re.match(r"\s*javascript:", h, re.I)], url
