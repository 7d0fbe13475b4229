"""A space's colours as a stylesheet, with text colours chosen for WCAG AA contrast."""

from __future__ import annotations

from markupsafe import escape

from decide.cities.models import Space

DEFAULT_PRIMARY = "#1f4e8c"
DEFAULT_SECONDARY = "#0f7b6c"
DARK_TEXT = "#111827"
LIGHT_TEXT = "#ffffff"


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_on(background: str) -> str:
    """White or near-black, whichever reads better on `background`."""
    if contrast_ratio(background, LIGHT_TEXT) >= contrast_ratio(background, DARK_TEXT):
        return LIGHT_TEXT
    return DARK_TEXT


def _darken(hex_colour: str, factor: float) -> str:
    channels = [int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{int(c * factor):02x}" for c in channels)


def readable_on_white(colour: str) -> str:
    """The colour darkened until it reaches 4.5:1 on white, for links and headings."""
    factor = 1.0
    while contrast_ratio(colour if factor == 1.0 else _darken(colour, factor), "#ffffff") < 4.5:
        factor -= 0.05
    return colour if factor == 1.0 else _darken(colour, factor)


def theme_css(space: Space) -> str:
    primary = space.theme.get("primary", DEFAULT_PRIMARY)
    secondary = space.theme.get("secondary", DEFAULT_SECONDARY)
    return (
        ":root {\n"
        f"  --brand: {primary};\n"
        f"  --brand-text: {text_on(primary)};\n"
        f"  --brand-ink: {readable_on_white(primary)};\n"
        f"  --accent: {secondary};\n"
        f"  --accent-text: {text_on(secondary)};\n"
        f"  --accent-ink: {readable_on_white(secondary)};\n"
        "}\n"
    )


def monogram(name: str) -> str:
    words = [w for w in name.replace("-", " ").split() if w[:1].isalpha()]
    significant = [w for w in words if w[0].isupper()] or words
    return "".join(w[0] for w in significant[:2]).upper() or "?"


def logo_svg(space: Space) -> str:
    """A round emblem in the space's colours with its initials, for spaces without a logo."""
    primary = space.theme.get("primary", DEFAULT_PRIMARY)
    secondary = space.theme.get("secondary", DEFAULT_SECONDARY)
    letters = escape(monogram(space.names.get("es") or space.slug))
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" role="img">'
        f'<circle cx="32" cy="32" r="32" fill="{primary}"/>'
        f'<path d="M0 40 Q32 28 64 40 V64 H0Z" fill="{secondary}" opacity="0.55"/>'
        f'<text x="32" y="40" text-anchor="middle" font-family="system-ui, sans-serif" '
        f'font-size="24" font-weight="700" fill="{text_on(primary)}">{letters}</text></svg>'
    )
