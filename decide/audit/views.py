"""The audit trail pages: read-only (GET only; no route edits or deletes an event), filtered,
paginated, and exported as CSV with the same filters."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from datetime import date
from typing import Any

from flask import (
    Blueprint,
    Response,
    g,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy import select

from decide.audit import queries
from decide.core.pagination import page_number, paginate
from decide.core.permissions import requires
from decide.core.spaces import Space
from decide.core.templating import local_moment
from decide.extensions import db

bp = Blueprint("audit", __name__)
PER_PAGE = 50


def _date(name: str, errors: dict[str, str]) -> date | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    try:
        if len(raw) != 10:  # fromisoformat also takes 20260331, which nobody means here
            raise ValueError(raw)
        return date.fromisoformat(raw)
    except ValueError:
        errors[name] = _("Enter a date like 2026-03-31.")
        return None


def _filter(space: Space | None) -> tuple[queries.TrailFilter, dict[str, str]]:
    errors: dict[str, str] = {}
    wanted = queries.TrailFilter(
        action=request.args.get("action", "").strip()[:48],
        actor=request.args.get("actor", "").strip()[:40],
        object_type=request.args.get("object_type", "").strip()[:16],
        since=_date("since", errors), until=_date("until", errors),
        timezone=space.timezone if space is not None else "UTC")
    if space is None:
        raw = request.args.get("space", "")
        if raw.isascii() and raw.isdigit() and len(raw) < 10:
            wanted.space_id = int(raw)
        elif raw:
            errors["space"] = _("Choose a space from the list.")
    if wanted.since and wanted.until and wanted.since > wanted.until:
        errors["until"] = _("The end date must not be before the start date.")
    return wanted, errors


def _page(space: Space | None) -> tuple[str, int]:
    wanted, errors = _filter(space)
    actions, object_types = queries.choices(space)
    spaces = [] if space is not None else list(db.session.scalars(
        select(Space).order_by(Space.kind, Space.slug)))
    if errors:
        page = None
        links: dict[tuple[str, int], str] = {}
    else:
        page = paginate(queries.with_details(queries.trail(space, wanted)), page_number(),
                        PER_PAGE)
        links = queries.object_links(page.items, space)
    return render_template(
        "audit/trail.html", page=page, wanted=wanted, errors=errors, actions=actions,
        object_types=object_types, spaces=spaces, links=links, deployment=space is None,
        csv_url=_csv_url(space)), 400 if errors else 200


def _csv_url(space: Space | None) -> str:
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    if space is None:
        return url_for("audit.deployment_csv", **args)
    return url_for("audit.space_csv", **args)


def value_text(value: Any) -> str:
    """A stored before/after value as plain text: numbers and words as they are, anything
    structured as compact JSON."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


CSV_HEADER = ("id", "time_utc", "local_time", "space", "actor", "action", "object_type",
              "object_id", "before", "after", "details")


def _csv(space: Space | None) -> Response:
    wanted, errors = _filter(space)
    if errors:
        return Response("\n".join(errors.values()) + "\n", status=400,
                        mimetype="text/plain")
    statement = queries.trail(space, wanted)
    # Written to a file that stays in memory while small and moves to disk when large: the
    # whole trail can be exported without holding it in memory, and without a streamed
    # response that would keep the request's database session open while a client reads.
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024, mode="w+b")  # noqa: SIM115
    text = io.TextIOWrapper(spool, encoding="utf-8", newline="")
    writer = csv.writer(text)
    writer.writerow(CSV_HEADER)
    for event in queries.stream(statement):
        data = dict(event.data or {})
        before, after = data.pop("before", None), data.pop("after", None)
        writer.writerow((
            event.id, event.created_at.isoformat(),
            local_moment(event.created_at, event.space).isoformat(timespec="minutes"),
            event.space.slug, event.actor.username if event.actor else "", event.action,
            event.target_type or "", "" if event.target_id is None else event.target_id,
            _safe(value_text(before)), _safe(value_text(after)),
            _safe(value_text(data) if data else "")))
    text.flush()
    text.detach()  # the response closes the file once sent
    spool.seek(0)
    name = f"audit-{space.slug if space is not None else 'all'}.csv"
    return send_file(spool, mimetype="text/csv", as_attachment=True, download_name=name,
                     max_age=0)


def _safe(text: str) -> str:
    """Cells a spreadsheet would run as a formula start with a quote instead."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@bp.route("/<space:space>/admin/audit")
@requires("space.admin")
def space_trail() -> Any:
    return _page(g.space)


@bp.route("/<space:space>/admin/audit.csv")
@requires("space.admin")
def space_csv() -> Response:
    return _csv(g.space)


@bp.route("/admin/audit")
@requires("deployment.admin")
def deployment_trail() -> Any:
    return _page(None)


@bp.route("/admin/audit.csv")
@requires("deployment.admin")
def deployment_csv() -> Response:
    return _csv(None)


def readable(value: Any) -> str:
    """A stored value for people: lists as "a, b", tables as "key: value; key: value"."""
    if isinstance(value, dict):
        return "; ".join(f"{key}: {readable(item)}" for key, item in value.items())
    if isinstance(value, list):
        return ", ".join(readable(item) for item in value)
    if value is None:
        return "—"
    return value_text(value)


def init_app(app: Any) -> None:
    app.add_template_filter(readable, "audit_value")

