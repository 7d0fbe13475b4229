"""The module kit's rules, read from the source: core depends on nothing above it, shared
modules name no content module, and every module declares itself in its own package."""

from __future__ import annotations

import ast
from pathlib import Path

import decide
from decide import MODULES

PACKAGE = Path(decide.__file__).parent
# Modules whose items people publish; the shared ones below serve them without naming them.
CONTENT_MODULES = {"debates", "proposals", "plans", "budgets"}
SHARED = {"core", "comments", "notifications", "search", "moderation", "admin", "follows",
          "translations", "history", "listings", "tags", "accounts", "cities", "pages", "audit",
          "dashboard"}


def imported_packages(folder: Path) -> dict[str, set[str]]:
    """file -> the decide packages it imports (at top level or inside functions)."""
    found: dict[str, set[str]] = {}
    for path in folder.rglob("*.py"):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                modules = [node.module]
            elif isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            else:
                continue
            for module in modules:
                parts = module.split(".")
                if parts[0] == "decide" and len(parts) > 1:
                    names.add(parts[1])
        found[str(path.relative_to(PACKAGE))] = names
    return found


def test_core_imports_nothing_above_it() -> None:
    allowed = {"core", "extensions", "config"}
    offending = {path: names - allowed
                 for path, names in imported_packages(PACKAGE / "core").items()
                 if names - allowed}
    assert offending == {}


def test_shared_modules_name_no_content_module() -> None:
    offending = {}
    for shared in SHARED:
        for path, names in imported_packages(PACKAGE / shared).items():
            if names & CONTENT_MODULES:
                offending[path] = names & CONTENT_MODULES
    assert offending == {}


def test_every_listed_module_declares_itself_in_its_package() -> None:
    import importlib

    for name in MODULES:
        declaration = importlib.import_module(f"decide.{name}.module").module
        assert declaration.name == name
    # No central list of models or registrations outside the declarations.
    assert not (PACKAGE / "models.py").exists()
