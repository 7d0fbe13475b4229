"""Refresh the translation catalogs: extract messages.pot, init/update es, en and pt_BR.

Usage (from anywhere): python scripts/update_translations.py

Source strings are English, so empty entries of the `en` catalog are filled with their msgid.
Prints what is left to translate per locale and exits non-zero while es or pt_BR still have
untranslated or fuzzy entries, or any catalog has a placeholder mismatch. Translate the new
entries in translations/<locale>/LC_MESSAGES/messages.po and run it again.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"
POT = TRANSLATIONS / "messages.pot"
LOCALES = ("es", "en", "pt_BR")
SOURCE_LOCALE = "en"
MUST_BE_COMPLETE = ("es", "pt_BR")
KEYWORDS = ("_l", "lazy_gettext", "ngettext:1,2")
# Lines that change on every extraction; ignored when deciding whether the template changed.
VOLATILE = re.compile(r'^"POT-Creation-Date: .*\\n"$', re.MULTILINE)


def pybabel(*args: str) -> None:
    """Run a pybabel command from the repository root, stopping on failure."""
    cmd = [sys.executable, "-m", "babel.messages.frontend", "--quiet", *args]
    subprocess.run(cmd, cwd=ROOT, check=True)


def extract() -> None:
    """Write messages.pot, keeping the old file when only its creation date would change."""
    old = POT.read_text(encoding="utf-8") if POT.exists() else None
    keywords = [arg for kw in KEYWORDS for arg in ("-k", kw)]
    pybabel(
        "extract",
        "-F", "babel.cfg",
        *keywords,
        "--sort-by-file",
        "--no-wrap",
        "--project", "Decide",
        "--copyright-holder", "Decide contributors",
        "-o", str(POT.relative_to(ROOT)),
        ".",
    )  # fmt: skip
    if old is not None and VOLATILE.sub("", old) == VOLATILE.sub("", POT.read_text("utf-8")):
        POT.write_text(old, encoding="utf-8")


def po_path(locale: str) -> Path:
    return TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"


def refresh(locale: str) -> None:
    """Create the locale's catalog from the template, or merge the template into it."""
    path = po_path(locale)
    if not path.exists():
        pybabel("init", "-i", str(POT), "-d", str(TRANSLATIONS), "-l", locale)
    else:
        pybabel(
            "update",
            "-i", str(POT),
            "-d", str(TRANSLATIONS),
            "-l", locale,
            "--no-fuzzy-matching",
            "--ignore-obsolete",
            "--no-wrap",
        )  # fmt: skip


def read_catalog(locale: str) -> Catalog:
    with po_path(locale).open("rb") as fh:
        return read_po(fh, locale=locale)


def fill_source_locale() -> int:
    """Copy msgid (and msgid_plural) into every empty msgstr of the English catalog."""
    catalog = read_catalog(SOURCE_LOCALE)
    filled = 0
    for message in catalog:
        if not message.id:
            continue
        before = (message.string, message.fuzzy)
        if isinstance(message.id, tuple):
            singular, plural = message.id[0], message.id[1]
            current = message.string if isinstance(message.string, tuple) else ()
            strings = [current[i] if i < len(current) else "" for i in range(catalog.num_plurals)]
            new = tuple(s or (singular if i == 0 else plural) for i, s in enumerate(strings))
            message.string = new
        elif not message.string:
            message.string = message.id
        message.flags.discard("fuzzy")
        filled += (message.string, message.fuzzy) != before
    if filled:
        with po_path(SOURCE_LOCALE).open("wb") as fh:
            write_po(fh, catalog, ignore_obsolete=True, width=0)  # like pybabel --no-wrap
    return filled


def is_untranslated(message_string: str | tuple[str, ...]) -> bool:
    strings = message_string if isinstance(message_string, tuple) else (message_string,)
    return not strings or not all(strings)


def report(locale: str) -> bool:
    """Print the locale's state; True when it is complete and free of format errors."""
    catalog = read_catalog(locale)
    messages = [m for m in catalog if m.id]
    untranslated = [m for m in messages if is_untranslated(m.string)]
    fuzzy = [m for m in messages if m.fuzzy]
    errors = [(m, err) for m, errs in catalog.check() for err in errs]
    print(
        f"{locale:6} {len(messages):4} entries, {len(untranslated):4} untranslated, "
        f"{len(fuzzy):4} fuzzy, {len(errors)} format errors"
    )
    for message, error in errors:
        print(f"    format error in {message.id!r}: {error}")
    if locale in MUST_BE_COMPLETE:
        for message in fuzzy:
            print(f"    fuzzy: {message.id!r}")
        for message in untranslated:
            print(f"    untranslated: {message.id!r}")
    return not errors and (locale not in MUST_BE_COMPLETE or not (untranslated or fuzzy))


def main() -> int:
    extract()
    for locale in LOCALES:
        refresh(locale)
    filled = fill_source_locale()
    if filled:
        print(f"en: filled {filled} entries from their msgid")
    ok = [report(locale) for locale in LOCALES]
    if not all(ok):
        print("Translate the empty/fuzzy entries above in translations/<locale>/LC_MESSAGES/.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
