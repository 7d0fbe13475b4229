"""User text: Markdown rendered to sanitised HTML."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

# Raw HTML in the source is escaped by markdown-it; nh3 then removes anything unsafe that
# Markdown itself can produce (javascript: links, for instance).
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
_ALLOWED_TAGS = {
    "p", "br", "strong", "em", "a", "ul", "ol", "li", "blockquote", "code", "pre",
    "h3", "h4", "hr", "table", "thead", "tbody", "tr", "th", "td",
}
_LITE_TAGS = {"p", "br", "strong", "em", "a", "ul", "ol", "li", "code", "blockquote"}


def render_markdown(source: str, lite: bool = False) -> Markup:
    """Markdown to HTML that is safe to show; `lite` keeps only inline and list markup."""
    html = _markdown.render(source or "")
    clean = nh3.clean(
        html,
        tags=_LITE_TAGS if lite else _ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener ugc",
    )
    return Markup(clean)
