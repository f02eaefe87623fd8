"""Reopen time of the embedded store after repeated and large loads (issue 11, finding 1).

    .venv/bin/python benchmarks/reopen.py [--loads 1,10,30] [--enterprises 30000]
                                          [--registry-rows 100000,1000000]

Loads the project seeds again and again into one fresh data directory and, after 1, 10 and 30
loads, closes the store (the server stops with its last client) and times a cold reopen
(server start + reading its files + the manifest check + a first query) and the size of the
files on disk; then the same after one large synthetic load, and (``--registry-rows``) after
importing a generated registry extract of each size (``chainatlas generate-registry``, seed
14, Parquet; ``chainatlas import``) on top of the seeds in a fresh data directory. Before the
compaction every load appended its whole graph to the append-only file (1.2 s after 1 load,
8.7 s after 10, 16.6 s after 20 and a 15 s start timeout); now each load and each import
rewrites it into one RDB snapshot, so the time stays flat for the same graph and grows only
with the size of the graph. ``--enterprises 0`` skips the synthetic load.

Each reopen is split into: *start* (the supervisor and redis-server start and read the files
until the server answers PING), *verify* (the manifest check: node and relationship counts of
every graph), *first query* (the ``nodes`` query for the chains: a scan of every node's kind);
the median of 3 cold reopens is shown, with the redis-server's RSS after the reopen and the
start timeout the store would allow for those files (``start_timeout_for``).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

from chainatlas.graph.embedded import persistence_bytes, start_timeout_for
from chainatlas.graph.falkor import FalkorStore
from chainatlas.loaders.load import load
from chainatlas.loaders.synthetic import write_synthetic_seeds
from chainatlas.queries.registry import NODES_BY_KIND
from chainatlas.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
FIRST_QUERY = (NODES_BY_KIND, {"kind": "chain", "limit": 100})


@dataclass
class Reopen:
    """One row of the table: the median cold reopen of a closed data directory."""

    after: str
    total_s: float
    start_s: float
    verify_s: float
    query_s: float
    files_mib: float
    rss_mib: float | None
    nodes: int
    rels: int
    load_s: float
    timeout_s: float


def _rss_mib(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        return None
    return None


def reopen(data_dir: Path, after: str, load_s: float, repeat: int = 3) -> Reopen:
    """Median (of ``repeat``) cold reopen of the closed store in ``data_dir``, by phase."""
    totals, starts, verifies, queries, rss = [], [], [], [], []
    counts = {"nodes": 0, "relationships": 0}
    verify_t: list[float] = []
    original = FalkorStore.verify

    def timed_verify(self: FalkorStore) -> None:  # the manifest check the store runs on open
        t = time.perf_counter()
        try:
            original(self)
        finally:
            verify_t.append(time.perf_counter() - t)

    FalkorStore.verify = timed_verify  # type: ignore[method-assign]
    try:
        for _ in range(repeat):
            verify_t.clear()
            t0 = time.perf_counter()
            store = FalkorStore(data_dir)
            try:
                t1 = time.perf_counter()
                rows = store.read(*FIRST_QUERY)
                t2 = time.perf_counter()
                assert store.server.spawned and verify_t, "the reopen did not start the server"
                assert rows, "the first query answered nothing"
                totals.append(t2 - t0)
                verifies.append(verify_t[0])
                starts.append(t1 - t0 - verify_t[0])
                queries.append(t2 - t1)
                rss.append(_rss_mib(store.server.pid))
                counts = store.counts()
            finally:
                store.close()
    finally:
        FalkorStore.verify = original  # type: ignore[method-assign]
    size = persistence_bytes(data_dir / "falkordb")
    rss_ok = [r for r in rss if r is not None]
    return Reopen(after, statistics.median(totals), statistics.median(starts),
                  statistics.median(verifies), statistics.median(queries), size / 2**20,
                  statistics.median(rss_ok) if rss_ok else None, counts["nodes"],
                  counts["relationships"], load_s, start_timeout_for(size))


def registry_reopen(rows: int, work: Path, console: Console) -> Reopen:
    """Seeds + a generated registry extract of ``rows`` firms in a fresh data dir, reopened."""
    from chainatlas.loaders.registry import import_registry
    from chainatlas.loaders.registry_gen import generate_file

    file = work / f"registry_{rows}.parquet"
    if not file.exists():
        t = time.perf_counter()
        generate_file(rows, 14, file)
        console.print(f"generated {rows:,} rows in {time.perf_counter() - t:.1f} s",
                      highlight=False)
    data = work / f"data-registry-{rows}"
    store = FalkorStore(data)
    try:
        load(ROOT / "seeds", store)
        t = time.perf_counter()
        import_registry(file, store, seeds_dir=ROOT / "seeds", links_path=data / "links.yaml")
        t_import = time.perf_counter() - t
    finally:
        store.close()
    try:
        return reopen(data, f"seeds + registry import, {rows:,} firms", t_import)
    finally:
        shutil.rmtree(data, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loads", default="1,10,30", help="after how many loads to reopen")
    parser.add_argument("--enterprises", type=int, default=30_000,
                        help="large synthetic load (0: skip)")
    parser.add_argument("--registry-rows", default="",
                        help="registry extract sizes to import and reopen, e.g. 100000,1000000")
    args = parser.parse_args()
    marks = sorted(int(x) for x in args.loads.split(",") if x)
    sizes = [int(x) for x in args.registry_rows.split(",") if x]
    console = Console(width=200)
    seeds = Settings().seeds_dir
    results: list[Reopen] = []
    loads_at_start = os.getloadavg()

    def done(r: Reopen) -> None:
        results.append(r)
        console.print(f"{r.after}: reopen {r.total_s:.2f} s (start {r.start_s:.2f}, verify "
                      f"{r.verify_s:.2f}, query {r.query_s:.2f}), {r.files_mib:.1f} MB, "
                      f"load average {os.getloadavg()[0]:.1f}", highlight=False)

    with tempfile.TemporaryDirectory(prefix="bench-reopen-") as tmp:
        work = Path(tmp)
        if marks:
            data = work / "data"
            store = FalkorStore(data)
            n = 0
            t_loads = 0.0
            for mark in marks:
                while n < mark:
                    t0 = time.perf_counter()
                    load(seeds, store)
                    t_loads += time.perf_counter() - t0
                    n += 1
                store.close()
                done(reopen(data, f"project seeds × {mark}", t_loads / n))
                store = FalkorStore(data)
            store.close()

        if args.enterprises:
            big = work / "big"
            write_synthetic_seeds(big, enterprises=args.enterprises)
            data2 = work / "data2"
            store = FalkorStore(data2)
            try:
                t0 = time.perf_counter()
                load(big, store)
                t_big = time.perf_counter() - t0
            finally:
                store.close()
            done(reopen(data2, f"synthetic, {args.enterprises:,} firms × 1", t_big))
            shutil.rmtree(data2, ignore_errors=True)

        for rows in sizes:
            done(registry_reopen(rows, work, console))

    table = Table(title=f"Reopen time of the embedded store ({platform.machine()}, "
                        f"{os.cpu_count()} CPUs, Python {platform.python_version()})")
    cols = ("after", "reopen s (median of 3)", "start s", "verify s", "first query s",
            "files MB", "server RSS MB", "nodes / rels", "load/import s", "start timeout s")
    for col in cols:
        table.add_column(col, justify="left" if col in ("after", "nodes / rels") else "right")
    for r in results:
        table.add_row(r.after, f"{r.total_s:.2f}", f"{r.start_s:.2f}", f"{r.verify_s:.2f}",
                      f"{r.query_s:.2f}", f"{r.files_mib:.1f}",
                      "—" if r.rss_mib is None else f"{r.rss_mib:.0f}",
                      f"{r.nodes:,} / {r.rels:,}", f"{r.load_s:.1f}", f"{r.timeout_s:.0f}")
    console.print(table)
    console.print("\n| " + " | ".join(cols) + " |\n| " + " | ".join(
        "---" if c in ("after", "nodes / rels") else "---:" for c in cols) + " |", highlight=False)
    for r in results:  # the same table in Markdown, for benchmarks/README.md
        console.print(f"| {r.after} | {r.total_s:.2f} | {r.start_s:.2f} | {r.verify_s:.2f} | "
                      f"{r.query_s:.2f} | {r.files_mib:.1f} | "
                      f"{'—' if r.rss_mib is None else f'{r.rss_mib:.0f}'} | "
                      f"{r.nodes:,} / {r.rels:,} | {r.load_s:.1f} | {r.timeout_s:.0f} |",
                      highlight=False, soft_wrap=True)
    if results:
        first = results[0].total_s
        console.print("ratio to the first reopen: " + ", ".join(
            f"{r.after}: {r.total_s / first:.2f}×" for r in results), highlight=False)
        console.print("start time / start timeout: " + ", ".join(
            f"{r.after}: {r.start_s / r.timeout_s:.0%}" for r in results), highlight=False)
    console.print(f"load average (1/5/15 min) at start {loads_at_start[0]:.1f} / "
                  f"{loads_at_start[1]:.1f} / {loads_at_start[2]:.1f}, at end "
                  + " / ".join(f"{x:.1f}" for x in os.getloadavg()), highlight=False)


if __name__ == "__main__":
    main()
