"""ChainAtlas benchmarks: figures and ratios, side by side in one run.

    make bench            # or: .venv/bin/python benchmarks/run.py [--enterprises 5000]

1. Load pipeline on the project seeds and on synthetic seed sets of growing size: seconds per
   phase (parse+validate, build rows, write), rows per second, server memory after load.
2. UNWIND batch size, side by side on the same rows: seconds and the ratio to batch 500.
3. Query latency on the seed graph: median and p95 of each named query and each API route.
4. Neighbourhood walked through hubs or not, and the time to draw each picture format.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from rich.table import Table

from chainatlas.graph.falkor import FalkorStore
from chainatlas.loaders.build import build_graph
from chainatlas.loaders.synthetic import write_synthetic_seeds
from chainatlas.loaders.validate import read_seeds
from chainatlas.settings import Settings

console = Console(width=160)


def _timed(fn: Callable[[], object]) -> tuple[float, object]:
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def _server_memory(store: FalkorStore) -> float:
    return store.db.connection.info("memory")["used_memory"] / 2**20


def bench_load(store: FalkorStore, sets: dict[str, Path]) -> None:
    table = Table(title="1. Load pipeline (parse+validate → build → write)")
    for col in ("seed set", "nodes", "rels", "validate s", "build s", "write s", "total s",
                "rows/s", "py peak MiB", "server MiB"):
        table.add_column(col, justify="right")
    for name, path in sets.items():
        tv, (seeds, errors) = _timed(lambda p=path: read_seeds(p))
        assert not errors, errors[:3]
        tb, data = _timed(lambda s=seeds: build_graph(s))
        tracemalloc.start()  # a second pass for memory: tracing slows Python down
        build_graph(read_seeds(path)[0])
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        tw, _ = _timed(lambda d=data: store.replace(d))
        rows = data.node_count() + data.rel_count()
        total = tv + tb + tw
        table.add_row(name, str(data.node_count()), str(data.rel_count()), f"{tv:.2f}",
                      f"{tb:.2f}", f"{tw:.2f}", f"{total:.2f}", f"{rows / total:,.0f}",
                      f"{peak:.0f}", f"{_server_memory(store):.1f}")
    console.print(table)


def bench_batches(store: FalkorStore, path: Path, sizes: tuple[int, ...]) -> None:
    seeds, _ = read_seeds(path)
    data = build_graph(seeds)
    results = {}
    for size in sizes:
        results[size], _ = _timed(lambda s=size: store.replace(data, batch_size=s))
    base = results[500] if 500 in results else min(results.values())
    table = Table(title=f"2. UNWIND batch size ({data.node_count() + data.rel_count()} rows)")
    for col in ("rows per batch", "write s", "ratio to 500"):
        table.add_column(col, justify="right")
    for size, secs in results.items():
        table.add_row(str(size), f"{secs:.2f}", f"{secs / base:.2f}x")
    console.print(table)


def bench_queries(store: FalkorStore, runs: int) -> None:
    from chainatlas.queries.registry import NAMED_QUERIES

    table = Table(title=f"3. Named queries on the seed graph ({runs} runs each)")
    for col in ("query", "median ms", "p95 ms", "rows"):
        table.add_column(col, justify="right")
    for q in NAMED_QUERIES.values():
        params = {**q.defaults, **q.example}
        times = []
        rows: list = []
        for _ in range(runs):
            t, rows = _timed(lambda q=q, p=params: store.read(q.cypher, p))
            times.append(t * 1000)
        times.sort()
        table.add_row(q.name, f"{statistics.median(times):.2f}",
                      f"{times[int(len(times) * 0.95) - 1]:.2f}", str(len(rows)))
    console.print(table)


def bench_api(store: FalkorStore, runs: int) -> None:
    from fastapi.testclient import TestClient

    from chainatlas.api.app import create_app

    paths = ["/health", "/search?q=zhongqi", "/chains", "/chains/automobile",
             "/chains/integrated-circuits/gaps", "/enterprises/byd/related",
             "/graph/neighbourhood/automobile?depth=2", "/districts/shizhong"]
    table = Table(title=f"4. API routes in-process ({runs} runs each)")
    for col in ("route", "status", "median ms", "p95 ms"):
        table.add_column(col, justify="right")
    with TestClient(create_app(Settings(load_on_start=False), store=store)) as client:
        for path in paths:
            times, status = [], 0
            for _ in range(runs):
                t, r = _timed(lambda p=path: client.get(p))
                status = r.status_code
                times.append(t * 1000)
            times.sort()
            table.add_row(path, str(status), f"{statistics.median(times):.1f}",
                          f"{times[int(len(times) * 0.95) - 1]:.1f}")
    console.print(table)


def bench_neighbourhood_and_pictures(store: FalkorStore, runs: int) -> None:
    from chainatlas.queries.neighbourhood import neighbourhood
    from chainatlas.viz import data, still

    table = Table(title=f"5. Neighbourhood of 比亚迪, depth 2: hubs walked or not ({runs} runs)")
    for col in ("variant", "nodes", "median ms", "ratio"):
        table.add_column(col, justify="right")
    res = {}
    for label, hubs in (("through hubs", True), ("stop at hubs (default)", False)):
        times, n = [], 0
        for _ in range(runs):
            t, sg = _timed(lambda h=hubs: neighbourhood(store, "byd", depth=2, max_nodes=500,
                                                         expand_hubs=h))
            times.append(t * 1000)
            n = len(sg.nodes)
        res[label] = (n, statistics.median(times))
    base = res["through hubs"][1]
    for label, (n, ms) in res.items():
        table.add_row(label, str(n), f"{ms:.1f}", f"{ms / base:.2f}x")
    console.print(table)

    table = Table(title="6. Pictures of the 集成电路 chain map (3 runs, best)")
    for col in ("format", "best ms", "bytes"):
        table.add_column(col, justify="right")
    cm = data.chain_map(store, "integrated-circuits")
    from chainatlas.viz import interactive

    makers = {"png": lambda: still.chain_map_image(cm, "png"),
              "svg": lambda: still.chain_map_image(cm, "svg"),
              "html": lambda: interactive.chain_map_html(cm)}
    for fmt, make in makers.items():
        best, out = min((_timed(make) for _ in range(3)), key=lambda x: x[0])
        table.add_row(fmt, f"{best * 1000:.0f}", f"{len(out):,}")
    console.print(table)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--enterprises", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    settings = Settings()
    from chainatlas.graph.names import pinyin_full

    pinyin_full("预热")  # load pypinyin's dictionaries outside the timings
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        sets = {"project seeds": settings.seeds_dir}
        for n in args.enterprises:
            sets[f"synthetic {n}"] = write_synthetic_seeds(
                tmpdir / f"s{n}", chains=13, segments=6, enterprises=n)
        store = FalkorStore(tmpdir / "db")
        try:
            bench_load(store, sets)
            bench_batches(store, sets[f"synthetic {args.enterprises[0]}"], (1, 50, 500, 5000))
            store.replace(build_graph(read_seeds(settings.seeds_dir)[0]))
            bench_queries(store, args.runs)
            bench_api(store, args.runs)
            bench_neighbourhood_and_pictures(store, args.runs)
        finally:
            store.close()


if __name__ == "__main__":
    main()
