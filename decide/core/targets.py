"""Objects that comments, flags, tags and notifications can attach to, by a short type name.

Each module registers its models (`register_target("debate", Debate)`), so the shared
machinery stores `(target_type, target_id)` and still finds rows only inside their space.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from decide.core.db import get_in_space

TARGETS: dict[str, type] = {}
# name -> function(obj) giving the path of the object's page (set by the module's views).
TARGET_URLS: dict[str, Callable[[Any], str]] = {}
# name -> function(obj, comment_form=..., status=...) rendering the object's page, so that a
# comment form with errors is shown in place with what the person typed.
TARGET_PAGES: dict[str, Callable[..., Any]] = {}


def register_target(name: str, model: type) -> type:
    TARGETS[name] = model
    # Not "target_type": comments have a column of that name (what they are attached to).
    model.target_name = name  # type: ignore[attr-defined]
    return model


def register_target_url(name: str, build: Callable[[Any], str]) -> None:
    TARGET_URLS[name] = build


def target_url(obj: Any) -> str:
    """The page that shows `obj` (a comment links to its place on its target's page)."""
    return TARGET_URLS[obj.target_name](obj)


def target_model(name: str) -> type:
    try:
        return TARGETS[name]
    except KeyError:
        raise LookupError(name) from None


def get_target(name: str, target_id: int, space: Any) -> Any:
    """The target in `space`, or 404 (unknown type, other space or missing)."""
    from flask import abort

    model = TARGETS.get(name)
    if model is None:
        abort(404)
    return get_in_space(model, target_id, space)
