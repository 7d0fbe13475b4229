"""Supports (or debate votes) per second, through HTTP and against a raw psycopg loop.

Through HTTP (gunicorn, real sessions and CSRF tokens) and, beside it, a raw psycopg loop doing
the same writes (the write limit), then a consistency check.

Usage (PostgreSQL only; see bench/README.md):
    createdb -h 127.0.0.1 -U postgres bench_sup
    python3 bench/supports.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_sup
    python3 bench/supports.py --kind votes --database-url ...    # debate votes instead

On a database without the bench's residents or items it first runs `decide db upgrade`,
`decide config load` and `decide bench generate` (proposals with supports, or debates; verified
residents), then:
1. starts gunicorn (sync workers) on 127.0.0.1 and signs in --residents distinct verified
   residents, keeping each one's cookies and the CSRF token of the item page's form;
2. `--clients` client threads POST /<city>/proposals/<id>/support (or /<city>/debates/<id>/vote
   with value=agree|disagree) for distinct (person, item) pairs, until --max-writes or
   --seconds; a 303 is a counted write;
3. the same number of threads on their own psycopg connections insert the row and update the
   item's counters, one transaction per write, on other pairs;
4. checks that rows equal successful responses (and committed raw transactions) and that every
   item's counters agree with its rows, and exits 1 if not.
Every figure is printed with the load average and the machine's CPU use during it, since the
client, the server and PostgreSQL share the same cores.
"""

from __future__ import annotations

import argparse
import collections
import http.client
import json
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from decide.benchdata import BENCH_PASSWORD, RESIDENT_PREFIX  # noqa: E402
from decide.core.scoring import (  # noqa: E402
    HOT_EPOCH,
    HOT_TIME_UNIT,
    WILSON_Z,
    hot_score,
    wilson_lower_bound,
)

CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@dataclass
class Resident:
    user_id: int
    username: str
    cookie: str = ""
    csrf_token: str = ""


# One write to measure: (who, on which item, the form's choice or "").
Pair = tuple[Resident, int, str]


@dataclass(frozen=True)
class Kind:
    """What one kind of write is, for both phases and the check."""

    name: str                  # plural, as printed: "supports", "votes"
    items: str                 # the items' table and URL segment: "proposals", "debates"
    action: str                # POST /<city>/<items>/<id>/<action>
    form: re.Pattern[str]      # the action's form on the item page (the CSRF token's page)
    field: str                 # the form field carrying the choice ("" for none)
    choices: tuple[str, ...]   # a pair's choice is one of these, at random
    rows: str                  # the table with one row per (item, person)
    item_column: str           # its column naming the item
    targets: str               # SQL: ids of open items of the city (%(space)s, %(months)s)
    # The raw loop's statements for one write (item, user, choice), run in one transaction.
    raw: Callable[[int, int, str], list[tuple[str, tuple[Any, ...]]]]
    # SQL: (id, counter - rows, ...) of every item whose counters differ from its rows.
    drift: str
    # True: counters must equal rows everywhere (the generator keeps them so). False: the
    # generator invents counters without rows, so they must only move by the rows added.
    counters_equal_rows: bool
    generate: Callable[[argparse.Namespace], list[str]]  # `bench generate` options for items

    @property
    def noun(self) -> str:
        return self.name.removesuffix("s")


def _support_raw(proposal_id: int, user_id: int,
                 _choice: str) -> list[tuple[str, tuple[Any, ...]]]:
    return [("INSERT INTO proposal_supports (proposal_id, user_id, value, created_at)"
             " VALUES (%s, %s, 1, now())", (proposal_id, user_id)),
            ("UPDATE proposals SET supports_count = supports_count + 1 WHERE id = %s",
             (proposal_id,))]


def _vote_update(column: str) -> str:
    """The counter and, in the same statement, what the app's rescore writes after it
    (last activity, Wilson confidence, hot score: decide.core.scoring's formulas in SQL)."""
    agree = "(votes_agree + 1)" if column == "votes_agree" else "votes_agree"
    disagree = "(votes_disagree + 1)" if column == "votes_disagree" else "votes_disagree"
    n = f"({agree} + {disagree})::float8"
    p = f"({agree}::float8 / {n})"
    z, z2 = repr(WILSON_Z), repr(WILSON_Z * WILSON_Z)
    wilson = (f"(({p} + {z2} / (2 * {n}) - {z} * sqrt(({p} * (1 - {p}) + {z2} / (4 * {n}))"
              f" / {n})) / (1 + {z2} / {n}))")
    hot = (f"(log((1 + {agree} + {disagree} + 2 * greatest(comments_count, 0))::float8)"
           f" + (extract(epoch FROM now())::float8 - {HOT_EPOCH.timestamp()!r})"
           f" / {HOT_TIME_UNIT})")
    # The ORM's flush of the rescore also moves updated_at (TimestampMixin's onupdate).
    return (f"UPDATE debates SET {column} = {column} + 1, "
            f"last_activity_at = now() AT TIME ZONE 'UTC', "
            f"updated_at = now() AT TIME ZONE 'UTC', confidence_score = {wilson}, "
            f"hot_score = {hot} WHERE id = %s")


VOTE_UPDATES = {"agree": _vote_update("votes_agree"),
                "disagree": _vote_update("votes_disagree")}


def _vote_raw(debate_id: int, user_id: int, choice: str) -> list[tuple[str, tuple[Any, ...]]]:
    """A verified resident's new vote in a city: the row (voter_city_id only in alliances,
    votes_unverified unmoved) and the debate's update."""
    return [("INSERT INTO debate_votes (debate_id, user_id, agree, verified, voter_city_id, "
             "created_at, updated_at) VALUES (%s, %s, %s, true, NULL, "
             "now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC')",
             (debate_id, user_id, choice == "agree")),
            (VOTE_UPDATES[choice], (debate_id,))]


KINDS = {
    "supports": Kind(
        name="supports", items="proposals", action="support",
        form=re.compile(r'action="[^"]*/proposals/\d+/support"'), field="", choices=("",),
        rows="proposal_supports", item_column="proposal_id",
        targets="SELECT id FROM proposals WHERE space_id = %(space)s "
                "AND published_at IS NOT NULL "
                "AND published_at > now() - make_interval(days => 30 * %(months)s - 2) "
                "AND successful_at IS NULL AND retired_at IS NULL AND hidden_at IS NULL "
                "ORDER BY id",
        raw=_support_raw,
        drift="SELECT p.id, p.supports_count - COALESCE(s.n, 0) FROM proposals p "
              "LEFT JOIN (SELECT proposal_id, count(*) AS n FROM proposal_supports "
              "GROUP BY proposal_id) s ON s.proposal_id = p.id "
              "WHERE p.supports_count <> COALESCE(s.n, 0)",
        counters_equal_rows=True,
        generate=lambda args: ["--debates", "0", "--proposals", str(args.proposals),
                               "--supports", str(args.supports)]),
    "votes": Kind(
        name="votes", items="debates", action="vote",
        form=re.compile(r'action="[^"]*/debates/\d+/vote"'), field="value",
        choices=("agree", "disagree"), rows="debate_votes", item_column="debate_id",
        targets="SELECT id FROM debates WHERE space_id = %(space)s AND hidden_at IS NULL "
                "ORDER BY id",
        raw=_vote_raw,
        drift="SELECT * FROM (SELECT d.id, d.votes_agree - COALESCE(v.agree, 0) AS agree, "
              "d.votes_disagree - COALESCE(v.disagree, 0) AS disagree, "
              "d.votes_unverified - COALESCE(v.unverified, 0) AS unverified FROM debates d "
              "LEFT JOIN (SELECT debate_id, count(*) FILTER (WHERE agree) AS agree, "
              "count(*) FILTER (WHERE NOT agree) AS disagree, "
              "count(*) FILTER (WHERE NOT verified) AS unverified FROM debate_votes "
              "GROUP BY debate_id) v ON v.debate_id = d.id) x "
              "WHERE (agree, disagree, unverified) <> (0, 0, 0)",
        counters_equal_rows=False,
        generate=lambda args: ["--debates", str(args.debates), "--comments", "0",
                               "--comments-per-debate", "0"]),
}


@dataclass
class Phase:
    """What one measured phase did."""

    name: str
    done: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    statuses: collections.Counter[str] = field(default_factory=collections.Counter)
    load_before: float = 0.0
    load_after: float = 0.0
    cpu_busy: float = 0.0
    cpu_seconds: dict[str, float] = field(default_factory=dict)

    def cpu_ms_per_write(self) -> float:
        return 1000 * sum(self.cpu_seconds.values()) / self.done if self.done else 0.0

    @property
    def rate(self) -> float:
        return self.done / self.seconds if self.seconds else 0.0

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return 0.0
        if share == 0.5:
            return 1000 * statistics.median(ordered)
        return 1000 * ordered[int(share * (len(ordered) - 1))]


def process_cpu(pid: int) -> float:
    """User + system CPU seconds a process used so far (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children_of(parent: int) -> list[int]:
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rpartition(")")[2].split()[1]) == parent:
                pids.append(int(stat.parent.name))
        except (OSError, ValueError):
            continue
    return pids


def backends_of(dsn: str) -> list[int]:
    """PostgreSQL server processes serving the bench's database (other than this query's)."""
    with psycopg.connect(dsn) as conn:
        return [row[0] for row in conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()")]


class CpuMeter:
    """CPU seconds of named groups of processes over a phase. Unlike req/s, CPU per write
    hardly depends on what else the shared machine runs, so it says what 2 idle cores would
    reach."""

    def __init__(self, groups: dict[str, Callable[[], list[int]]]) -> None:
        self.groups = groups
        self.start: dict[str, dict[int, float]] = {}
        self.used: dict[str, float] = {}

    def begin(self) -> None:
        self.start = {name: {pid: process_cpu(pid) for pid in find()}
                      for name, find in self.groups.items()}
        self.client_start = sum(os.times()[:2])

    def end(self) -> None:
        for name, find in self.groups.items():
            pids = set(find()) | set(self.start[name])
            self.used[name] = sum(process_cpu(pid) - self.start[name].get(pid, 0.0)
                                  for pid in pids if process_cpu(pid))
        self.used["client"] = sum(os.times()[:2]) - self.client_start


def _cpu_times() -> tuple[int, int]:
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields) - idle, sum(fields)


@contextmanager
def measured(phase: Phase) -> Iterator[None]:
    phase.load_before = os.getloadavg()[0]
    busy0, total0 = _cpu_times()
    began = time.monotonic()
    yield
    phase.seconds = time.monotonic() - began
    busy1, total1 = _cpu_times()
    phase.cpu_busy = 100 * (busy1 - busy0) / max(1, total1 - total0)
    phase.load_after = os.getloadavg()[0]


def _cookies_from(response: http.client.HTTPResponse, jar: dict[str, str]) -> None:
    for header in response.headers.get_all("Set-Cookie") or []:
        parsed = SimpleCookie()
        parsed.load(header)
        for name, morsel in parsed.items():
            jar[name] = morsel.value


def _header(jar: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in jar.items())


def sign_in(port: int, city: str, kind: Kind, item_id: int, resident: Resident) -> None:
    """The browser's way: the login form (cookie + token), the POST, then an item page for
    the support or vote form's CSRF token."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    jar: dict[str, str] = {}
    headers = {"Accept-Language": "es"}
    conn.request("GET", "/accounts/login", headers=headers)
    response = conn.getresponse()
    page = response.read().decode()
    _cookies_from(response, jar)
    token = CSRF_FIELD.search(page)
    if response.status != 200 or token is None:
        raise SystemExit(f"login form: HTTP {response.status}, no CSRF token")
    body = urlencode({"identifier": resident.username, "password": BENCH_PASSWORD,
                      "csrf_token": token.group(1)})
    conn.request("POST", "/accounts/login", body=body, headers={
        **headers, "Cookie": _header(jar), "Content-Type": "application/x-www-form-urlencoded"})
    response = conn.getresponse()
    response.read()
    _cookies_from(response, jar)
    if response.status != 302:
        raise SystemExit(f"signing in {resident.username}: HTTP {response.status}")
    conn.request("GET", f"/{city}/{kind.items}/{item_id}",
                 headers={**headers, "Cookie": _header(jar)})
    response = conn.getresponse()
    page = response.read().decode()
    _cookies_from(response, jar)
    token = CSRF_FIELD.search(page)
    if response.status != 200 or token is None or not kind.form.search(page):
        raise SystemExit(f"{resident.username} sees no {kind.noun} form on /{city}/{kind.items}/"
                         f"{item_id} (HTTP {response.status}): is the resident verified?")
    conn.close()
    resident.cookie, resident.csrf_token = _header(jar), token.group(1)


def sign_in_all(port: int, city: str, kind: Kind, item_id: int, residents: list[Resident],
                saved: Path) -> None:
    """Sign every resident in (8 at a time: each is a scrypt check), or reuse the sessions a
    previous run opened on this database when they still show the form."""
    known = json.loads(saved.read_text()) if saved.exists() else {}
    if all(r.username in known for r in residents):
        for resident in residents:
            resident.cookie, resident.csrf_token = known[resident.username]
        if all(_still_signed_in(port, city, kind, item_id, r) for r in residents[:5]):
            print(f"{len(residents)} residents: sessions of a previous run reused", flush=True)
            return
    began = time.monotonic()
    queue = iter(residents)
    lock = threading.Lock()

    def signer(_: int) -> None:
        while True:
            with lock:
                resident = next(queue, None)
            if resident is None:
                return
            sign_in(port, city, kind, item_id, resident)

    run_threads(8, signer)
    saved.parent.mkdir(parents=True, exist_ok=True)
    saved.write_text(json.dumps({r.username: [r.cookie, r.csrf_token] for r in residents}))
    print(f"{len(residents)} residents signed in in {time.monotonic() - began:.0f} s "
          f"(scrypt password checks)", flush=True)


def _still_signed_in(port: int, city: str, kind: Kind, item_id: int,
                     resident: Resident) -> bool:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", f"/{city}/{kind.items}/{item_id}", headers={"Cookie": resident.cookie})
    response = conn.getresponse()
    page = response.read().decode()
    conn.close()
    return response.status == 200 and bool(kind.form.search(page))


def run_threads(count: int, work: Callable[[int], None]) -> None:
    threads = [threading.Thread(target=work, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def http_phase(port: int, city: str, kind: Kind, pairs: list[Pair], clients: int,
               seconds: float, meter: CpuMeter) -> Phase:
    phase = Phase("HTTP (gunicorn)")
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(n: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        latencies: list[float] = []
        statuses: collections.Counter[str] = collections.Counter()
        for resident, item_id, choice in pairs[n::clients]:
            if time.monotonic() >= deadline:
                break
            form = {"csrf_token": resident.csrf_token}
            if kind.field:
                form[kind.field] = choice
            body = urlencode(form)
            started = time.perf_counter()
            try:
                conn.request("POST", f"/{city}/{kind.items}/{item_id}/{kind.action}", body=body,
                             headers={"Cookie": resident.cookie, "Accept-Language": "es",
                                      "Content-Type": "application/x-www-form-urlencoded"})
                response = conn.getresponse()
                response.read()
                status = str(response.status)
            except (http.client.HTTPException, OSError) as error:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                status = type(error).__name__
            latencies.append(time.perf_counter() - started)
            statuses[status] += 1
        with lock:
            phase.latencies.extend(latencies)
            phase.statuses.update(statuses)

    meter.begin()
    with measured(phase):
        run_threads(clients, client)
    meter.end()
    phase.cpu_seconds = meter.used
    phase.done = phase.statuses["303"]
    return phase


def raw_phase(dsn: str, kind: Kind, pairs: list[Pair], clients: int, seconds: float) -> Phase:
    """The write limit: the same row and counters, one transaction per write, no app."""
    phase = Phase("raw psycopg")
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    backend_cpu: list[float] = []

    def client(n: int) -> None:
        latencies: list[float] = []
        statuses: collections.Counter[str] = collections.Counter()
        with psycopg.connect(dsn) as conn:
            backend = conn.info.backend_pid
            started_cpu = process_cpu(backend)
            for resident, item_id, choice in pairs[n::clients]:
                if time.monotonic() >= deadline:
                    break
                started = time.perf_counter()
                try:
                    for statement, params in kind.raw(item_id, resident.user_id, choice):
                        conn.execute(statement, params)
                    conn.commit()
                    statuses["committed"] += 1
                except psycopg.Error as error:
                    conn.rollback()
                    statuses[type(error).__name__] += 1
                latencies.append(time.perf_counter() - started)
            used = process_cpu(backend) - started_cpu
        with lock:
            phase.latencies.extend(latencies)
            phase.statuses.update(statuses)
            backend_cpu.append(used)

    client_start = sum(os.times()[:2])
    with measured(phase):
        run_threads(clients, client)
    phase.cpu_seconds = {"postgres": sum(backend_cpu),
                         "client": sum(os.times()[:2]) - client_start}
    phase.done = phase.statuses["committed"]
    return phase


def setup_if_needed(args: argparse.Namespace, kind: Kind, env: dict[str, str],
                    dsn: str) -> None:
    """Generate what is missing (once per database): the schema, the bench's residents, the
    items of the kind measured."""
    with psycopg.connect(dsn) as conn:
        schema = conn.execute("SELECT to_regclass('proposals') IS NOT NULL").fetchone()[0]
        residents = items = 0
        if schema:
            residents = conn.execute("SELECT count(*) FROM users WHERE username LIKE %s",
                                     (RESIDENT_PREFIX + "%",)).fetchone()[0]
            items = conn.execute(f"SELECT count(*) FROM {kind.items}").fetchone()[0]
    if residents >= args.residents and items >= 2:
        return
    print("generating data (once per database) ...", flush=True)
    decide = [sys.executable, "-m", "decide"]
    commands = [] if schema else [["db", "upgrade"], ["config", "load"]]
    commands.append(["bench", "generate", "--space", args.city,
                     "--residents", str(max(0, args.residents - residents)),
                     *(kind.generate(args) if items < 2 else ["--debates", "0"])])
    for command in commands:
        subprocess.run(decide + command, cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")  # as autovacuum would after a bulk load


def load_targets(dsn: str, kind: Kind, city: str,
                 wanted: int) -> tuple[list[Resident], list[int]]:
    """Verified residents of the city (the bench's accounts) and its open items."""
    with psycopg.connect(dsn) as conn:
        space_id, months = conn.execute(
            "SELECT id, COALESCE((settings->>'months_to_archive')::int, 12) FROM spaces "
            "WHERE slug = %s AND kind = 'city'", (city,)).fetchone()
        residents = [Resident(user_id, username) for user_id, username in conn.execute(
            "SELECT u.id, u.username FROM users u JOIN residences r ON r.user_id = u.id "
            "WHERE r.city_id = %s AND u.username LIKE %s ORDER BY u.id LIMIT %s",
            (space_id, RESIDENT_PREFIX + "%", wanted))]
        items = [row[0] for row in conn.execute(kind.targets,
                                                {"space": space_id, "months": months})]
    return residents, items


def fresh_pairs(dsn: str, kind: Kind, residents: list[Resident], items: list[int], count: int,
                rng: random.Random) -> list[Pair]:
    """`count` (resident, item, choice) triples on pairs nobody used yet, shuffled so that
    concurrent writes mostly land on different items (one hot item would serialise on its
    row lock, in the app and in the raw loop alike)."""
    with psycopg.connect(dsn) as conn:
        used = set(conn.execute(
            f"SELECT user_id, {kind.item_column} FROM {kind.rows} WHERE user_id = ANY(%s)",
            ([r.user_id for r in residents],)).fetchall())
    # Enough items for `count` pairs with room to spare, not all 100,000 of them.
    wanted = min(len(items), max(1_000, 4 * count // max(1, len(residents))))
    chosen = rng.sample(items, wanted)
    pairs = [(r, i) for i in chosen for r in residents if (r.user_id, i) not in used]
    rng.shuffle(pairs)
    if len(pairs) < count:
        raise SystemExit(f"only {len(pairs)} unused (resident, {kind.noun} target) pairs: "
                         f"generate more {kind.items} or residents")
    return [(r, i, rng.choice(kind.choices)) for r, i in pairs[:count]]


def rows_of(dsn: str, kind: Kind, pairs: list[Pair]) -> int:
    with psycopg.connect(dsn) as conn:
        return conn.execute(
            f"SELECT count(*) FROM {kind.rows} s JOIN unnest(%s::int[], %s::int[]) "
            f"AS p(user_id, {kind.item_column}) USING (user_id, {kind.item_column})",
            ([r.user_id for r, _, _ in pairs], [i for _, i, _ in pairs])).fetchone()[0]


def drift_of(dsn: str, kind: Kind) -> dict[int, tuple[int, ...]]:
    """item id -> counters minus rows, for every item where they differ."""
    with psycopg.connect(dsn) as conn:
        return {row[0]: tuple(row[1:]) for row in conn.execute(kind.drift)}


def counter_mismatches(kind: Kind, before: dict[int, tuple[int, ...]],
                       after: dict[int, tuple[int, ...]]) -> list[tuple[int, Any, Any]]:
    """Items whose counters moved other than by their rows during the run (or, where the
    generator keeps counters equal to rows, items where they differ at all)."""
    baseline = {} if kind.counters_equal_rows else before
    return sorted((item, baseline.get(item), after.get(item))
                  for item in set(baseline) | set(after)
                  if baseline.get(item) != after.get(item))


def scores_off(dsn: str, kind: Kind, pairs: list[Pair]) -> list[int]:
    """Debates voted on in this run (every pair was unused before it) whose stored scores are
    not decide.core.scoring's of their stored counters and last activity: the raw loop's SQL
    must write what the app's rescore writes."""
    if kind.name != "votes":
        return []
    with psycopg.connect(dsn) as conn:
        rows = conn.execute(
            "SELECT id, votes_agree, votes_disagree, comments_count, last_activity_at, "
            "confidence_score, hot_score FROM debates WHERE id IN (SELECT v.debate_id "
            "FROM debate_votes v JOIN unnest(%s::int[], %s::int[]) AS p(user_id, debate_id) "
            "USING (user_id, debate_id))",
            ([r.user_id for r, _, _ in pairs], [i for _, i, _ in pairs])).fetchall()
    off = []
    for item, agree, disagree, comments, activity, confidence, hot in rows:
        activity = activity.replace(tzinfo=HOT_EPOCH.tzinfo)  # stored as naive UTC
        if (abs(confidence - wilson_lower_bound(agree, disagree)) > 1e-9
                or abs(hot - hot_score(agree + disagree, comments, activity)) > 1e-6):
            off.append(item)
    return off


def profile(master_pid: int, seconds: float, output: Path) -> subprocess.Popen[bytes]:
    """py-spy on every gunicorn worker while the HTTP phase runs (raw collapsed stacks)."""
    return subprocess.Popen(
        ["py-spy", "record", "--pid", str(master_pid), "--subprocesses", "--duration",
         str(int(seconds)), "--rate", "250", "--format", "raw", "--output", str(output)],
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)


def summarise_profile(path: Path, top: int = 25) -> None:
    """Where the workers' time went: by package (the innermost frame's) and by function
    (inclusive, the app's own and its libraries')."""
    own: collections.Counter[str] = collections.Counter()
    inclusive: collections.Counter[str] = collections.Counter()
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        count = int(count_text)
        frames = stack.split(";")
        total += count
        own[_package(frames[-1])] += count
        for frame in set(frames):
            if "(decide/" in frame or f"({ROOT}/decide/" in frame:  # the app's own code
                inclusive[_short(frame)] += count
    if not total:
        print("py-spy recorded nothing (ptrace not permitted?)")
        return
    print(f"\nprofile of the gunicorn workers, {total} samples (self time by package):")
    for package, count in own.most_common(12):
        print(f"  {100 * count / total:5.1f}%  {package}")
    print("inclusive time by function of the app (waiting for PostgreSQL included: it shows "
          "as psycopg's connection.py above):")
    for frame, count in inclusive.most_common(top):
        print(f"  {100 * count / total:5.1f}%  {frame}")


def _package(frame: str) -> str:
    match = re.search(r"\((.*?):\d+\)", frame)
    path = match.group(1) if match else frame
    if "site-packages/" in path:
        return path.split("site-packages/")[1].split("/")[0].removesuffix(".py")
    if str(ROOT) in path or path.startswith("decide/"):
        return "decide: " + path.split("decide/", 1)[-1]
    if "/" in path and not path.startswith(("/", "<")):  # py-spy names modules by package
        return path.split("/")[0]
    return "python: " + Path(path).name


def _short(frame: str) -> str:
    return frame.replace(str(ROOT) + "/", "").replace("site-packages/", "")


def report(kind: Kind, phases: list[Phase], clients: int, workers: int) -> None:
    print(f"\n{kind.name}: {clients} concurrent clients; gunicorn {workers} sync workers; "
          f"{os.cpu_count()} cores shared by the clients, gunicorn and PostgreSQL")
    print(f"{'phase':<16} {kind.name:>9} {'s':>6} {kind.name + '/s':>11} {'p50 ms':>8} "
          f"{'p95 ms':>8} {'load 1m':>15} {'CPU busy':>9}  outcomes")
    for p in phases:
        outcomes = ", ".join(f"{k}: {v}" for k, v in sorted(p.statuses.items()))
        print(f"{p.name:<16} {p.done:>9} {p.seconds:>6.1f} {p.rate:>11.1f} "
              f"{p.percentile(0.5):>8.1f} {p.percentile(0.95):>8.1f} "
              f"{p.load_before:>6.2f} -> {p.load_after:>5.2f} {p.cpu_busy:>8.0f}%  {outcomes}")
    app, raw = phases
    if raw.rate:
        print(f"HTTP / raw: {app.rate / raw.rate:.3f}")
    cores = os.cpu_count() or 1
    print(f"CPU per {kind.noun} (ms), and what the cores would sustain if they ran nothing "
          f"else:")
    for p in phases:
        if not p.done:
            continue
        parts = ", ".join(f"{name} {1000 * used / p.done:.2f}"
                          for name, used in p.cpu_seconds.items())
        total = p.cpu_ms_per_write()
        print(f"  {p.name:<16} {total:6.2f} ms ({parts}) -> about "
              f"{1000 * cores / total:,.0f} {kind.name}/s on {cores} idle cores")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True,
                        help="postgresql+psycopg://... of a database of the bench's own")
    parser.add_argument("--kind", choices=sorted(KINDS), default="supports",
                        help="proposal supports, or debate votes (agree/disagree at random)")
    parser.add_argument("--city", default="madrid")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=5,
                        help="gunicorn sync workers (README: 2 x cores + 1)")
    parser.add_argument("--residents", type=int, default=400,
                        help="distinct verified residents signed in before measuring")
    parser.add_argument("--max-writes", "--max-supports", dest="max_writes", type=int,
                        default=15_000, help="supports or votes per phase, at most")
    parser.add_argument("--seconds", type=float, default=20, help="at most, per phase")
    parser.add_argument("--proposals", type=int, default=2_000, help="generated once")
    parser.add_argument("--supports", type=int, default=200_000, help="generated once")
    parser.add_argument("--debates", type=int, default=3_000,
                        help="generated once (--kind votes), without comments")
    parser.add_argument("--port", type=int, default=5078)
    parser.add_argument("--instance", default=None,
                        help="instance folder; by default /tmp/decide-bench-supports-<database>")
    parser.add_argument("--profile", action="store_true",
                        help="record the workers with py-spy during the HTTP phase")
    parser.add_argument("--seed", type=int, default=None,
                        help="pairs' order; by default a new one each run")
    args = parser.parse_args()
    if not args.database_url.startswith("postgresql"):
        raise SystemExit("this benchmark measures PostgreSQL: --database-url postgresql+psycopg://")
    dsn = args.database_url.replace("postgresql+psycopg://", "postgresql://")
    if args.instance is None:  # one per database: it keeps that database's sessions
        args.instance = f"/tmp/decide-bench-supports-{dsn.rpartition('/')[2].split('?')[0]}"
    env = dict(os.environ, DECIDE_DATABASE_URL=args.database_url,
               DECIDE_INSTANCE_PATH=args.instance, DECIDE_RATELIMIT_ENABLED="false",
               DECIDE_SECRET_KEY="bench", DECIDE_SESSION_COOKIE_SECURE="false")
    kind = KINDS[args.kind]
    setup_if_needed(args, kind, env, dsn)
    rng = random.Random(args.seed)
    residents, items = load_targets(dsn, kind, args.city, args.residents)
    if len(residents) < args.residents or len(items) < 2:
        raise SystemExit(f"{len(residents)} residents and {len(items)} open {kind.items}: "
                         f"regenerate (see bench/README.md)")
    # The first item's page gives the CSRF tokens (nobody writes on it, so its form stays);
    # the others are split between the phases, so that their rows can be told apart.
    page, targets = items[0], items[1:]
    half = len(targets) // 2
    app_pairs = fresh_pairs(dsn, kind, residents, targets[:half], args.max_writes, rng)
    raw_pairs = fresh_pairs(dsn, kind, residents, targets[half:], args.max_writes, rng)
    rows_before = rows_of(dsn, kind, app_pairs), rows_of(dsn, kind, raw_pairs)
    drift_before = {} if kind.counters_equal_rows else drift_of(dsn, kind)

    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(args.workers), "--bind",
         f"127.0.0.1:{args.port}", "--log-level", "warning", "decide:create_app()"],
        cwd=ROOT, env=env)
    try:
        wait_until_up(args.port)
        sign_in_all(args.port, args.city, kind, page, residents,
                    Path(args.instance) / "sessions.json")
        spy = None
        if args.profile:
            spy = profile(server.pid, args.seconds, Path(args.instance) / "profile.txt")
            time.sleep(1)  # py-spy attaches
        meter = CpuMeter({"gunicorn": lambda: children_of(server.pid),
                          "postgres": lambda: backends_of(dsn)})
        app = http_phase(args.port, args.city, kind, app_pairs, args.clients, args.seconds,
                         meter)
        if spy is not None:
            spy.wait(timeout=args.seconds + 60)
    finally:
        server.terminate()
        server.wait(timeout=30)
    time.sleep(3)  # let the server's exit settle before the raw loop
    raw = raw_phase(dsn, kind, raw_pairs, args.clients, args.seconds)
    report(kind, [app, raw], args.clients, args.workers)
    if args.profile:
        summarise_profile(Path(args.instance) / "profile.txt")

    app_rows = rows_of(dsn, kind, app_pairs) - rows_before[0]
    raw_rows = rows_of(dsn, kind, raw_pairs) - rows_before[1]
    mismatches = counter_mismatches(kind, drift_before, drift_of(dsn, kind))
    off = scores_off(dsn, kind, app_pairs + raw_pairs)
    counters = ("whose counters differ from their rows" if kind.counters_equal_rows else
                "whose counters moved other than by the rows added")
    print(f"\ncheck: {app_rows} rows for {app.done} successful responses; {raw_rows} rows for "
          f"{raw.done} raw commits; {len(mismatches)} {kind.items} {counters}"
          + (f"; {len(off)} {kind.items} whose scores are not their counters'"
             if kind.name == "votes" else ""))
    if app_rows != app.done or raw_rows != raw.done or mismatches or off:
        print(f"INCONSISTENT: (id, counters - rows before, after) {mismatches[:20]}; "
              f"scores off: {off[:20]}", file=sys.stderr)
        raise SystemExit(1)


def wait_until_up(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/health")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("the server did not start")


if __name__ == "__main__":
    main()
