"""axe-core (WCAG 2.0/2.1 A and AA) over every page type, signed out and in, in the three
languages, at desktop width and (for the pages whose layout changes) phone width.

axe-core is vendored in tests/browser/vendor/ (axe.min.js from the npm package axe-core 4.x,
MPL-2.0, licence beside it): no CDN, nothing downloaded when the tests run.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import screenshot
from tests.conftest import PASSWORD

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# The user for each language: an administrator of Aurora, so that every page type is reachable.
READERS = {"es": "ana", "en": "emma", "pt_BR": "joao"}

# axe files an aria-label on a plain <span> that has text under "needs review", not under
# violations; the site must not do it, so that rule's reviews count as violations too.
RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
  const reviewed = result.incomplete.filter(v => v.id === "aria-prohibited-attr");
  return result.violations.concat(reviewed).map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map(n => n.target.join(" ")),
  }));
}"""


# How many lines the element's text takes: distinct tops of its text boxes.
LINES_OF_TEXT = """el => {
  const range = document.createRange();
  range.selectNodeContents(el);
  return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size;
}"""


def axe_violations(page) -> list[str]:
    """One line per violated rule: rule id, impact, how many nodes and which."""
    found = page.evaluate(RUN_AXE, WCAG_TAGS)
    return [f"{v['id']} ({v['impact']}, {len(v['targets'])} nodes: {v['help']}): "
            + ", ".join(v["targets"][:6]) for v in found]


def with_axe(context):
    """axe-core in every page of the context, sent to the browser once (not once a page) and
    run as a Playwright init script, so the site's Content-Security-Policy stays in force."""
    context.add_init_script(path=str(AXE))
    return context


@pytest.fixture
def site(app, make_user) -> dict[str, str]:
    """Content for every page type: a debate with a page of comments and replies by an
    organisation and an official, a notification, roles to list in the admin page."""
    from tests.debates.helpers import new_comment, new_debate

    for locale, username in READERS.items():
        make_user(username, locale=locale, verified=True,
                  roles=[("city", "aurora", "administrator")])
    make_user("ong", kind="organisation")
    make_user("conce", roles=[("city", "aurora", "official")], verified=True)
    debate_id = new_debate(app, author="ana", title="Sombra en las plazas",
                           description="Árboles en **cada** plaza.", tags="clima, plazas")
    first = None
    for number in range(11):
        comment_id = new_comment(app, debate_id, author=("ong", "conce", "emma")[number % 3],
                                 body=f"Comentario número {number}")
        first = first or comment_id
    new_comment(app, debate_id, author="joao", body="Uma resposta", parent_id=first)
    alliance_debate = new_debate(app, author="conce", where="alliances/pact",
                                 title="Vivienda para todas")
    budgets = budget_pages(app)
    return {
        "debate": f"/aurora/debates/{debate_id}",
        "alliance debate": f"/alliances/pact/debates/{alliance_debate}",
        **budgets,
    }


def budget_pages(app) -> dict[str, str]:
    """A city budget in balloting (a ballot with a line) and a finished alliance budget with
    results and a milestone."""
    from datetime import date

    from decide.accounts.services import find_by_username
    from decide.budgets import ballots, execution, results
    from tests.budgets.helpers import new_budget, new_project, set_phase
    from tests.debates.helpers import space

    city = new_budget(app, "aurora", phase="balloting", amounts=(1_000, 2_000))
    project = new_project(app, city, "ana", price=400, feasibility="feasible", selected=True)
    new_project(app, city, "ana", price=700, feasibility="feasible", selected=True,
                title="Lights for the park")
    alliance = new_budget(app, "alliances/pact", phase="balloting", amounts=(1_000,),
                          voting_style="approval", max_projects=2, rule="equalshares")
    joint = new_project(app, alliance, "ana", price=600, feasibility="feasible",
                        selected=True, where="alliances/pact", title="Shared bike lanes")
    with app.test_request_context():
        ballots.add_line(find_by_username("ana"), space("aurora"), city["id"], project)
        ballots.add_line(find_by_username("ana"), space("alliances/pact"), alliance["id"], joint)
    set_phase(app, alliance["id"], "reviewing_ballots")
    with app.test_request_context():
        pact = space("alliances/pact")
        root = find_by_username("ana")
        results.publish(root, pact, alliance["id"])
        status = execution.ensure_default_statuses(pact)[1]
        execution.add_milestone(root, pact, alliance["id"], joint, on_date=date(2026, 10, 1),
                                descriptions={"en": "Works started", "es": "Obras iniciadas"},
                                status_id=status.id, progress=35)
    base, pact_base = f"/aurora/budgets/{city['id']}", f"/alliances/pact/budgets/{alliance['id']}"
    return {
        "budget": base, "heading": f"{base}/headings/{city['headings'][0]}",
        "project": f"{base}/projects/{project}", "ballot": f"{base}/ballot",
        "results": f"{pact_base}/results", "execution": f"{pact_base}/execution",
        "admin budget": f"/aurora/admin/budgets/{city['id']}",
        "admin projects": f"/aurora/admin/budgets/{city['id']}/projects",
        "admin headings": f"/aurora/admin/budgets/{city['id']}/headings",
        "valuate": f"/aurora/valuation/projects/{project}",
    }


def test_axe_reports_what_it_finds(browser) -> None:
    """The check can fail: a page with the defects this file once found is reported."""
    context = with_axe(browser.new_context())
    page = context.new_page()
    bad = ('<!doctype html><html lang="en"><head><title>t</title></head><body><main>'
           '<span aria-label="3 useful">▲ 3</span>'
           '<button aria-label="Useful (3)">▲ 3</button>'
           '<p style="background:#b86a00;color:#fff">11</p></main></body></html>')
    page.route("http://axe-self-check.invalid/", lambda route: route.fulfill(
        body=bad, content_type="text/html"))
    page.goto("http://axe-self-check.invalid/")
    rules = " ".join(axe_violations(page))
    context.close()
    for rule in ("aria-prohibited-attr", "label-content-name-mismatch", "color-contrast"):
        assert rule in rules, rules


def public_pages(site: dict[str, str]) -> list[str]:
    return ["/", "/alliances/", "/aurora/", "/alliances/pact/", "/aurora/debates/",
            site["debate"], site["alliance debate"], "/aurora/search?q=plazas",
            "/users/conce", "/users/ong", "/accounts/login", "/accounts/signup",
            "/aurora/debates/999999", "/aurora/budgets/", site["budget"], site["heading"],
            site["project"], site["results"], site["execution"], "/terms", "/privacy",
            "/aurora/pages/faq"]


def signed_in_pages(site: dict[str, str]) -> list[str]:
    return ["/aurora/", site["debate"], "/aurora/debates/new", "/accounts/account",
            "/notifications/", "/aurora/admin/", "/users/ana", site["project"], site["ballot"],
            "/aurora/admin/roles", "/aurora/admin/settings", "/aurora/admin/modules",
            "/aurora/admin/theme", "/aurora/admin/geozones", "/aurora/admin/audit",
            "/aurora/admin/dashboard", "/aurora/moderation/", "/aurora/admin/budgets/",
            site["admin budget"], site["admin projects"], site["admin headings"],
            "/aurora/valuation/", site["valuate"], "/aurora/admin/pages/",
            "/aurora/admin/organisations", "/aurora/admin/invitations"]


def phone_pages(site: dict[str, str], locale: str, *, signed_in: bool) -> list[str]:
    """Pages whose layout changes on a phone (header, tables, vote box, forms), shared out
    between the languages so that each is seen at phone width at least once, fast."""
    if signed_in:
        pages = ["/aurora/admin/", site["debate"], "/aurora/debates/new", "/aurora/",
                 "/accounts/account", "/notifications/"]
    else:
        pages = ["/", site["debate"], "/aurora/", "/accounts/signup", "/alliances/pact/",
                 "/aurora/debates/"]
    start = {"es": 0, "en": 2, "pt_BR": 4}[locale]
    budgets = (["ballot", "admin projects", "valuate"] if signed_in
               else ["budget", "results", "heading"])
    return (pages[start:start + 2] + ([site["debate"]] if start else [])
            + [site[budgets[start // 2]]])


def sign_in(page, username: str) -> None:
    page.goto("/accounts/login")
    page.locator("#identifier").fill(username)
    page.locator("#password").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_selector(".user-menu")


def check(page, path: str, label: str, problems: list[str]) -> None:
    response = page.goto(path)
    assert response is not None and response.status in (200, 404), (label, path)
    for line in axe_violations(page):
        problems.append(f"[{label}] {path}: {line}")


@pytest.mark.parametrize("locale", ["es", "en", "pt_BR"])
def test_no_axe_violations(browser, live_server, site, locale) -> None:
    problems: list[str] = []
    context = with_axe(browser.new_context(base_url=live_server, viewport=DESKTOP,
                                           locale=locale.replace("_", "-")))
    context.add_cookies([{"name": "decide_locale", "value": locale, "url": live_server}])
    page = context.new_page()
    page.set_default_timeout(10_000)

    for path in public_pages(site):
        check(page, path, f"{locale} signed out", problems)
    # A form sent with errors shows the error summary.
    page.goto("/accounts/signup")
    page.locator("form.form-card button[type=submit], form button[type=submit]").last.click()
    page.wait_for_selector(".error-summary")
    problems += [f"[{locale} signed out] signup with errors: {line}"
                 for line in axe_violations(page)]

    page.set_viewport_size(PHONE)
    for path in phone_pages(site, locale, signed_in=False):
        check(page, path, f"{locale} signed out, phone", problems)
    page.set_viewport_size(DESKTOP)

    sign_in(page, READERS[locale])
    for path in signed_in_pages(site):
        check(page, path, f"{locale} signed in", problems)
    page.goto("/aurora/debates/new")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_selector(".error-summary")
    problems += [f"[{locale} signed in] new debate with errors: {line}"
                 for line in axe_violations(page)]
    # The confirmation before removing a role, and the refusal to remove one's own.
    page.goto("/aurora/admin/roles")
    page.locator("a[href*='/revoke']").first.click()
    problems += [f"[{locale} signed in] remove a role: {line}" for line in axe_violations(page)]

    page.set_viewport_size(PHONE)
    for path in phone_pages(site, locale, signed_in=True):
        check(page, path, f"{locale} signed in, phone", problems)
    context.close()
    assert not problems, "axe-core found:\n" + "\n".join(problems)


def test_admin_tables_fit_a_phone(browser, live_server, site) -> None:
    """On a phone each role is a card: nothing sticks out of the page, no sideways scrolling."""
    context = browser.new_context(base_url=live_server, viewport=PHONE, locale="es-ES")
    page = context.new_page()
    sign_in(page, "ana")
    page.goto("/aurora/admin/roles")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"
    for table in page.locator("table").all():
        box = table.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    # Every value keeps its column name.
    first_cell = page.locator("table.table--stack td").first
    label = first_cell.evaluate("td => getComputedStyle(td, '::before').content")
    assert label.strip('"') == "Persona"
    screenshot(page, "admin-phone")
    context.close()


def test_vote_buttons_keep_their_label_on_one_line(browser, live_server, site) -> None:
    """"No estoy de acuerdo" stays on one line in the vote box, at desktop and phone widths."""
    context = browser.new_context(base_url=live_server, viewport=DESKTOP, locale="es-ES")
    page = context.new_page()
    sign_in(page, "ana")
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        page.goto(site["debate"])
        for button in page.locator(".votes__form button").all():
            lines = button.evaluate(LINES_OF_TEXT)
            assert lines <= 1, (viewport, button.inner_text(), lines)
    screenshot(page, "debate-votes-phone")
    context.close()
