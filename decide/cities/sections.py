"""What each module the space enables shows on its home page (declared by the module)."""

from __future__ import annotations

from typing import Any

from decide.core.modules import Module, enabled_in


def home_sections(space: Any) -> list[tuple[Module, dict[str, Any]]]:
    """(module, context of its home-page section) for each module the space enables."""
    return [(module, module.home_section.context(space) if module.home_section else {})
            for module in enabled_in(space)]


def module_links(space: Any) -> list[tuple[str, str, str]]:
    """(label, endpoint, blueprint) of the enabled modules that have pages, for the space bar."""
    return [(str(m.label), m.index_endpoint, m.index_endpoint.split(".")[0])
            for m in enabled_in(space) if m.index_endpoint]
