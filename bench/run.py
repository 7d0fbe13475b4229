"""Requests per second and p50/p95 latency of the debate list and a big debate page.

Usage (after `decide bench generate`, see bench/README.md):
    python bench/run.py --database-url sqlite:////abs/path/decide.db --debate-id 1
It starts gunicorn (by default 8 sync workers; the machine has 2 cores) on 127.0.0.1, sends
requests from a pool of client threads for a fixed time per page, and prints one table row per
page. Only loopback is used.
"""

from __future__ import annotations

import argparse
import http.client
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


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


def load(port: int, path: str, seconds: float, clients: int) -> dict[str, float]:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client() -> None:
        nonlocal errors
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        bad = 0
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Accept-Language": "es"})
                response = conn.getresponse()
                response.read()
            except (http.client.HTTPException, OSError):
                # The server closed an idle keep-alive connection: reconnect, count it.
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                bad += 1
                continue
            mine.append(time.perf_counter() - started)
            if response.status != 200:
                bad += 1
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
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50_ms": 1000 * statistics.median(latencies),
        "p95_ms": 1000 * latencies[int(0.95 * (len(latencies) - 1))],
        "errors": errors,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--space", default="madrid")
    parser.add_argument("--debate-id", type=int, required=True)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--port", type=int, default=5077)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--threads", type=int, default=1,
                        help="threads per worker; 1 (the default) is gunicorn's sync worker. "
                             "Threaded workers crashed under load, see bench/README.md")
    parser.add_argument("--instance", default=str(ROOT / "instance" / "bench"))
    args = parser.parse_args()
    env = dict(os.environ, DECIDE_DATABASE_URL=args.database_url,
               DECIDE_INSTANCE_PATH=args.instance, DECIDE_RATELIMIT_ENABLED="false",
               DECIDE_SECRET_KEY="bench")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(args.workers),
         "--threads", str(args.threads),
         "--bind", f"127.0.0.1:{args.port}", "--log-level", "warning", "decide:create_app()"],
        cwd=ROOT, env=env)
    try:
        wait_until_up(args.port)
        pages = {
            "debate list (hot)": f"/{args.space}/debates/",
            "debate list (top, page 50)": f"/{args.space}/debates/?order=top&page=50",
            "debate list (search, 2 words)": f"/{args.space}/debates/?q=vivienda+parque",
            "debate list (search, 1 word)": f"/{args.space}/debates/?q=vivienda",
            "debate page (big thread)": f"/{args.space}/debates/{args.debate_id}",
        }
        for path in pages.values():  # warm up caches and connections
            load(args.port, path, 1, 2)
        print(f"database: {args.database_url.split('://')[0]}, clients: {args.clients}, "
              f"{args.seconds:.0f} s per page")
        print(f"{'page':<30} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} "
              f"{'errors':>7}")
        for name, path in pages.items():
            r = load(args.port, path, args.seconds, args.clients)
            print(f"{name:<30} {r['requests']:>9.0f} {r['rps']:>8.1f} {r['p50_ms']:>8.1f} "
                  f"{r['p95_ms']:>8.1f} {r['errors']:>7.0f}")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
