"""Neo4j vs FalkorDB: load and query times on the same data, side by side in one run.

    .venv/bin/python benchmarks/stores.py                 # starts Neo4j with scripts/neo4j.sh
    NEO4J_URI=bolt://127.0.0.1:7687 .venv/bin/python benchmarks/stores.py --runs 20

Data: the project seeds and synthetic seed sets (``loaders/synthetic.py``: 13 chains × 6
segments and N enterprises), each built once into graph rows and then written to both stores.

1. Load: seconds for the atomic replace (Neo4j: one transaction; FalkorDB: staging graph +
   RENAME), the first load and a reload over the existing graph, and the ratio Neo4j/FalkorDB.
2. Queries: median and p95 milliseconds of every named query (registry examples on the seeds,
   equivalent parameters on the synthetic graph), after one warm-up run (plan caches).
3. API routes in-process (TestClient) on the seed graph.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from chainatlas.graph.falkor import FalkorStore
from chainatlas.graph.model import GraphData
from chainatlas.graph.neo4j_store import Neo4jStore
from chainatlas.graph.store import GraphStore
from chainatlas.loaders.build import build_graph
from chainatlas.loaders.synthetic import write_synthetic_seeds
from chainatlas.loaders.validate import read_seeds
from chainatlas.queries.registry import NAMED_QUERIES
from chainatlas.settings import Settings

console = Console(width=160)
ROOT = Path(__file__).resolve().parent.parent

SYNTHETIC_PARAMS: dict[str, dict[str, Any]] = {
    "chain-segments": {"chain": "c0"}, "chain-actors": {"id": "c0"}, "chain-links": {"id": "c0"},
    "chain-districts": {"chains": ["c0"]}, "gap-actors": {"chains": ["c0"]},
    "gap-links": {"chains": ["c0"]}, "related": {"id": "e1"}, "neighbours": {"id": "c0"},
    "resolve": {"key": "合成企业7"}, "search": {"q": "企业12", "q2": "企业12"},
    "district-chains": {"ids": ["d0"]}, "cited-by": {"doc": "synthetic-doc"},
    "degrees": {"ids": ["c0", "d0", "e1"]},
}
"""Parameters of the named queries on the synthetic graph (the registry examples are seed ids)."""

ROUTES = ["/chains", "/chains/automobile", "/chains/integrated-circuits/gaps", "/gaps",
          "/search?q=zhongqi", "/enterprises/byd/related", "/districts/shizhong",
          "/graph/neighbourhood/automobile?depth=2", "/graph/path?from=byd&to=sinotruk"]


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def stats_ms(times: list[float]) -> tuple[float, float]:
    times = sorted(t * 1000 for t in times)
    return statistics.median(times), times[max(int(len(times) * 0.95) - 1, 0)]


def ratio(a: float, b: float) -> str:
    return f"{a / b:.1f}x" if b else "-"


def bench_load(stores: dict[str, GraphStore], sets: dict[str, GraphData]) -> None:
    table = Table(title="1. Load: atomic replace of the whole graph (seconds)")
    for col in ("data", "nodes", "rels", "FalkorDB first", "Neo4j first", "FalkorDB reload",
                "Neo4j reload", "Neo4j/FalkorDB (reload)"):
        table.add_column(col, justify="right")
    for name, data in sets.items():
        t: dict[str, list[float]] = {}
        for kind, store in stores.items():
            store.clear()
            t[kind] = [timed(lambda s=store, d=data: s.replace(d))[0] for _ in range(2)]
        table.add_row(name, f"{data.node_count():,}", f"{data.rel_count():,}",
                      f"{t['falkordb'][0]:.2f}", f"{t['neo4j'][0]:.2f}",
                      f"{t['falkordb'][1]:.2f}", f"{t['neo4j'][1]:.2f}",
                      ratio(t["neo4j"][1], t["falkordb"][1]))
    console.print(table)


def bench_queries(stores: dict[str, GraphStore], data: GraphData, title: str,
                  params_of: Callable[[str], dict[str, Any]], runs: int) -> None:
    for store in stores.values():
        store.replace(data)
    table = Table(title=f"{title} ({runs} runs each after a warm-up; ms)")
    for col in ("query", "rows", "FalkorDB median", "Neo4j median", "FalkorDB p95",
                "Neo4j p95", "Neo4j/FalkorDB"):
        table.add_column(col, justify="right")
    for q in NAMED_QUERIES.values():
        params = {k: None for k in q.params} | q.defaults | params_of(q.name)
        res: dict[str, tuple[float, float]] = {}
        rows = 0
        for kind, store in stores.items():
            rows = len(store.read(q.cypher, params))  # warm-up
            res[kind] = stats_ms([timed(lambda s=store, c=q.cypher, p=params: s.read(c, p))[0]
                                  for _ in range(runs)])
        table.add_row(q.name, str(rows), f"{res['falkordb'][0]:.2f}", f"{res['neo4j'][0]:.2f}",
                      f"{res['falkordb'][1]:.2f}", f"{res['neo4j'][1]:.2f}",
                      ratio(res["neo4j"][0], res["falkordb"][0]))
    console.print(table)


def bench_api(stores: dict[str, GraphStore], seeds: GraphData, runs: int) -> None:
    from fastapi.testclient import TestClient

    from chainatlas.api.app import create_app

    for store in stores.values():
        store.replace(seeds)
    table = Table(title=f"4. API routes in-process on the seeds ({runs} runs each; ms)")
    for col in ("route", "FalkorDB median", "Neo4j median", "Neo4j/FalkorDB"):
        table.add_column(col, justify="right")
    res: dict[str, dict[str, float]] = {r: {} for r in ROUTES}
    for kind, store in stores.items():
        with TestClient(create_app(Settings(load_on_start=False), store=store)) as client:
            for route in ROUTES:
                assert client.get(route).status_code == 200, route  # warm-up
                res[route][kind] = stats_ms([timed(lambda r=route: client.get(r))[0]
                                             for _ in range(runs)])[0]
    for route, r in res.items():
        table.add_row(route, f"{r['falkordb']:.1f}", f"{r['neo4j']:.1f}",
                      ratio(r["neo4j"], r["falkordb"]))
    console.print(table)


def start_neo4j() -> str:
    out = subprocess.run([str(ROOT / "scripts" / "neo4j.sh"), "start"], check=True,
                         capture_output=True, text=True)
    return out.stdout.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--enterprises", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    settings = Settings()
    uri, started = os.environ.get("NEO4J_URI"), False
    if not uri:
        console.print("NEO4J_URI is not set: starting one with scripts/neo4j.sh …")
        uri, started = start_neo4j(), True
    console.print(f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, "
                  f"Python {platform.python_version()}; Neo4j at {uri}")
    from chainatlas.graph.names import pinyin_full

    pinyin_full("预热")  # pypinyin's dictionaries outside the timings
    with tempfile.TemporaryDirectory() as tmp:
        sets = {"project seeds": build_graph(read_seeds(settings.seeds_dir)[0])}
        for n in args.enterprises:
            path = write_synthetic_seeds(Path(tmp) / f"s{n}", chains=13, segments=6,
                                         enterprises=n)
            sets[f"synthetic {n}"] = build_graph(read_seeds(path)[0])
        stores: dict[str, GraphStore] = {
            "falkordb": FalkorStore(Path(tmp) / "db", graph_name="bench"),
            "neo4j": Neo4jStore(uri, settings.neo4j_user,
                                settings.neo4j_password.get_secret_value(),
                                settings.neo4j_database),
        }
        try:
            bench_load(stores, sets)
            seeds = sets["project seeds"]
            bench_queries(stores, seeds, "2. Named queries on the seeds",
                          lambda name: NAMED_QUERIES[name].example, args.runs)
            big = f"synthetic {max(args.enterprises)}"
            bench_queries(stores, sets[big], f"3. Named queries on {big}",
                          lambda name: SYNTHETIC_PARAMS.get(name, {}), args.runs)
            bench_api(stores, seeds, args.runs)
        finally:
            for store in stores.values():
                store.clear()
                store.close()
            if started:
                subprocess.run([str(ROOT / "scripts" / "neo4j.sh"), "stop"], check=False)


if __name__ == "__main__":
    main()
