"""Take phone and desktop screenshots of pages of a running Decide, for looking at the design.

Usage: python scripts/screenshots.py http://127.0.0.1:5000 OUT_DIR /path [/path ...]
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update"]
WIDTHS = {"phone": (390, 844), "desktop": (1366, 900)}


def main() -> None:
    base, out, paths = sys.argv[1], Path(sys.argv[2]), sys.argv[3:]
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                     args=CHROMIUM_ARGS)
        for label, (width, height) in WIDTHS.items():
            page = browser.new_page(viewport={"width": width, "height": height})
            for path in paths:
                page.goto(base + path)
                name = path.strip("/").replace("/", "_") or "index"
                page.screenshot(path=str(out / f"{name}-{label}.png"), full_page=True)
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
