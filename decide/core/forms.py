"""Showing a service's refusal on the form that asked for it."""

from __future__ import annotations

from typing import Any

from flask import flash

from decide.core.errors import DomainError


def attach_error(form: Any, error: DomainError) -> None:
    """Put `error` under the field it names (what was typed stays), else flash it."""
    field = getattr(form, error.field or "", None)
    if field is not None and hasattr(field, "errors"):
        field.errors = [*field.errors, error.message]
    else:
        flash(error.message, "error")
