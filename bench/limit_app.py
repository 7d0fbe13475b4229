"""Decide and, beside it in the same gunicorn, the limit: a WSGI app that answers each
measured page with that page's exact bytes from memory.

`bench/run.py` fetches every page once from Decide and writes its status, headers and body to
`$BENCH_LIMIT_DIR/<name>.json` and `<name>.body`; then `/__limit__/<name>` returns those
bytes. Both apps run in the same worker processes, behind the same sockets and HTTP parsing,
so the ratio app / limit is what Decide costs over serving the same response at all.

    gunicorn --pythonpath bench limit_app:application
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from decide import create_app

PREFIX = "/__limit__/"
# Headers a server sets itself (or that would be wrong replayed); every other header of the
# app's response (type, caching, security headers, cookies) is sent again, byte for byte.
_NOT_REPLAYED = {"date", "server", "connection", "transfer-encoding", "content-length"}

StartResponse = Callable[..., Any]
_pages: dict[str, tuple[str, list[tuple[str, str]], bytes]] = {}


def _load(name: str) -> tuple[str, list[tuple[str, str]], bytes] | None:
    """Read a page from the directory once per worker; later requests never touch the disk."""
    folder = Path(os.environ.get("BENCH_LIMIT_DIR", ""))
    if not name.isalnum() or not (folder / f"{name}.json").is_file():
        return None
    meta = json.loads((folder / f"{name}.json").read_text())
    body = (folder / f"{name}.body").read_bytes()
    headers = [(key, value) for key, value in meta["headers"]
               if key.lower() not in _NOT_REPLAYED]
    headers.append(("Content-Length", str(len(body))))
    page = (meta["status"], headers, body)
    _pages[name] = page
    return page


def limit(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    name = environ["PATH_INFO"][len(PREFIX):]
    page = _pages.get(name) or _load(name)
    if page is None:
        start_response("404 Not Found", [("Content-Type", "text/plain"),
                                         ("Content-Length", "9")])
        return [b"not found"]
    status, headers, body = page
    start_response(status, headers)
    return [body]


decide_app = create_app()


def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    if environ.get("PATH_INFO", "").startswith(PREFIX):
        return limit(environ, start_response)
    return decide_app(environ, start_response)
