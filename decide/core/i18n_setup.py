"""Wires Flask-Babel: compiled catalogs, the locale and time-zone selectors."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask

from decide.config import TRANSLATIONS_DIR
from decide.core.i18n import select_locale, select_timezone


def compile_catalogs(source: Path, target: Path) -> list[Path]:
    """Compile every messages.po under `source` into `target` when missing or stale.

    The compiled catalogs are build output, so they are not committed; compiling here means a
    fresh checkout shows all three languages on its first start.
    """
    written = []
    for po_path in sorted(source.glob("*/LC_MESSAGES/messages.po")):
        mo_path = target / po_path.relative_to(source).with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        with po_path.open("rb") as fh:
            catalog = read_po(fh, locale=po_path.parts[-3])
        # A file of this process's own: workers starting together compile at the same time,
        # and a shared temporary name let one rename the other's file away (a failed start).
        tmp = mo_path.with_suffix(f".mo.{os.getpid()}.{threading.get_ident()}.tmp")
        with tmp.open("wb") as fh:
            write_mo(fh, catalog, use_fuzzy=False)
        tmp.replace(mo_path)
        written.append(mo_path)
    return written


def init_app(app: Flask) -> None:
    from decide.extensions import babel

    compiled = Path(app.instance_path) / "translations"
    compile_catalogs(TRANSLATIONS_DIR, compiled)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(compiled)
    app.config.setdefault("BABEL_DEFAULT_LOCALE", app.config.get("DEFAULT_LOCALE", "es"))
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
