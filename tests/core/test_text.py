"""Markdown is rendered to HTML that cannot run script."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from decide.core.text import render_markdown

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<svg onload=alert(1)>",
    "<iframe src=\"https://evil.example\"></iframe>",
    "![x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<style>body{display:none}</style>",
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
]


ALLOWED_TAGS = {"p", "br", "strong", "em", "a", "ul", "ol", "li", "blockquote", "code", "pre",
                "h3", "h4", "hr", "table", "thead", "tbody", "tr", "th", "td"}


class Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_render_inert(payload: str) -> None:
    """Whatever is left is text or an allowed tag, with no handler, style or unsafe URL."""
    parser = Elements()
    parser.feed(str(render_markdown(payload)))
    for tag, attrs in parser.found:
        assert tag in ALLOWED_TAGS, (payload, tag)
        assert set(attrs) <= {"href", "title", "rel"}, (payload, attrs)
        href = (attrs.get("href") or "").strip().lower()
        assert not href or href.startswith(("http://", "https://", "mailto:")), (payload, href)


def test_markdown_still_works() -> None:
    html = str(render_markdown("**bold** and [a link](https://example.org)\n\n- one\n- two"))
    assert "<strong>bold</strong>" in html
    assert 'href="https://example.org"' in html and 'rel="nofollow noopener ugc"' in html
    assert "<li>one</li>" in html
    lite = str(render_markdown("# Title\n\ntext", lite=True))
    assert "<h1>" not in lite and "Title" in lite
