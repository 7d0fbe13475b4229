"""Each page's speed as a ratio to the limit: the same bytes served from memory by the same
gunicorn.

Usage (after `decide bench generate`, see bench/README.md):
    python3 bench/run.py --database-url sqlite:////abs/path/decide.db --debate-id 1

It starts gunicorn (2 sync workers by default, as in the issue's measurements) on 127.0.0.1
serving `bench/limit_app.py`: Decide, and beside it `/__limit__/<name>`, which answers with
the exact status, headers and body Decide gave for that page (fetched once before measuring,
then served from each worker's memory). For every page it then alternates runs of the app and
of its limit (app, limit, app, limit, ...; `--rounds`), each `--seconds` long, and prints
req/s, p50/p95/p99 latency and the 1-minute load average before each run, and the ratio
app / limit of each round. Load comes from `wrk` when it is installed (`-t2 -c16` by default),
else from a pool of Python client threads (slower: the limit is then the client's). The machine
is usually shared, so read the ratios, not the absolute figures. Only loopback is used.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
LIMIT_PREFIX = "/__limit__/"
HEADERS = {"Accept-Language": "es"}
# wrk prints its summary through this script: one JSON line with the percentiles we report.
WRK_SCRIPT = """
wrk.headers["Accept-Language"] = "es"
-- COOKIE
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %d, "seconds": %f, "errors": %d, "non2xx": %d, ' ..
    '"p50": %f, "p95": %f, "p99": %f}\\n',
    summary.requests, summary.duration / 1e6, e.connect + e.read + e.write + e.timeout,
    e.status, latency:percentile(50) / 1e3, latency:percentile(95) / 1e3,
    latency:percentile(99) / 1e3))
end
"""


@dataclass
class Run:
    requests: int
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: int
    load: float  # 1-minute load average just before the run


def load_average() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def wait_until_up(server: subprocess.Popen, port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and server.poll() is None:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/health")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("the server did not start")


def fetch(port: int, path: str, cookie: str = "") -> tuple[int, str, list[tuple[str, str]],
                                                            bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", path, headers={**HEADERS, **({"Cookie": cookie} if cookie else {})})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, response.reason, response.getheaders(), body


def first_resident(database_url: str) -> str:
    """The first account `decide bench generate --residents N` made, or "" when none."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    with engine.connect() as conn:
        name = conn.execute(text("SELECT username FROM users WHERE username LIKE 'benchres%' "
                                 "ORDER BY id LIMIT 1")).scalar()
    engine.dispose()
    if name is None:
        print("no bench resident to sign in with: signed-out pages only "
              "(`decide bench generate --residents 1` makes one)")
    return name or ""


def sign_in(port: int, username: str, password: str) -> str:
    """The browser's way (the form's cookie and CSRF token, then the POST): the Cookie header
    of the signed-in session."""
    jar: dict[str, str] = {}

    def keep(headers: list[tuple[str, str]]) -> None:
        for name, value in headers:
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                jar[key] = rest.split(";", 1)[0]

    status, _, headers, body = fetch(port, "/accounts/login")
    keep(headers)
    token = re.search(rb'name="csrf_token" value="([^"]+)"', body)
    if status != 200 or token is None:
        raise SystemExit("the sign-in form did not load")
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    form = urlencode({"identifier": username, "password": password,
                      "csrf_token": token.group(1).decode()})
    conn.request("POST", "/accounts/login", body=form, headers={
        **HEADERS, "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())})
    response = conn.getresponse()
    response.read()
    keep(response.getheaders())
    conn.close()
    if response.status not in (302, 303):
        raise SystemExit(f"signing in as {username} answered {response.status}: run "
                         "`decide bench generate --residents 1` (or more) first")
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def save_limit_page(folder: Path, name: str, port: int, path: str, cookie: str = "") -> int:
    """Fetch a page from Decide and store it for the limit app; its size in bytes."""
    status, reason, headers, body = fetch(port, path, cookie)
    if status != 200:
        raise SystemExit(f"{path} answered {status}: fix the data or the options first")
    (folder / f"{name}.body").write_bytes(body)
    (folder / f"{name}.json").write_text(json.dumps({"status": f"{status} {reason}",
                                                     "headers": headers}))
    return len(body)


def wrk_load(port: int, path: str, seconds: float, threads: int, connections: int,
             script: Path) -> Run:
    load = load_average()
    done = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s",
         "--timeout", "30s", "-s", str(script), f"http://127.0.0.1:{port}{path}"],
        capture_output=True, text=True)
    match = re.search(r"^RESULT (.*)$", done.stdout, re.MULTILINE)
    if match is None:
        raise SystemExit(f"unexpected wrk output:\n{done.stdout}{done.stderr}")
    r = json.loads(match.group(1))
    return Run(requests=r["requests"], rps=r["requests"] / r["seconds"], p50_ms=r["p50"],
               p95_ms=r["p95"], p99_ms=r["p99"], errors=r["errors"] + r["non2xx"], load=load)


def python_load(port: int, path: str, seconds: float, clients: int, cookie: str = "") -> Run:
    """Without wrk: client threads, one request at a time each (a new connection per request,
    as gunicorn's sync workers close them)."""
    load = load_average()
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client() -> None:
        nonlocal errors
        mine: list[float] = []
        bad = 0
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                status = fetch(port, path, cookie)[0]
            except (http.client.HTTPException, OSError):
                bad += 1
                continue
            mine.append(time.perf_counter() - started)
            bad += status != 200
        with lock:
            latencies.extend(mine)
            errors += bad

    threads = [threading.Thread(target=client) for _ in range(clients)]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - began
    latencies.sort()

    def percentile(p: float) -> float:
        return 1000 * latencies[int(p * (len(latencies) - 1))] if latencies else 0.0

    return Run(requests=len(latencies), rps=len(latencies) / elapsed,
               p50_ms=1000 * statistics.median(latencies) if latencies else 0.0,
               p95_ms=percentile(0.95), p99_ms=percentile(0.99), errors=errors, load=load)


def worker_rss_mb(master_pid: int) -> list[float]:
    """Resident memory of gunicorn's workers (Linux /proc), in MB."""
    try:
        children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    except OSError:
        return []
    sizes = []
    for pid in children:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
        if match:
            sizes.append(int(match.group(1)) / 1024)
    return sizes


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--space", default="madrid")
    parser.add_argument("--debate-id", type=int, required=True)
    parser.add_argument("--seconds", type=float, default=10, help="per run")
    parser.add_argument("--rounds", type=int, default=2,
                        help="app/limit pairs per page, interleaved")
    parser.add_argument("--connections", type=int, default=16,
                        help="concurrent connections (wrk -c) or client threads")
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--no-wrk", action="store_true", help="use the Python client")
    parser.add_argument("--port", type=int, default=5077)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1,
                        help="threads per worker; 1 (the default) is gunicorn's sync worker. "
                             "Threaded workers crashed under load, see bench/README.md")
    parser.add_argument("--only", default="", help="measure only pages whose name contains it")
    parser.add_argument("--instance", default=str(ROOT / "instance" / "bench"))
    parser.add_argument("--signed-in", default="auto",
                        help="also measure pages signed in as this account; `auto`: the first "
                             "resident `decide bench generate --residents N` made; empty: "
                             "signed-out pages only")
    parser.add_argument("--password", default="bench-password-2026")
    args = parser.parse_args()
    if args.signed_in == "auto":
        args.signed_in = first_resident(args.database_url)
    use_wrk = not args.no_wrk and shutil.which("wrk") is not None
    space = args.space
    pages = {
        "landing": "/",
        f"space /{space}/": f"/{space}/",
        "debate list, hot": f"/{space}/debates/",
        "debate list, top, page 50": f"/{space}/debates/?order=top&page=50",
        "debate list, ?q= 1 word": f"/{space}/debates/?q=vivienda",
        "debate list, ?q= 2 words": f"/{space}/debates/?q=vivienda+parque",
        "space search, 1 word": f"/{space}/search?q=vivienda",
        "space search, 2 words": f"/{space}/search?q=vivienda+parque",
        "debate, big thread": f"/{space}/debates/{args.debate_id}",
    }
    if args.signed_in:
        # Signed-in pages are never served from the page cache: rendered every time.
        pages.update({
            "signed in: landing": "/",
            f"signed in: space /{space}/": f"/{space}/",
            "signed in: debate list, hot": f"/{space}/debates/",
            "signed in: space search, 1 word": f"/{space}/search?q=vivienda",
            "signed in: debate, big thread": f"/{space}/debates/{args.debate_id}",
        })
    pages = {name: path for name, path in pages.items() if args.only in name}

    limit_dir = Path(tempfile.mkdtemp(prefix="decide-bench-limit-"))
    env = dict(os.environ, DECIDE_DATABASE_URL=args.database_url,
               DECIDE_INSTANCE_PATH=args.instance, DECIDE_RATELIMIT_ENABLED="false",
               DECIDE_SECRET_KEY="bench", BENCH_LIMIT_DIR=str(limit_dir))
    script = limit_dir / "report.lua"
    script.write_text(WRK_SCRIPT)
    signed_script = limit_dir / "signed-in.lua"
    cookie = ""
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(args.workers),
         "--threads", str(args.threads), "--pythonpath", str(ROOT / "bench"),
         "--bind", f"127.0.0.1:{args.port}", "--log-level", "warning",
         "limit_app:application"],
        cwd=ROOT, env=env)

    def measure(name: str, path: str) -> Run:
        signed = name.startswith("signed in")
        if use_wrk:
            return wrk_load(args.port, path, args.seconds, args.wrk_threads, args.connections,
                            signed_script if signed else script)
        return python_load(args.port, path, args.seconds, args.connections,
                           cookie if signed else "")

    try:
        wait_until_up(server, args.port)
        if args.signed_in and any(name.startswith("signed in") for name in pages):
            cookie = sign_in(args.port, args.signed_in, args.password)
            signed_script.write_text(WRK_SCRIPT.replace(
                "-- COOKIE", f'wrk.headers["Cookie"] = "{cookie}"'))
        sizes = {}
        limits = {}
        for number, (name, path) in enumerate(pages.items()):
            key = f"p{number}"
            signed = cookie if name.startswith("signed in") else ""
            sizes[name] = save_limit_page(limit_dir, key, args.port, path, signed)
            limits[name] = LIMIT_PREFIX + key
        for name, path in pages.items():  # warm up both apps in every worker
            for target in (path, limits[name]):
                if use_wrk:
                    wrk_load(args.port, target, 1, 1, 2 * args.workers,
                             signed_script if name.startswith("signed in") else script)
                else:
                    python_load(args.port, target, 1, 2)
        client = (f"wrk -t{args.wrk_threads} -c{args.connections}" if use_wrk
                  else f"{args.connections} Python client threads")
        print(f"database: {args.database_url.split('://')[0]}, gunicorn: {args.workers} "
              f"workers x {args.threads} threads, client: {client}, {args.seconds:g} s per "
              f"run, {os.cpu_count()} CPUs, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
        print("| page | KB | round | app req/s | p50 ms | p95 ms | p99 ms | load | "
              "limit req/s | p50 ms | p95 ms | p99 ms | load | ratio |")
        print("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
        summary = []
        errors = 0
        for name, path in pages.items():
            ratios = []
            for round_number in range(1, args.rounds + 1):
                app = measure(name, path)
                limit = measure(name, limits[name])
                errors += app.errors + limit.errors
                ratio = app.rps / limit.rps if limit.rps else 0.0
                ratios.append(ratio)
                print(f"| {name} | {sizes[name] / 1024:.1f} | {round_number} "
                      f"| {app.rps:.1f} | {app.p50_ms:.1f} | {app.p95_ms:.1f} "
                      f"| {app.p99_ms:.1f} | {app.load:.2f} "
                      f"| {limit.rps:.0f} | {limit.p50_ms:.1f} | {limit.p95_ms:.1f} "
                      f"| {limit.p99_ms:.1f} | {limit.load:.2f} | {ratio:.3f} |", flush=True)
            summary.append((name, min(ratios), max(ratios)))
        print("\n| page | app / limit |\n|---|---|")
        for name, low, high in summary:
            print(f"| {name} | {low:.3f}–{high:.3f} |")
        rss = worker_rss_mb(server.pid)
        print(f"\nerrors (failed or non-2xx responses): {errors}; worker RSS after the runs: "
              + (", ".join(f"{mb:.0f} MB" for mb in rss) or "unknown")
              + f"; load average now {load_average():.2f}")
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(limit_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
