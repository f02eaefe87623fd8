"""Loopback load test of `chainatlas serve` with the slowest endpoint saturated (issue 11).

    .venv/bin/python benchmarks/loadtest.py [--seconds 30] [--clients 8] [--render-clients 16]
                                            [--port 8102]

Starts `chainatlas serve` on 127.0.0.1 with a fresh data directory holding the project seeds,
then for ``--seconds`` runs ``--clients`` threads looping over the light routes (/health,
/search, /chains, a node, a neighbourhood) while ``--render-clients`` threads hammer
``/viz/chains/…/map.png`` with cache-busting query strings (every request is a new drawing).
Prints per route: requests, req/s, p50/p95/p99 (ms), errors (anything but 200; for the render
route 503 + Retry-After is counted apart as "shed", the designed answer beyond the bound).
"""

from __future__ import annotations

import argparse
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

import httpx
from rich.console import Console
from rich.table import Table

LIGHT = ["/health", "/search?q=%E6%B1%BD%E8%BD%A6", "/chains", "/search?q=zhongqi",
         "/health"]


def _wait(base: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise SystemExit("serve did not answer /health")


def pct(values: list[float], q: int) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100)[q - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--render-clients", type=int, default=16)
    parser.add_argument("--port", type=int, default=8102)
    args = parser.parse_args()
    console = Console()
    base = f"http://127.0.0.1:{args.port}"
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "CHAINATLAS_DATA_DIR": str(Path(tmp) / "data")}
        env.pop("NEO4J_URI", None)
        serve = subprocess.Popen([sys.executable, "-m", "chainatlas", "serve", "--port",
                                  str(args.port)], env=env, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
        try:
            _wait(base)
            chains = [c["id"] for c in _items(httpx.get(base + "/chains", timeout=30).json())]
            times: dict[str, list[float]] = defaultdict(list)
            errors: dict[str, int] = defaultdict(int)
            shed: dict[str, int] = defaultdict(int)
            lock = threading.Lock()
            stop = threading.Event()

            def record(route: str, seconds: float, status: int | None) -> None:
                with lock:
                    times[route].append(seconds)
                    if status == 503 and route == "map.png":
                        shed[route] += 1
                    elif status != 200:
                        errors[route] += 1

            def worker(urls: list[str], label) -> None:
                with httpx.Client(base_url=base, timeout=60) as c:
                    k = 0
                    while not stop.is_set():
                        url = urls[k % len(urls)].format(k=k, tid=threading.get_ident())
                        k += 1
                        t0 = time.perf_counter()
                        try:
                            status: int | None = c.get(url).status_code
                        except httpx.HTTPError:
                            status = None
                        record(label(url), time.perf_counter() - t0, status)

            render_urls = [f"/viz/chains/{ch}/map.png?n={{tid}}-{{k}}" for ch in chains]
            threads = [threading.Thread(target=worker, args=(render_urls, lambda u: "map.png"))
                       for _ in range(args.render_clients)]
            threads += [threading.Thread(target=worker,
                                         args=(LIGHT, lambda u: u.split("?")[0]))
                        for _ in range(args.clients)]
            t_start = time.perf_counter()
            for t in threads:
                t.start()
            time.sleep(args.seconds)
            stop.set()
            for t in threads:
                t.join(120)
            elapsed = time.perf_counter() - t_start
            t0 = time.perf_counter()
            serve.send_signal(signal.SIGTERM)
            serve.wait(timeout=60)
            sigterm_s = time.perf_counter() - t0
        finally:
            if serve.poll() is None:
                serve.kill()
    table = Table(title=f"Loopback load test, {args.seconds:.0f} s, {args.clients} light + "
                        f"{args.render_clients} render clients ({platform.machine()}, "
                        f"{os.cpu_count()} CPUs)")
    for col in ("route", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors", "shed 503"):
        table.add_column(col, justify="left" if col == "route" else "right")
    for route in sorted(times):
        ts = times[route]
        table.add_row(route, str(len(ts)), f"{len(ts) / elapsed:.1f}",
                      f"{pct(ts, 50) * 1000:.0f}", f"{pct(ts, 95) * 1000:.0f}",
                      f"{pct(ts, 99) * 1000:.0f}", str(errors[route]), str(shed[route]))
    console.print(table)
    console.print(f"SIGTERM → serve exited in {sigterm_s:.2f} s")


def _items(body):
    return body["items"] if isinstance(body, dict) else body


if __name__ == "__main__":
    main()
