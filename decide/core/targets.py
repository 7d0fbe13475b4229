"""Objects that comments, flags, votes, follows and notifications attach to, by type name.

Modules declare their targets (`decide.core.modules.Target`); the shared machinery stores
`(target_type, target_id)` and still finds rows only inside their space.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from decide.core.db import get_in_space
from decide.core.errors import NotFoundError

if TYPE_CHECKING:
    from decide.core.modules import Target

TARGETS: dict[str, Target] = {}


def register_target(target: Target) -> None:
    TARGETS[target.name] = target
    # Not "target_type": comments have a column of that name (what they are attached to).
    target.model.target_name = target.name  # type: ignore[attr-defined]


def target_for(name: str) -> Target | None:
    return TARGETS.get(name)


def target_url(obj: Any) -> str:
    """The page that shows `obj` (a comment links to its place on its target's page)."""
    return TARGETS[obj.target_name].url(obj)


def target_model(name: str) -> type:
    try:
        return TARGETS[name].model
    except KeyError:
        raise LookupError(name) from None


def get_target(name: str, target_id: int, space: Any) -> Any:
    """The target in `space`, or NotFoundError (unknown type, other space or missing)."""
    target = TARGETS.get(name)
    if target is None:
        raise NotFoundError()
    return get_in_space(target.model, target_id, space)
