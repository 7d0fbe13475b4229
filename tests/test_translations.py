"""Every catalog is complete: no untranslated or fuzzy entry, placeholders intact."""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po

from decide.config import TRANSLATIONS_DIR
from decide.core.i18n import LOCALES

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def catalog(locale: str):
    with (TRANSLATIONS_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return read_po(fh, locale=locale)


def template_ids() -> set[str]:
    with (TRANSLATIONS_DIR / "messages.pot").open("rb") as fh:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id}


@pytest.mark.parametrize("locale", LOCALES)
def test_catalog_complete(locale: str) -> None:
    messages = [m for m in catalog(locale) if m.id]
    assert len(messages) > 100
    problems = []
    for message in messages:
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        if message.fuzzy:
            problems.append(f"fuzzy: {ids[0]!r}")
        if not all(strings):
            problems.append(f"untranslated: {ids[0]!r}")
        elif set(PLACEHOLDER.findall(ids[-1])) != set(PLACEHOLDER.findall(strings[-1])):
            problems.append(f"placeholders differ: {ids[0]!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("locale", LOCALES)
def test_catalog_covers_template(locale: str) -> None:
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog(locale) if m.id}
    missing = template_ids() - ids
    assert not missing, f"run scripts/update_translations.py: {sorted(missing)[:5]}"


def test_template_is_current(tmp_path) -> None:
    """messages.pot holds every string the code uses (extraction was re-run)."""
    from babel.messages.frontend import CommandLineInterface

    from decide.config import ROOT

    out = tmp_path / "fresh.pot"
    CommandLineInterface().run(["pybabel", "-q", "extract", "-F", str(ROOT / "babel.cfg"),
                                "-k", "_l", "-o", str(out), str(ROOT)])
    with out.open("rb") as fh:
        fresh = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id}
    missing = fresh - template_ids()
    assert not missing, f"run scripts/update_translations.py: {sorted(missing)[:5]}"
