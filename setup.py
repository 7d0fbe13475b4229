"""Build step for `pip install .` (not editable): ship what the application reads at run time.

The repository keeps config/, templates/, static/, translations/ and migrations/ at its top
level; a wheel copies them into the package as decide/_bundled/, where decide.config finds
them. Editable installs and checkouts read the repository's folders directly.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

BUNDLED_FOLDERS = ("config", "templates", "static", "translations", "migrations")
HERE = Path(__file__).resolve().parent


class BuildWithRuntimeFiles(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the repository itself
        target = Path(self.build_lib) / "decide" / "_bundled"
        for folder in BUNDLED_FOLDERS:
            destination = target / folder
            if destination.exists():
                shutil.rmtree(destination)
            shutil.copytree(HERE / folder, destination,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo"))


setup(cmdclass={"build_py": BuildWithRuntimeFiles})
