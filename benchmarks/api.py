"""HTTP API and explorer at scale (issue 14): what the API adds over the store-side queries,
whether every list is capped with totals, and how fast the explorer's pages show at 1M firms.

    # a copy of a ready store (never opened in place), 20 runs per route, then the explorer
    flock /work/wt/heavy.lock .venv/bin/python benchmarks/api.py \\
        --data-dir /work/wt/store1m --runs 20 --browser --page-runs 5
    # or build one: the project seeds plus a registry extract
    .venv/bin/python benchmarks/api.py --extract /work/wt/data/registry_100000.parquet

For each key route it times, interleaved, (a) the store-side query function the route calls
(in this process, same store server), (b) every store call the route makes (resolving the id,
the query, the lineage lookups), and (c) the same request through the real app
(``chainatlas serve``: uvicorn on 127.0.0.1 with its access log, a separate process) over one
keep-alive ``httpx`` client. The overhead is (c) − (a) at p95, checked against the goal
"the HTTP API adds ≤ 5 ms + 20 %". Every response is checked: lists in the
``{items, total, limit, offset}`` envelope, and the largest array and size of every answer.

With ``--browser`` it then times the explorer in headless Chromium (playwright, Debian's
chromium as the browser tests use it): each page opened fresh as an officer opens a link,
time until its content is visible (a specific element), against the goal of 1 s.
Figures go to stdout; copy them into benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
GOAL_MS, GOAL_PCT = 5.0, 0.20
PAGE_GOAL_MS = 1000.0
T = 10_000
"""the API's query timeout (``query_timeout_ms``), given to the store-side calls too"""


def pct(samples: list[float], q: float) -> float:
    """The ``q`` quantile (nearest rank) of ``samples``, in the samples' unit.

    >>> pct([1.0, 2.0, 3.0, 4.0], 0.5), pct([1.0, 2.0, 3.0, 4.0], 0.95)
    (2.0, 4.0)
    """
    s = sorted(samples)
    return s[min(len(s) - 1, max(0, math.ceil(q * len(s)) - 1))]


def budget_ms(store_p95: float) -> float:
    """The overhead the API may add on a query of ``store_p95`` ms: 5 ms + 20 %.

    >>> budget_ms(100.0)
    25.0
    """
    return GOAL_MS + GOAL_PCT * store_p95


def largest_list(value: Any, path: str = "$") -> tuple[int, str]:
    """The longest array anywhere in a JSON value, and where.

    >>> largest_list({"items": [1, 2], "x": {"y": [1, 2, 3]}})
    (3, '$.x.y')
    """
    best = (len(value), path) if isinstance(value, list) else (0, path)
    children = (value.items() if isinstance(value, dict)
                else enumerate(value) if isinstance(value, list) else [])
    for k, v in children:
        sub = largest_list(v, f"{path}.{k}" if isinstance(value, dict) else f"{path}[]")
        if sub[0] > best[0]:
            best = sub
    return best


def envelope_ok(body: Any) -> bool:
    """A list answer in the envelope, its page no longer than its limit.

    >>> envelope_ok({"items": [1], "total": 9, "limit": 1, "offset": 0})
    True
    >>> envelope_ok([1, 2])
    False
    """
    return (isinstance(body, dict) and isinstance(body.get("items"), list)
            and all(k in body for k in ("total", "limit", "offset"))
            and len(body["items"]) <= body["limit"])


# -- the store ------------------------------------------------------------------------------
def prepare_store(args: argparse.Namespace, work: Path) -> Path:
    """A data directory of our own: a copy of ``--data-dir``, or seeds + ``--extract``."""
    data = work / "data"
    if args.data_dir:
        src = Path(args.data_dir)
        state = src / "falkordb" / "server.json"
        if state.exists():
            pid = json.loads(state.read_text() or "{}").get("pid")
            if pid and Path(f"/proc/{pid}").exists():
                sys.exit(f"{src}: its store server (pid {pid}) is running; copy it when it "
                         "has stopped (wait for the import to finish)")
        t = time.perf_counter()
        shutil.copytree(src, data, symlinks=True,
                        ignore=shutil.ignore_patterns("*.sock", "lock", "server.json", "clients"))
        print(f"copied {src} → {data} in {time.perf_counter() - t:.1f} s")
        return data
    from chainatlas.graph.falkor import FalkorStore
    from chainatlas.loaders.load import load
    from chainatlas.loaders.registry import import_registry

    store = FalkorStore(data)
    try:
        load(ROOT / "seeds", store)
        t = time.perf_counter()
        import_registry(Path(args.extract), store, seeds_dir=ROOT / "seeds",
                        links_path=work / "links.yaml")
        print(f"imported {args.extract} in {time.perf_counter() - t:.1f} s")
    finally:
        store.close()
    return data


class Server:
    """``chainatlas serve`` on 127.0.0.1:port over ``data`` (its log in the work directory)."""

    def __init__(self, data: Path, port: int, log: Path) -> None:
        env = {**os.environ, "CHAINATLAS_DATA_DIR": str(data), "CHAINATLAS_HOST": "127.0.0.1",
               "CHAINATLAS_PORT": str(port), "CHAINATLAS_LOAD_ON_START": "false"}
        self.url = f"http://127.0.0.1:{port}"
        self.log = log.open("w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "chainatlas", "serve", "--host", "127.0.0.1",
             "--port", str(port)], env=env, stdout=self.log, stderr=subprocess.STDOUT)

    def wait(self, timeout: float = 900) -> float:
        import httpx

        t = time.perf_counter()
        while time.perf_counter() - t < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"chainatlas serve exited ({self.proc.returncode}); "
                                   f"see {self.log.name}")
            try:
                if httpx.get(self.url + "/openapi.json", timeout=5).status_code == 200:
                    return time.perf_counter() - t
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        raise RuntimeError("chainatlas serve did not answer in time")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


# -- routes ---------------------------------------------------------------------------------
@dataclass
class Route:
    name: str
    path: str
    query: Callable[[], Any]
    """the store-side query function the route calls"""
    calls: Callable[[], Any]
    """every store call the route makes (resolve, query, lineages)"""
    is_list: bool = False
    store_ms: list[float] = field(default_factory=list)
    calls_ms: list[float] = field(default_factory=list)
    http_ms: list[float] = field(default_factory=list)
    status: int = 0
    kb: float = 0.0
    envelope: bool | None = None
    total: int | None = None
    items: int | None = None
    largest: tuple[int, str] = (0, "")
    error: str = ""


def routes(store: Any, firm: str, firm2: str, district: str) -> list[Route]:
    from chainatlas.queries import gaps, neighbourhood, nodes, paths, related, search
    from chainatlas.queries.chains import list_chains
    from chainatlas.queries.districts import district_profile
    from chainatlas.queries.lineage import lineages

    def related_calls(fid: str) -> Callable[[], Any]:
        def run() -> Any:
            nodes.resolve(store, fid, "enterprise", timeout_ms=T)
            res = related.related_enterprises(store, fid, limit=20, timeout_ms=T)
            return lineages(store, [r.id for r in res.items], timeout_ms=T) if res else None
        return run

    def node_calls() -> Any:
        nodes.resolve(store, "byd", timeout_ms=T)
        nodes.node_detail(store, "byd", timeout_ms=T)
        return lineages(store, ["byd"], timeout_ms=T)

    ic = "integrated-circuits"
    return [
        Route("search hit 比亚迪", "/search?q=" + quote("比亚迪"),
              lambda: search.search(store, "比亚迪", limit=20, timeout_ms=T),
              lambda: search.search(store, "比亚迪", limit=20, timeout_ms=T), True),
        Route("search broad prefix 济南", "/search?q=" + quote("济南"),
              lambda: search.search(store, "济南", limit=20, timeout_ms=T),
              lambda: search.search(store, "济南", limit=20, timeout_ms=T), True),
        Route("search as typed 济 (10)", "/search?q=" + quote("济") + "&limit=10",
              lambda: search.search(store, "济", limit=10, timeout_ms=T),
              lambda: search.search(store, "济", limit=10, timeout_ms=T), True),
        Route("related 比亚迪", "/enterprises/byd/related",
              lambda: related.related_enterprises(store, "byd", limit=20, timeout_ms=T),
              related_calls("byd"), True),
        Route("related registry firm", f"/enterprises/{quote(firm)}/related",
              lambda: related.related_enterprises(store, firm, limit=20, timeout_ms=T),
              related_calls(firm), True),
        Route("gap report 集成电路", f"/chains/{ic}/gaps",
              lambda: gaps.gap_report(store, ic, timeout_ms=T),
              lambda: (nodes.resolve(store, ic, "chain", timeout_ms=T),
                       gaps.gap_report(store, ic, timeout_ms=T))),
        Route("/gaps (explorer home)", "/gaps",
              lambda: gaps.gap_overview(store, tier="flagship", timeout_ms=T),
              lambda: gaps.gap_overview(store, tier="flagship", timeout_ms=T), True),
        Route("neighbourhood 比亚迪 d2", "/graph/neighbourhood/byd?depth=2",
              lambda: neighbourhood.neighbourhood(store, "byd", depth=2, timeout_ms=T),
              lambda: (nodes.resolve(store, "byd", timeout_ms=T),
                       neighbourhood.neighbourhood(store, "byd", depth=2, timeout_ms=T))),
        Route(f"district profile {district}", f"/districts/{quote(district)}",
              lambda: district_profile(store, district, timeout_ms=T),
              lambda: (nodes.resolve(store, district, "district", timeout_ms=T),
                       district_profile(store, district, timeout_ms=T))),
        Route("path 比亚迪 → 中国重汽", "/graph/path?from=byd&to=sinotruk",
              lambda: paths.shortest_paths(store, "byd", "sinotruk", timeout_ms=T),
              lambda: (nodes.resolve(store, "byd", timeout_ms=T),
                       nodes.resolve(store, "sinotruk", timeout_ms=T),
                       paths.shortest_paths(store, "byd", "sinotruk", timeout_ms=T))),
        Route("path registry firm → 比亚迪", f"/graph/path?from={quote(firm2)}&to=byd",
              lambda: paths.shortest_paths(store, firm2, "byd", timeout_ms=T),
              lambda: (nodes.resolve(store, firm2, timeout_ms=T),
                       nodes.resolve(store, "byd", timeout_ms=T),
                       paths.shortest_paths(store, firm2, "byd", timeout_ms=T))),
        Route("node detail 比亚迪", "/nodes/byd",
              lambda: nodes.node_detail(store, "byd", timeout_ms=T), node_calls),
        Route("chains list", "/chains", lambda: list_chains(store, timeout_ms=T),
              lambda: list_chains(store, timeout_ms=T), True),
        Route("health", "/health", lambda: store.stats(), lambda: store.stats()),
    ]


def extra_lists(firm: str) -> list[tuple[str, str]]:
    """The other list endpoints and the explorer's own calls: checked for totals and size."""
    return [
        ("enterprises (all)", "/enterprises"),
        ("enterprises of 集成电路", "/enterprises?chain=integrated-circuits"),
        ("enterprises offset 999,950", "/enterprises?offset=999950"),
        ("districts", "/districts"),
        ("sources", "/sources"),
        ("enterprise 比亚迪", "/enterprises/byd"),
        ("enterprise registry firm", f"/enterprises/{quote(firm)}"),
        ("chain overview 集成电路", "/chains/integrated-circuits"),
        ("chain map json 集成电路 (explorer)", "/viz/chains/integrated-circuits/map.json"),
        ("neighbourhood json 比亚迪 d2 (explorer)",
         "/viz/neighbourhood/byd.json?depth=2&shown=40"),
        ("/gaps of a district (explorer)", "/gaps?tier=flagship&district=lixia"),
    ]


def check(route: Route | None, name: str, body: Any, raw: bytes, status: int,
          listing: bool) -> Route:
    r = route or Route(name, "", lambda: None, lambda: None, listing)
    r.status = status
    r.kb = len(raw) / 1024
    r.largest = largest_list(body)
    if listing or (isinstance(body, dict) and "items" in body):
        r.envelope = envelope_ok(body)
        if isinstance(body, dict):
            r.total, r.items = body.get("total"), len(body.get("items") or [])
    return r


def bench_api(store: Any, base: str, runs: int, firm: str, firm2: str,
              district: str) -> tuple[list[Route], list[Route]]:
    import httpx

    rs = routes(store, firm, firm2, district)
    with httpx.Client(base_url=base, timeout=300, headers={"Accept": "application/json"}) as c:
        for r in rs:
            t0 = time.perf_counter()
            resp = c.get(r.path)  # warm-up: both sides once
            check(r, r.name, resp.json(), resp.content, resp.status_code, r.is_list)
            try:
                r.query()
            except Exception as e:  # e.g. the query timed out: say so, time nothing
                r.error = f"{type(e).__name__}: {str(e)[:80]}"
            if r.error or resp.status_code != 200:
                r.http_ms = [(time.perf_counter() - t0) * 1000]
                print(f"  {r.name}: {resp.status_code} {r.error}", file=sys.stderr, flush=True)
                continue
            slow = (time.perf_counter() - t0) > 3  # a route of seconds: a few runs say enough
            for _ in range(min(runs, 3) if slow else runs):
                t = time.perf_counter()
                r.query()
                r.store_ms.append((time.perf_counter() - t) * 1000)
                t = time.perf_counter()
                resp = c.get(r.path)
                resp.read()
                r.http_ms.append((time.perf_counter() - t) * 1000)
                t = time.perf_counter()
                r.calls()
                r.calls_ms.append((time.perf_counter() - t) * 1000)
            print(f"  {r.name}: {time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)
        extras = []
        for name, path in extra_lists(firm):
            t = time.perf_counter()
            resp = c.get(path)
            e = check(None, name, resp.json(), resp.content, resp.status_code,
                      name.startswith(("enterprises (", "enterprises of", "enterprises off",
                                       "districts", "sources", "/gaps")))
            e.path = path
            e.http_ms = [(time.perf_counter() - t) * 1000]
            extras.append(e)
    return rs, extras


def print_api(rs: list[Route], extras: list[Route], runs: int) -> None:
    med = statistics.median
    print(f"\n### API routes: store side vs HTTP (ms, {runs} runs each, interleaved)\n")
    print("| route | store p50 | store p95 | all store calls p95 | HTTP p50 | HTTP p95 | "
          "overhead p95 ms | overhead % | budget 5 ms + 20 % | within |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for r in rs:
        if not r.store_ms:
            print(f"| {r.name} | — | — | — | — | — | — | — | — | **no**: HTTP {r.status} after "
                  f"{r.http_ms[0]:.0f} ms; store side {r.error or 'ok'} |")
            continue
        s50, s95 = pct(r.store_ms, 0.5), pct(r.store_ms, 0.95)
        h50, h95 = pct(r.http_ms, 0.5), pct(r.http_ms, 0.95)
        over = h95 - s95
        ok = over <= budget_ms(s95)
        print(f"| {r.name} | {s50:.1f} | {s95:.1f} | {pct(r.calls_ms, 0.95):.1f} | {h50:.1f} | "
              f"{h95:.1f} | {over:+.1f} | {100 * over / s95 if s95 else 0:+.0f} % | "
              f"{budget_ms(s95):.1f} | {'yes' if ok else '**no**'} |")
    print("\n(overhead = HTTP p95 − store p95; also by median: "
          + "; ".join(f"{r.name} {med(r.http_ms) - med(r.store_ms):+.1f}" for r in rs
                      if r.store_ms) + ")")
    print("\n### Every answer: status, size, envelope, largest array\n")
    print("| route | path | status | KB | envelope (items/total/limit/offset) | items / total "
          "| largest array | time ms |")
    print("| --- | --- | ---: | ---: | --- | --- | --- | ---: |")
    for r in [*rs, *extras]:
        env = "—" if r.envelope is None else ("yes" if r.envelope else "**no**")
        it = f"{r.items} / {r.total:,}" if r.total is not None else "—"
        print(f"| {r.name} | `{r.path}` | {r.status} | {r.kb:.1f} | {env} | {it} | "
              f"{r.largest[0]} at `{r.largest[1]}` | {pct(r.http_ms, 0.5):.0f} |")
    biggest = max([*rs, *extras], key=lambda r: r.kb)
    print(f"\nlargest answer: {biggest.kb:.1f} KB ({biggest.name}); "
          f"list answers without the envelope: "
          f"{[r.name for r in [*rs, *extras] if r.envelope is False] or 'none'}")


# -- explorer -------------------------------------------------------------------------------
def bench_pages(base: str, runs: int, firm: str, district: str) -> list[tuple[str, list[float]]]:
    """Each page opened fresh (about:blank, then its URL) in one browser context (warm HTTP
    cache, as an officer's browser): ms until the named element is visible."""
    from playwright.sync_api import sync_playwright

    from chainatlas.viz.testing import CHROMIUM, CHROMIUM_ARGS

    pages = [
        ("home: chain cards with gap counts", "/#/", [".card .gapline", "#districts .card"]),
        ("chain gap view 集成电路", "/#/chain/integrated-circuits",
         ["#gaps tbody tr", "main .view canvas"]),
        ("chain gap view 汽车", "/#/chain/automobile",
         ["#gaps tbody tr", "main .view canvas"]),
        ("enterprise 比亚迪 + related", "/#/enterprise/byd",
         ["main h1", "#related .card", "main .view canvas"]),
        ("enterprise (registry firm) + related", f"/#/enterprise/{quote(firm)}",
         ["main h1", "#related .card, #related + p, main .muted", "main .view canvas"]),
        (f"district {district}", f"/#/district/{quote(district)}",
         ["#district-chains", "#district-gaps tbody tr"]),
        ("neighbourhood map 比亚迪 d2", "/#/node/byd?depth=2", ["main h1", "main .view canvas"]),
    ]
    out: list[tuple[str, list[float]]] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        ctx = browser.new_context(viewport={"width": 1400, "height": 900})
        page = ctx.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(base + "/")  # warm the cache with the scripts, as after a first visit
        page.wait_for_selector("#chain-list a", timeout=120_000)
        for name, url, sels in pages:
            times = []
            for _ in range(runs + 1):  # the first is a warm-up
                page.goto("about:blank")
                t = time.perf_counter()
                page.goto(base + url)
                for sel in sels:
                    page.wait_for_selector(sel, state="visible", timeout=120_000)
                times.append((time.perf_counter() - t) * 1000)
            out.append((name, times[1:]))
            print(f"  {name}: {[round(x) for x in times]}", file=sys.stderr, flush=True)
        for text, expect in (("济南", "济南"), ("比亚迪", "比亚迪")):
            times = []
            for _ in range(runs + 1):
                page.goto("about:blank")
                page.goto(base + "/#/")
                page.wait_for_selector("#chain-list a", timeout=120_000)
                page.fill("#q", "")
                page.click("#q")
                # typed one character at a time (80 ms apart) as a person types; timed from the
                # last keystroke to the suggestions for the whole text (120 ms debounce inside)
                page.keyboard.type(text[:-1], delay=80)
                page.wait_for_timeout(80)
                t = time.perf_counter()
                page.keyboard.type(text[-1])
                page.wait_for_function(
                    "([e]) => { const li = document.querySelectorAll('#suggest li[role=option]');"
                    " return !document.getElementById('suggest').hidden && li.length > 0 &&"
                    " li[0].textContent.indexOf(e) >= 0; }", arg=[expect], timeout=120_000)
                times.append((time.perf_counter() - t) * 1000)
            out.append((f"search as you type {text} (last key → suggestions)", times[1:]))
            print(f"  search {text}: {[round(x) for x in times]}", file=sys.stderr, flush=True)
        if errors:
            print(f"page errors: {errors[:5]}")
        browser.close()
    return out


def print_pages(res: list[tuple[str, list[float]]], runs: int) -> None:
    print(f"\n### Explorer pages in Chromium (ms to content visible, {runs} runs after a "
          "warm-up)\n")
    print("| page | p50 | p95 | max | goal < 1 s |")
    print("| --- | ---: | ---: | ---: | --- |")
    for name, ts in res:
        p95 = pct(ts, 0.95)
        print(f"| {name} | {pct(ts, 0.5):.0f} | {p95:.0f} | {max(ts):.0f} | "
              f"{'met' if p95 < PAGE_GOAL_MS else '**missed** (' + f'{p95 / 1000:.1f} s)'} |")


# -- main -----------------------------------------------------------------------------------
def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--data-dir", help="a ready data directory (copied, never opened in place)")
    src.add_argument("--extract", help="a registry extract to import over the seeds")
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--port", type=int, default=8715)
    ap.add_argument("--browser", action="store_true", help="also time the explorer's pages")
    ap.add_argument("--page-runs", type=int, default=5)
    ap.add_argument("--no-api", action="store_true", help="only the explorer's pages")
    ap.add_argument("--district", default="lixia")
    ap.add_argument("--work", type=Path, default=None)
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="apibench-", dir=args.work))
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, load average {os.getloadavg()[0]:.2f} at start")
    data = prepare_store(args, work)
    server = None
    store = None
    try:
        from chainatlas.graph.falkor import FalkorStore

        t = time.perf_counter()
        store = FalkorStore(data)
        counts = store.stats()["nodes"]
        print(f"store open in {time.perf_counter() - t:.1f} s: "
              f"{counts.get('Enterprise', 0):,} enterprises, {sum(counts.values()):,} nodes")
        server = Server(data, args.port, work / "serve.log")
        print(f"chainatlas serve answering after {server.wait():.1f} s on {server.url}")
        firm = store.read("MATCH (n:Enterprise {basis: 'registry'})-[:IN_SEGMENT]->"
                          "(:Segment {id: 'ic-design'}) RETURN n.id AS id LIMIT 1")[0]["id"]
        firm2 = store.read("MATCH (n:Enterprise {basis: 'registry'})-[:IN_SEGMENT]->"
                           "(:Segment {id: 'automobile-parts'}) RETURN n.id AS id LIMIT 1")[0]["id"]
        print(f"registry firms: {firm} (ic-design), {firm2} (automobile-parts)")
        if not args.no_api:
            rs, extras = bench_api(store, server.url, args.runs, firm, firm2, args.district)
            print(f"load average after the API runs: {os.getloadavg()[0]:.2f}")
            print_api(rs, extras, args.runs)
        if args.browser:
            res = bench_pages(server.url, args.page_runs, firm, args.district)
            print(f"\nload average after the pages: {os.getloadavg()[0]:.2f}")
            print_pages(res, args.page_runs)
    finally:
        if server is not None:
            server.stop()
        if store is not None:
            store.close()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
