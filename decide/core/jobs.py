"""Background work. Runs inline for now; the queue backend joins with the notifications module."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def enqueue(func: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    """Run `func` as a job: inline, in the caller's application context."""
    func(*args, **kwargs)
