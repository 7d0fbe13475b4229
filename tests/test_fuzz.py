"""Malformed input never gets a server error: every route, anonymous and signed in.

A seeded generator walks `app.url_map` and sends each rule's methods, first with one kind of
breakage at a time in an otherwise valid request (a sweep), then with random mixes, in the
URL, the query string and the form: ids beyond any column, negative numbers, superscript
digits, NUL and other control characters, very long strings, non-UTF-8 percent-escapes, odd
Unicode, unknown space slugs and unknown fields. Any 5xx or exception fails the test, listing
each failing request so it can be replayed (`DECIDE_FUZZ_SEED` picks another sequence,
`DECIDE_FUZZ_ROUNDS` more requests per rule).
"""

from __future__ import annotations

import os
import random
import re
import time
import traceback
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, quote

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule

from tests.conftest import login
from tests.debates.helpers import new_comment, new_debate

SEED = int(os.environ.get("DECIDE_FUZZ_SEED", "20261130"))
ROUNDS = int(os.environ.get("DECIDE_FUZZ_ROUNDS", "3"))  # per rule, method and visitor

# Values already percent-encoded, sent as they are (bytes that are not UTF-8, surrogates, NUL).
RAW_ESCAPES = ["%ff%fe", "%ED%A0%80", "%C0%AF", "%00", "a%00b", "%0A", "%E2%80%AE", "%", "%zz",
               "%C3", "%F0%9F%92%A5"]
HUGE_IDS = ["2147483648", "9223372036854775808", "99999999999999999999999999", "1" * 5000]
ODD_NUMBERS = ["0", "-1", "-2147483649", "²", "١٢", "１２", "1e3", "0x10", "1.5", " 1", "01", "+1"]
CONTROL_TEXT = ["\x00", "a\x00b", "\x01\x02\x1b", "\x7f", "\t", "\r\n", "/a\nb", "\x0b\x0c"]
ODD_TEXT = [
    "", " ", "x" * 10_000, "é" * 300, "💥" * 50,
    "\u202e\u200b\ufeff", "e\u0301", "ＡＢＣ", "<script>alert(1)</script>", "' OR 1=1 --",
    "{{ 7*7 }}", "%s%n", "../../etc/passwd", "//evil.example", "https://evil.example/",
    "javascript:alert(1)", "null", "true", "[]", "\\", "aurora", "alliances/pact", "nope",
    "\U0010ffff", "\ufffd",
]
SPACES = ["aurora", "alliances/pact", "nope", "alliances/nope", "aurora-x", "0", "a" * 300]
FIELD_NAMES = [
    "parent_id", "value", "next", "body", "title", "description", "tags", "geozone", "identifier",
    "password", "new_password", "current_password", "email", "username", "home_city", "locale",
    "kind", "organisation_name", "accept_terms", "remember", "confirm", "role",
    "official_position", "official_level", "reason", "note", "as_role", "featured", "page",
    "order", "q", "tag",
]
ACCEPT_LANGUAGES = ["en", "es", "pt-BR", "", "*", "fr;q=2", "x" * 500, "en;q=abc", "\u00e9s",
                    "zh-Hant-TW, pt;q=0.5", ";;;,,,"]
QUERY_NAMES = ["page", "tag", "geozone", "q", "order", "next", "comments_page", "locale"]
EARLY_NAMES = ("page", "comments_page", "order")  # checked first by list views


def _placeholder(argument: str) -> str:
    """The pattern of `<converter:argument>` (or `<argument>`) in a rule."""
    return r"<(?:[^>:]*:)?" + re.escape(argument) + ">"


def plausible(name: str, ids: dict[str, int]) -> list[str]:
    """Values a form or a query would normally hold for `name`."""
    return {
        "value": ["agree", "disagree", "up", "down"],
        "parent_id": [str(ids["comment_id"]), ""],
        "next": ["/aurora/", "/"],
        "title": ["A fair title for a debate"],
        "description": ["Trees and shade for every square in the city."],
        "body": ["A thoughtful comment."],
        "tags": ["trees, shade", "Árboles"],
        "geozone": ["norte", "sur", ""],
        "identifier": ["fuzzer", "fuzzer@example.org"],
        "password": ["correct-horse-battery"],
        "current_password": ["correct-horse-battery"],
        "email": ["fuzzer@example.org"],
        "username": ["fuzzer", "someone"],
        "home_city": ["aurora", "borealis", ""],
        "locale": ["es", "en", "pt_BR"],
        "kind": ["person", "organisation"],
        "role": ["administrator", "moderator", "valuator", "official", "secretariat"],
        "official_level": ["3"],
        "reason": ["spam", "offensive"],
        "as_role": ["", "administrator", "moderator", "official"],
        "featured": ["1", "0"],
        "page": ["1", "2"],
        "order": ["hot", "newest", "top", "active"],
        "confirm": ["y"],
        "accept_terms": ["y"],
    }.get(name, ["ok"])


@dataclass
class Fuzzer:
    app: Flask
    ids: dict[str, Any]
    rng: random.Random = field(default_factory=lambda: random.Random(SEED))

    def malformed(self) -> tuple[str, bool]:
        """(value, already_encoded), each kind of breakage equally likely."""
        kind = self.rng.choice((RAW_ESCAPES, HUGE_IDS, ODD_NUMBERS, CONTROL_TEXT, ODD_TEXT))
        return self.rng.choice(kind), kind is RAW_ESCAPES

    def value_for(self, name: str) -> str:
        """A query or form value: mostly plausible (so the request gets deep), often broken."""
        if self.rng.random() < 0.55:
            return quote(self.rng.choice(plausible(name, self.ids)), safe="")
        value, encoded = self.malformed()
        return value if encoded else quote(value, safe="")

    def path_part(self, rule: Rule, argument: str) -> str:
        converter = rule._converters[argument]  # noqa: SLF001 - the converter's class decides
        kind = type(converter).__name__
        valid = self.ids.get(argument)
        if kind == "SpaceConverter":
            return self.rng.choice(SPACES[:2] * 3 + SPACES)
        if self.rng.random() < 0.4 and valid is not None:
            return quote(str(valid), safe="")
        if "Integer" in kind or "Id" in kind:
            value = self.rng.choice(HUGE_IDS + ODD_NUMBERS + [str(valid or 1)])
            return quote(value, safe="")
        value, encoded = self.malformed()
        if not value:
            value = "x"
        return value if encoded else quote(value, safe="")

    def build(self, rule: Rule, method: str, form_names: list[str]) -> dict[str, Any]:
        path = rule.rule
        for argument in path_arguments(rule):
            part = self.path_part(rule, argument)
            path = re.sub(_placeholder(argument), lambda _m, p=part: p, path)
        query = "&".join(f"{name}={self.value_for(name)}" for name in QUERY_NAMES
                         if self.rng.random() < 0.4)
        request: dict[str, Any] = {"method": method, "path": path, "query_string": query}
        if method == "POST":
            names = list(dict.fromkeys(form_names + self.rng.sample(FIELD_NAMES, 3)))
            pairs = [f"{quote(name)}={self.value_for(name)}" for name in names
                     if self.rng.random() < 0.85]
            request["data"] = "&".join(pairs).encode()
            request["content_type"] = "application/x-www-form-urlencoded"
            shape = self.rng.random()
            if shape < 0.1:  # the same fields as a multipart form, as file-upload forms send
                request["data"] = {key: value for key, value in parse_qsl(
                    "&".join(pairs), keep_blank_values=True, encoding="latin-1")}
                request["content_type"] = "multipart/form-data"
            elif shape < 0.2:  # a body the views never expect
                request["content_type"] = self.rng.choice(
                    ["application/json", "text/plain", "application/x-www-form-urlencoded; "
                     "charset=latin-1", "multipart/form-data; boundary=x"])
        request["headers"] = {"Accept-Language": self.rng.choice(ACCEPT_LANGUAGES)}
        return request


# Each value below goes, on every route, into the paging and ordering arguments, then into every
# other query argument (those are checked first and would hide the rest) and, for a POST, into one
# form field of an otherwise plausible form.
SWEEP_VALUES = [("\x00", False), ("a%00b", True), ("2147483648", False),
                ("9223372036854775808", False), ("²", False), ("1" * 5000, False),
                ("%ff%fe", True), ("/a\nb", False)]


def sweep(fuzzer: Fuzzer, rule: Rule, method: str, form_names: list[str]) -> list[dict]:
    """Requests that each break one thing in a request that is otherwise valid."""
    requests = []
    valid_path = _valid_path(rule, fuzzer.ids)
    for argument in path_arguments(rule) if valid_path else []:
        extra = [("nope", False)] if argument == "space" else [("0", False)]
        for value, encoded in SWEEP_VALUES + extra:
            part = value if encoded else quote(value, safe="")
            path = rule.rule
            for name in path_arguments(rule):
                replacement = part if name == argument else _valid_value(name, fuzzer.ids)
                path = re.sub(_placeholder(name), lambda _m, p=replacement: p, path)
            requests.append({"method": method, "path": path, "query_string": ""})
    if not valid_path:
        return requests
    fields = form_names or FIELD_NAMES
    for value, encoded in SWEEP_VALUES:
        broken = value if encoded else quote(value, safe="")
        requests.append({"method": method, "path": valid_path, "query_string": "&".join(
            f"{name}={broken}" for name in EARLY_NAMES)})
        request: dict[str, Any] = {"method": method, "path": valid_path, "query_string": "&".join(
            f"{name}={broken}" for name in QUERY_NAMES if name not in EARLY_NAMES)}
        if method == "POST":
            target = fuzzer.rng.choice(fields)
            request["data"] = "&".join(
                f"{name}={broken if name == target else quote(plausible(name, fuzzer.ids)[0])}"
                for name in fields).encode()
            request["content_type"] = "application/x-www-form-urlencoded"
        requests.append(request)
    return requests


def _form_names(client: FlaskClient, path: str) -> list[str]:
    """The fields the page's forms declare, so POSTs carry the names the view reads."""
    response = client.get(path)
    if response.status_code != 200 or response.mimetype != "text/html":
        return []
    html = response.get_data(as_text=True)
    return sorted(set(re.findall(r'name="([a-z_]+)"', html)) - {"csrf_token"})


def _valid_value(argument: str, ids: dict[str, Any]) -> str:
    return "aurora" if argument == "space" else quote(str(ids.get(argument, "x")))


def path_arguments(rule: Rule) -> list[str]:
    """The arguments in the rule's path (not those a rule only gives as defaults)."""
    return [argument for argument in rule.arguments
            if argument in rule._converters]  # noqa: SLF001


def _valid_path(rule: Rule, ids: dict[str, Any]) -> str | None:
    path = rule.rule
    for argument in path_arguments(rule):
        if argument != "space" and argument not in ids:
            return None
        value = _valid_value(argument, ids)
        path = re.sub(_placeholder(argument), lambda _m, v=value: v, path)
    return path


def _make_fuzzer(make_user: Any, username: str) -> None:
    """A person with every role in aurora, so the admin and moderator routes are reached."""
    make_user(username, verified=True, locale="en", deployment_admin=True,
              roles=[("city", "aurora", "administrator"), ("city", "aurora", "moderator"),
                     ("city", "aurora", "official")])


def _seed_data(app: Flask, make_user: Any) -> dict[str, Any]:
    from decide.accounts.models import RoleAssignment
    from decide.budgets.execution import ensure_default_statuses
    from decide.cities.models import Geozone
    from decide.extensions import db
    from decide.notifications.models import Notification
    from tests.budgets.helpers import new_budget, new_project
    from tests.debates.helpers import space

    _make_fuzzer(make_user, "fuzzer")
    make_user("someone", verified=True)
    debate_id = new_debate(app, author="someone", tags="trees")
    comment_id = new_comment(app, debate_id, author="someone")
    new_comment(app, debate_id, author="fuzzer", parent_id=comment_id)
    budget = new_budget(app, "aurora", phase="selecting", amounts=(1_000,))
    project_id = new_project(app, budget, "someone", price=400, feasibility="feasible")
    with app.app_context():
        notification = db.session.query(Notification).first()
        assignment = db.session.query(RoleAssignment).first()
        geozone = db.session.query(Geozone).filter_by(space_id=space("aurora").id).first()
        status = ensure_default_statuses(space("aurora"))[0]
        return {
            "debate_id": debate_id, "comment_id": comment_id, "target_id": debate_id,
            "notification_id": notification.id if notification else 1,
            "assignment_id": assignment.id, "target_type": "debate", "username": "someone",
            "locale": "en", "token": "not-a-token", "filename": "css/decide.css",
            "budget_id": budget["id"], "group_id": budget["group"],
            "heading_id": budget["headings"][0], "project_id": project_id,
            "geozone_id": geozone.id, "status_id": status.id, "kind": "accepting",
            "key": "accounts", "slug": "terms",
        }


def _still_signed_in(client: FlaskClient) -> bool:
    return client.get("/accounts/settings").status_code == 200


def _describe(request: dict[str, Any], who: str, outcome: str) -> str:
    body = request.get("data", b"")
    body = (body if isinstance(body, bytes) else repr(body).encode())[:300]
    return (f"{who:9} {request['method']} {request['path'][:200]}?{request['query_string'][:200]}"
            f"{' body=' + repr(body) if body else ''}\n    -> {outcome}")


def _where(error: BaseException) -> str:
    frames = [f for f in traceback.extract_tb(error.__traceback__) if "/decide/" in f.filename]
    last = frames[-1] if frames else traceback.extract_tb(error.__traceback__)[-1]
    return (f"{type(error).__name__}: {str(error).splitlines()[0][:200] if str(error) else ''}"
            f" at {last.filename.split('/decide/')[-1]}:{last.lineno} ({last.line})")


def test_no_route_answers_a_server_error(app: Flask, make_user: Any) -> None:
    ids = _seed_data(app, make_user)
    fuzzer = Fuzzer(app, ids)
    anonymous = app.test_client()
    signed_in = app.test_client()
    assert login(signed_in, "fuzzer").status_code == 302
    rules = sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint))
    failures: list[str] = []
    sent = 0
    started = time.monotonic()
    for rule in rules:
        valid = _valid_path(rule, ids)
        form_names = _form_names(signed_in, valid) if valid and "GET" in rule.methods else []
        for method in sorted((rule.methods or set()) & {"GET", "POST"}):
            for who, client in (("anonymous", anonymous), ("signed-in", signed_in)):
                requests = sweep(fuzzer, rule, method, form_names) + [
                    fuzzer.build(rule, method, form_names) for _ in range(ROUNDS)]
                for request in requests:
                    sent += 1
                    try:
                        response = client.open(**request)
                    except Exception as error:  # noqa: BLE001 - every failure is listed
                        failures.append(_describe(request, who, _where(error)))
                        continue
                    if response.status_code >= 500:
                        failures.append(_describe(request, who, f"HTTP {response.status_code}"))
                if who == "signed-in" and rule.endpoint in (
                        "accounts.logout", "accounts.delete", "accounts.account") \
                        and not _still_signed_in(signed_in):
                    # Signed out or account deleted by a valid request: carry on as a new one.
                    replacement = f"fuzzer{sent}"
                    _make_fuzzer(make_user, replacement)
                    assert login(signed_in, replacement).status_code == 302
    elapsed = time.monotonic() - started
    print(f"fuzz: {sent} requests over {len(rules)} rules in {elapsed:.1f} s, seed {SEED}")
    assert not failures, f"{len(failures)} of {sent} requests failed (seed {SEED}):\n" + \
        "\n".join(failures)


def test_targeted_malformed_inputs(app: Flask, logged_in: Any, make_user: Any) -> None:
    """The inputs the review reproduced, each with its expected answer."""
    client = logged_in("fuzzer", verified=True, locale="en")
    make_user("someone")
    debate_id = new_debate(app, author="someone")
    comment_id = new_comment(app, debate_id, author="someone")
    for huge in ("2147483648", "9223372036854775808", "1" * 5000, "²", "0"):
        for path in (f"/aurora/debates/{huge}", f"/aurora/debates/{huge}/history",
                     f"/aurora/comments/{huge}", f"/notifications/{huge}"):
            assert client.get(path).status_code == 404, path
        assert client.post(f"/aurora/debates/{huge}/vote", data={"value": "agree"}
                           ).status_code == 404
    comment_url = f"/aurora/comments/debate/{debate_id}"
    for parent, status in (("2147483648", 404), ("9223372036854775808", 404), ("²", 400),
                           ("-1", 400), ("1" * 5000, 404), ("abc", 400)):
        response = client.post(comment_url, data={"body": "Hello", "parent_id": parent})
        assert response.status_code == status, parent
    assert client.post(comment_url, data={"body": "Hello", "parent_id": str(comment_id)}
                       ).status_code == 303
    for page in ("²", "-1", "1" * 5000, "١"):
        assert client.get("/aurora/debates/", query_string={"page": page}).status_code == 400
    for url in ("/aurora/debates/?tag=a%00b", "/aurora/debates/?geozone=%00",
                "/users/a%00b", "/aurora/search?q=%00"):
        response = client.get(url)
        assert response.status_code == 400, url
        assert "control characters" in response.get_data(as_text=True)
    for data in ({"body": "a\x00b"}, {"title": "x", "description": "\x00"}):
        assert client.post(comment_url, data=data).status_code == 400
    # Text with tabs and new lines is text, not an attack.
    assert client.post(comment_url, data={"body": "Line one\r\n\tLine two"}
                       ).status_code == 303
    anonymous = app.test_client()
    response = anonymous.post("/accounts/login", data={"identifier": "a\x00", "password": "x"})
    assert response.status_code == 400
