"""Background work: inline by default, an RQ queue on Redis when REDIS_URL is set.

`enqueue(func, *args, **kwargs)` runs `func` as a job. Without REDIS_URL it runs at once in the
caller's application context. With REDIS_URL the job goes to the RQ queue "decide" and
`decide worker` runs it later, inside the Flask application context.

Rules for jobs, checked in both modes so that mistakes show up in development too:

- `func` is a module-level function (the queue stores its import path, "package.module:name");
- arguments are plain data: None, bool, int, float, str, bytes and lists, tuples and dicts of
  them. Never ORM objects: pass ids and load the rows in the job, which may run in another
  process, after the row changed.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from typing import Any

import click
from flask import Flask, current_app, has_app_context
from flask.cli import with_appcontext

QUEUE_NAME = "decide"
_PLAIN_SCALARS = (type(None), bool, int, float, str, bytes)
_EXTENSION_KEY = "decide.jobs"

logger = logging.getLogger(__name__)

# The application the worker runs jobs for (set by `run_worker`; see `_job_app`).
_worker_app: Flask | None = None


class JobArgumentError(TypeError):
    """A job was given something other than plain data, or a function it cannot import."""


def job_path(func: Callable[..., Any]) -> str:
    """The import path ("package.module:name") the queue stores instead of the function."""
    module = getattr(func, "__module__", None)
    qualname = getattr(func, "__qualname__", "")
    if not module or module == "__main__" or not qualname or "<" in qualname:
        raise JobArgumentError(f"a job must be a module-level function, not {func!r}")
    return f"{module}:{qualname}"


def resolve(path: str) -> Callable[..., Any]:
    """The function named by `job_path`."""
    module_name, _, qualname = path.partition(":")
    target: Any = importlib.import_module(module_name)
    for part in qualname.split("."):
        target = getattr(target, part)
    return target


def check_plain(value: Any, where: str = "argument") -> None:
    """Refuse anything but plain data (ids, strings, bytes...) as a job argument."""
    if isinstance(value, _PLAIN_SCALARS):
        return
    if isinstance(value, list | tuple):
        for item in value:
            check_plain(item, where)
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise JobArgumentError(f"job {where}: dictionary keys must be strings")
            check_plain(item, where)
        return
    raise JobArgumentError(
        f"job {where}: {type(value).__name__} is not plain data; pass ids and strings")


def queue_enabled(app: Flask | None = None) -> bool:
    app = app or current_app
    return bool(app.config.get("REDIS_URL"))


def redis_connection(app: Flask | None = None) -> Any:
    """One Redis client per application (it holds a connection pool)."""
    from redis import Redis

    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    state = app.extensions.setdefault(_EXTENSION_KEY, {})
    url = app.config["REDIS_URL"]
    if state.get("url") != url:
        state["url"] = url
        state["redis"] = Redis.from_url(url)
    return state["redis"]


def get_queue(app: Flask | None = None) -> Any:
    """The RQ queue of this application."""
    from rq import Queue

    return Queue(QUEUE_NAME, connection=redis_connection(app))


def enqueue(func: Callable[..., Any], *args: Any, **kwargs: Any) -> str | None:
    """Run `func(*args, **kwargs)` as a job; returns the queued job's id (None when inline).

    Callers enqueue after their transaction commits, so a job never sees uncommitted rows.
    """
    path = job_path(func)
    check_plain(list(args))
    check_plain(kwargs, "keyword argument")
    if not queue_enabled():
        _run_inline(func, args, kwargs)
        return None
    job = get_queue().enqueue_call(run_in_app, args=(path, list(args), kwargs),
                                   description=path)
    return str(job.id)


def _run_inline(func: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Run now. As with the queue, a failing job does not fail the caller (whose work is
    already committed): it is logged and its transaction rolled back. Tests see the error."""
    from decide.extensions import db

    try:
        func(*args, **kwargs)
    except Exception:
        db.session.rollback()
        if current_app.testing:
            raise
        current_app.logger.exception("job %s failed", job_path(func))


def _job_app() -> Flask:
    """The application jobs run for: the worker's, else the current one, else a new one
    (when a plain `rq worker` imports this module without going through `decide worker`)."""
    global _worker_app
    if _worker_app is not None:
        return _worker_app
    if has_app_context():
        return current_app._get_current_object()  # type: ignore[attr-defined,no-any-return]
    from decide import create_app

    _worker_app = create_app()
    return _worker_app


def run_in_app(path: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
    """What the worker executes: the job `path` inside its own application context.

    A fresh context per job gives it its own database session, removed when the job ends.
    """
    app = _job_app()
    with app.app_context():
        return resolve(path)(*args, **kwargs)


def run_worker(burst: bool = False, app: Flask | None = None) -> bool:
    """Process the "decide" queue until stopped (or, with `burst`, until it is empty).

    Jobs run in this process (RQ's SimpleWorker): no fork per job, so database connections are
    pooled and reused; run several workers for parallelism.
    """
    from rq import SimpleWorker

    global _worker_app
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    if not queue_enabled(app):
        raise click.ClickException(
            "REDIS_URL is not set: jobs run inline and need no worker "
            "(set DECIDE_REDIS_URL to use the queue).")
    previous, _worker_app = _worker_app, app
    try:
        worker = SimpleWorker([get_queue(app)], connection=redis_connection(app))
        return bool(worker.work(burst=burst, logging_level="INFO"))
    finally:
        _worker_app = previous


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
@with_appcontext
def worker_command(burst: bool) -> None:
    """Run background jobs (e-mails, notifications) from the Redis queue."""
    run_worker(burst=burst)
