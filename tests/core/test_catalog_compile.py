"""Compiling the catalogs at start is safe when several workers start at once."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from decide.config import TRANSLATIONS_DIR
from decide.core.i18n_setup import compile_catalogs


def test_workers_compiling_together_all_start(tmp_path: Path) -> None:
    """Each compiler writes its own temporary file: with one shared name, one worker renamed
    the file another was about to rename, and that worker failed to start (seen with two
    gunicorn workers on a fresh instance folder)."""
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def start() -> None:
        barrier.wait()
        try:
            for _ in range(5):
                for mo in tmp_path.glob("*/LC_MESSAGES/messages.mo"):
                    os.utime(mo, (0, 0))  # stale again: every round compiles
                compile_catalogs(TRANSLATIONS_DIR, tmp_path)
        except BaseException as error:  # noqa: BLE001 - the test reports any failure
            errors.append(error)

    threads = [threading.Thread(target=start) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    compiled = sorted(p.relative_to(tmp_path).as_posix()
                      for p in tmp_path.glob("*/LC_MESSAGES/*"))
    assert compiled == [f"{loc}/LC_MESSAGES/messages.mo" for loc in ("en", "es", "pt_BR")]
