"""Every interface text reaches the catalogs, and pages in Spanish and Portuguese show none of
the English source texts whose translation differs (or is missing).

The msgids come from a fresh extraction with babel.cfg (not from messages.pot, which may be
stale), so a template folder that extraction skips, or a new text nobody translated, fails here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from decide.config import ROOT, TRANSLATIONS_DIR

KEYWORDS = ("_l", "lazy_gettext", "ngettext:1,2")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%%")
# Attributes people hear or see as text.
TEXT_ATTRIBUTES = ("title", "aria-label", "alt", "placeholder", "data-label")
TRANSLATION_CALL = re.compile(r"""\b(_|gettext|ngettext)\(\s*["']""")


@cache
def extracted() -> dict[str, set[str]]:
    """Fresh extraction with the project's babel.cfg: msgid -> files it comes from."""
    import tempfile

    from babel.messages.frontend import CommandLineInterface

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "fresh.pot"
        args = ["pybabel", "-q", "extract", "-F", str(ROOT / "babel.cfg"), "-o", str(out)]
        for keyword in KEYWORDS:
            args += ["-k", keyword]
        CommandLineInterface().run([*args, str(ROOT)])
        with out.open("rb") as fh:
            catalog = read_po(fh)
    messages: dict[str, set[str]] = {}
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        for msgid in ids:
            messages.setdefault(msgid, set()).update(
                Path(path).resolve().relative_to(ROOT).as_posix()
                for path, _line in message.locations)
    return messages


@cache
def translations(locale: str) -> dict[str, str]:
    """msgid -> its (non-fuzzy) translation; plural forms are each mapped to the first form."""
    with (TRANSLATIONS_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        catalog = read_po(fh, locale=locale)
    result = {}
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for index, msgid in enumerate(ids):
            string = strings[min(index, len(strings) - 1)]
            if string:
                result[msgid] = string
    return result


def fragments(msgid: str) -> list[str]:
    """The literal parts of a msgid around its placeholders, worth looking for on a page."""
    parts = [" ".join(p.split()) for p in PLACEHOLDER.split(msgid)]
    return [p.strip(" ,.:;()·") for p in parts if sum(c.isalpha() for c in p) >= 4]


def suspects(locale: str) -> dict[str, list[re.Pattern[str]]]:
    """English texts that must not appear in `locale`: untranslated, or translated otherwise."""
    done = translations(locale)
    found = {}
    for msgid in extracted():
        if done.get(msgid) == msgid:
            continue  # the same in both languages ("Decide", "Total")
        patterns = [re.compile(r"(?<!\w)" + re.escape(f) + r"(?!\w)") for f in fragments(msgid)]
        if patterns and all(p.pattern for p in patterns):
            found[msgid] = patterns
    return found


class VisibleText(HTMLParser):
    """Text nodes and the attributes people see or hear; skips scripts, styles and any element
    marked in another language (the language switcher's own names)."""

    def __init__(self, page_lang: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_lang = page_lang
        self.stack: list[tuple[str, bool]] = []
        self.chunks: list[str] = []

    def skipping(self) -> bool:
        return any(skip for _tag, skip in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        lang = values.get("lang")
        skip = tag in ("script", "style") or (
            lang is not None and tag != "html" and lang.split("-")[0] != self.page_lang)
        if tag not in ("br", "img", "input", "meta", "link", "hr", "source", "wbr"):
            self.stack.append((tag, skip))
        if not (skip or self.skipping()):
            for name in TEXT_ATTRIBUTES:
                if values.get(name):
                    self.chunks.append(values[name] or "")
            if tag == "input" and values.get("type") in ("submit", "button") and values.get(
                    "value"):
                self.chunks.append(values["value"] or "")

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data: str) -> None:
        if not self.skipping() and data.strip():
            self.chunks.append(data)


def visible_text(html: str, locale: str) -> str:
    parser = VisibleText(locale.split("_")[0])
    parser.feed(html)
    return " ¦ ".join(" ".join(chunk.split()) for chunk in parser.chunks)


def english_left(html: str, locale: str) -> list[str]:
    text = visible_text(html, locale)
    return sorted(msgid for msgid, patterns in suspects(locale).items()
                  if all(p.search(text) for p in patterns))


def test_extraction_covers_every_template_folder() -> None:
    """Babel skips folders starting with "_" or "." whatever babel.cfg says."""
    sources = {path for paths in extracted().values() for path in paths}
    templates = ROOT / "templates"
    missing = [
        path.relative_to(ROOT).as_posix() for path in sorted(templates.rglob("*"))
        if path.suffix in (".html", ".txt") and TRANSLATION_CALL.search(path.read_text("utf-8"))
        and path.relative_to(ROOT).as_posix() not in sources
    ]
    assert not missing, f"never extracted: {missing}"
    for text in ("Please correct the following:", "Verified resident of %(city)s",
                 "Organisation", "Public official, level %(level)d", "Page %(page)d of %(pages)d"):
        assert text in extracted(), text


def test_the_check_itself_finds_english() -> None:
    """The detector flags a known msgid and ignores the same words inside other words."""
    html = ('<html lang="es"><body><h2>Please correct the following:</h2>'
            '<nav><a lang="en" href="/locale/en">English</a></nav>'
            '<p title="Página 2 de 3">Personas</p></body></html>')
    found = english_left(html, "es")
    if translations("es").get("Please correct the following:") != "Please correct the following:":
        assert "Please correct the following:" in found
    assert "Person" not in found


@pytest.fixture
def pages(app, make_user) -> Iterator[list[tuple[str, str, str | None]]]:
    """(name, path, username to sign in as) for the main pages, with content on them: badges,
    an error summary, a pager of comments, a notification, a role table."""
    from tests.debates.helpers import new_comment, new_debate

    make_user("ana", verified=True, roles=[("city", "aurora", "administrator")])
    make_user("ong", kind="organisation")
    make_user("conce", roles=[("city", "aurora", "official")], verified=True)
    debate_id = new_debate(app, author="conce", title="Sombra en las plazas",
                           description="Árboles en cada plaza.")
    for number in range(11):  # past one page of threads
        new_comment(app, debate_id, author="ong" if number % 2 else "ana",
                    body=f"Comentario número {number}")
    new_comment(app, debate_id, author="conce", body="Respuesta")
    yield [
        ("landing", "/", None),
        ("alliances", "/alliances/", None),
        ("city home", "/aurora/", None),
        ("alliance home", "/alliances/pact/", None),
        ("debate list", "/aurora/debates/", None),
        ("debate", f"/aurora/debates/{debate_id}", None),
        ("debate, page 2", f"/aurora/debates/{debate_id}?page=2", None),
        ("search", "/aurora/search?q=plazas", None),
        ("organisation profile", "/users/ong", None),
        ("official profile", "/users/conce", None),
        ("sign in", "/accounts/login", None),
        ("sign up", "/accounts/signup", None),
        ("not found", "/aurora/debates/999999", None),
        ("debate, signed in", f"/aurora/debates/{debate_id}", "ana"),
        ("new debate", "/aurora/debates/new", "ana"),
        ("account", "/accounts/account", "ana"),
        ("notifications", "/notifications/", "conce"),
        ("admin", "/aurora/admin/", "ana"),
    ]


@pytest.mark.parametrize("locale", ["es", "pt_BR"])
def test_pages_show_no_english_source_text(app, pages, locale) -> None:
    from tests.conftest import login

    problems = []
    for name, path, username in pages:
        client = app.test_client()
        client.set_cookie("decide_locale", locale)
        if username:
            from decide.accounts.services import find_by_username
            from decide.extensions import db

            with app.app_context():
                find_by_username(username).locale = locale
                db.session.commit()
            assert login(client, username).status_code == 302
        response = client.get(path)
        assert response.status_code in (200, 404), (name, response.status_code)
        html = response.get_data(as_text=True)
        assert f'lang="{locale.replace("_", "-")}"' in html, name
        left = english_left(html, locale)
        if left:
            problems.append(f"{name} ({path}): {left}")
    # The form's error summary too ("Please correct the following:").
    client = app.test_client()
    client.set_cookie("decide_locale", locale)
    assert login(client, "ana").status_code == 302
    response = client.post("/aurora/debates/new", data={"title": "", "description": ""})
    left = english_left(response.get_data(as_text=True), locale)
    if left:
        problems.append(f"new debate with errors: {left}")
    assert not problems, "\n".join(problems)
