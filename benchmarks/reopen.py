"""Reopen time of the embedded store after repeated and large loads (issue 11, finding 1).

    .venv/bin/python benchmarks/reopen.py [--loads 1,10,30] [--enterprises 30000]

Loads the project seeds again and again into one fresh data directory and, after 1, 10 and 30
loads, closes the store (the server stops with its last client) and times a cold reopen
(server start + reading its files + the count check) and the size of the files on disk; then
the same after one large synthetic load. Before the compaction every load appended its whole
graph to the append-only file (1.2 s after 1 load, 8.7 s after 10, 16.6 s after 20 and a
15 s start timeout); now each load rewrites it into one RDB snapshot, so the time stays flat.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from chainatlas.graph.embedded import persistence_bytes
from chainatlas.graph.falkor import FalkorStore
from chainatlas.loaders.load import load
from chainatlas.loaders.synthetic import write_synthetic_seeds
from chainatlas.settings import Settings


def reopen(data_dir: Path, repeat: int = 3) -> tuple[float, dict[str, int]]:
    """Median seconds (of ``repeat``) to open the closed store cold and count its graph."""
    times = []
    counts: dict[str, int] = {}
    for _ in range(repeat):
        t0 = time.perf_counter()
        store = FalkorStore(data_dir)
        try:
            counts = store.counts()
        finally:
            times.append(time.perf_counter() - t0)
            store.close()
    return statistics.median(times), counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loads", default="1,10,30", help="after how many loads to reopen")
    parser.add_argument("--enterprises", type=int, default=30_000, help="large synthetic load")
    args = parser.parse_args()
    marks = sorted(int(x) for x in args.loads.split(","))
    console = Console()
    seeds = Settings().seeds_dir
    rows: list[tuple[str, float, float, str, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        store = FalkorStore(data)
        done = 0
        t_loads = 0.0
        for mark in marks:
            while done < mark:
                t0 = time.perf_counter()
                load(seeds, store)
                t_loads += time.perf_counter() - t0
                done += 1
            store.close()
            size = persistence_bytes(data / "falkordb")
            seconds, counts = reopen(data)
            rows.append((f"project seeds × {mark}", seconds, size / 2**20,
                         f"{counts['nodes']} / {counts['relationships']}", t_loads / done))
            console.print(f"{rows[-1][0]}: reopen {seconds:.2f} s", highlight=False)
            store = FalkorStore(data)
        store.close()

        big = Path(tmp) / "big"
        write_synthetic_seeds(big, enterprises=args.enterprises)
        data2 = Path(tmp) / "data2"
        store = FalkorStore(data2)
        t0 = time.perf_counter()
        load(big, store)
        t_big = time.perf_counter() - t0
        store.close()
        size = persistence_bytes(data2 / "falkordb")
        seconds, counts = reopen(data2)
        rows.append((f"synthetic, {args.enterprises:,} firms × 1", seconds, size / 2**20,
                     f"{counts['nodes']} / {counts['relationships']}", t_big))

    table = Table(title=f"Reopen time of the embedded store ({platform.machine()}, "
                        f"{platform.python_version()})")
    for col in ("after", "reopen s (median of 3)", "files MB", "nodes / rels", "load s (mean)"):
        table.add_column(col, justify="left" if col in ("after", "nodes / rels") else "right")
    for name, sec, mb, counts_text, load_s in rows:
        table.add_row(name, f"{sec:.2f}", f"{mb:.2f}", counts_text, f"{load_s:.1f}")
    console.print(table)
    first = rows[0][1]
    console.print("ratio to the first reopen: " + ", ".join(
        f"{name}: {sec / first:.2f}×" for name, sec, *_ in rows))


if __name__ == "__main__":
    main()
