"""What each module shows on a space's home page, registered by the module itself."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# module name -> function(space) returning the context of templates/<module>/_home.html
HOME_SECTIONS: dict[str, Callable[[Any], dict[str, Any]]] = {}


def home_sections(space: Any) -> dict[str, dict[str, Any]]:
    return {module: HOME_SECTIONS[module](space)
            for module in space.modules if module in HOME_SECTIONS}

# module name -> endpoint of its index page in a space (for the space's navigation).
MODULE_ENDPOINTS: dict[str, str] = {}
