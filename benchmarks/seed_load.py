"""YAML seed load at scale: phases and peak memory, this code against the code before, in one run.

    .venv/bin/python benchmarks/seed_load.py                       # 10k and 100k firms
    flock /work/wt/heavy.lock .venv/bin/python benchmarks/seed_load.py --sizes 10000 100000

Generates seed sets of N enterprises in the seed YAML format (``loaders/seed_gen.py``: Chinese
names with aliases and English names, district ``LOCATED_IN``, segment ``IN_SEGMENT``, parks,
clusters, partners, inferred and reference links, every quote copied from a generated source
document, so the quote check runs), then loads each set with ``loaders.load.load`` — what
``chainatlas load`` runs, quote check included — into a fresh embedded FalkorDB, once with this
checkout and once with the code of ``--before`` (a git revision, extracted with ``git archive``),
each in its own subprocess on the same files. Phases (wall seconds): parse (YAML files → data),
validate (models, references, quotes), build rows, write (the store's atomic replace); the
Python process's CPU seconds (steadier than wall time on a shared machine; the store server's
work during the write is not in it); peak RSS of the Python process (``ru_maxrss``; the store
server is a separate process, not counted). Every figure is also printed as one JSON line.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BEFORE = "dc9dc89"
"""The last commit before the seed-path work (issue 14 part 8)."""
PACKAGES = {  # pyproject's [tool.setuptools.package-dir]
    "chainatlas": "chainatlas", "chainatlas.graph": "graph", "chainatlas.loaders": "loaders",
    "chainatlas.queries": "queries", "chainatlas.api": "api", "chainatlas.api.routes": "api/routes",
    "chainatlas.viz": "viz",
}


def import_code_from(code: Path) -> None:
    """Make ``import chainatlas…`` load the packages of the checkout at ``code``."""
    specs = []
    for name, sub in PACKAGES.items():  # register them all first, then run their __init__
        d = code / sub
        spec = importlib.util.spec_from_file_location(name, d / "__init__.py",
                                                      submodule_search_locations=[str(d)])
        assert spec and spec.loader
        sys.modules[name] = importlib.util.module_from_spec(spec)
        specs.append(spec)
    for spec in specs:
        spec.loader.exec_module(sys.modules[spec.name])  # type: ignore[union-attr]


def child(code: Path, seeds: Path, sources: Path) -> dict[str, Any]:
    """Load ``seeds`` with the code at ``code``; phases in seconds and peak RSS in MiB."""
    import_code_from(code)
    from chainatlas.graph.falkor import FalkorStore
    from chainatlas.graph.names import pinyin_full
    from chainatlas.loaders import load as load_mod
    from chainatlas.loaders import validate as validate_mod

    pinyin_full("预热")  # pypinyin's dictionaries load outside the timings
    spent = {"parse": 0.0, "build": 0.0, "write": 0.0}
    cpu = dict.fromkeys(spent, 0.0)

    def timed(key: str, fn):
        def run(*a, **k):
            t, c = time.perf_counter(), time.process_time()
            try:
                return fn(*a, **k)
            finally:
                spent[key] += time.perf_counter() - t
                cpu[key] += time.process_time() - c
        return run

    validate_mod.read_seed_file = timed("parse", validate_mod.read_seed_file)
    load_mod.build_graph = timed("build", load_mod.build_graph)
    with tempfile.TemporaryDirectory(prefix="seedbench-db-") as db:
        store = FalkorStore(Path(db))
        store.replace = timed("write", store.replace)  # type: ignore[method-assign]
        try:
            t, c = time.perf_counter(), time.process_time()
            report = load_mod.load(seeds, store, sources_dir=sources, require_quotes=True)
            total, total_cpu = time.perf_counter() - t, time.process_time() - c
        finally:
            store.close()
    return {"total": total, **spent,
            "validate": total - sum(spent.values()),
            "cpu": {"total": total_cpu, **cpu, "validate": total_cpu - sum(cpu.values())},
            "nodes": report.nodes, "rels": report.relationships,
            "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def run_child(code: Path, seeds: Path, sources: Path) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", str(code), str(seeds), str(sources)],
        check=True, capture_output=True, text=True, cwd=ROOT,
        env={**os.environ, "PYTHONHASHSEED": "0"})
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--before", default=BEFORE, help="git revision of the old code")
    parser.add_argument("--no-before", action="store_true", help="measure this code only")
    parser.add_argument("--after", type=Path, default=ROOT,
                        help="checkout of the new code (default: this one)")
    parser.add_argument("--before-max", type=int, default=100_000,
                        help="largest size the old code is run on (it is slow)")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "seedbench",
                        help="where the generated seed sets are kept (reused)")
    parser.add_argument("--child", nargs=3, metavar=("CODE", "SEEDS", "SOURCES"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        code, seeds, sources = map(Path, args.child)
        print(json.dumps(child(code, seeds, sources)))
        return

    sys.path.insert(0, str(ROOT))
    import_code_from(ROOT)
    from rich.console import Console
    from rich.table import Table

    from chainatlas.loaders.seed_gen import write_seed_set

    console = Console(width=170)
    with tempfile.TemporaryDirectory(prefix="seedbench-before-") as old:
        before: Path | None = None
        if not args.no_before:
            before = Path(old)
            archive = subprocess.run(["git", "archive", args.before], cwd=ROOT, check=True,
                                     capture_output=True).stdout
            subprocess.run(["tar", "-x", "-C", str(before)], input=archive, check=True)
        table = Table(title=f"YAML seed load (loaders.load.load, quote check on) — this code vs "
                            f"{args.before}")
        for col in ("firms", "code", "nodes", "rels", "parse s", "validate s", "build s",
                    "write s", "total s", "speed-up", "Python CPU s", "CPU ratio",
                    "peak RSS MiB", "memory ratio"):
            table.add_column(col, justify="right")
        for n in args.sizes:
            where = args.workdir / f"firms{n}"
            if not (where / "seeds" / "documents.yaml").is_file():
                t = time.perf_counter()
                write_seed_set(where, n)
                size = sum(f.stat().st_size for f in (where / "seeds").iterdir()) / 2**20
                console.print(f"generated {n:,} firms in {time.perf_counter() - t:.1f} s "
                              f"({size:.0f} MB of YAML) → {where}")
            runs = {"after": run_child(args.after, where / "seeds", where / "sources")}
            if before is not None and n <= args.before_max:
                runs["before"] = run_child(before, where / "seeds", where / "sources")
            for label in ("before", "after"):
                r = runs.get(label)
                if r is None:
                    continue
                ratio = cpu_ratio = mem = ""
                if label == "after" and "before" in runs:
                    b = runs["before"]
                    ratio = f"{b['total'] / r['total']:.1f}×"
                    cpu_ratio = f"{b['cpu']['total'] / r['cpu']['total']:.1f}×"
                    mem = f"{b['peak_mib'] / r['peak_mib']:.1f}×"
                table.add_row(f"{n:,}", label, f"{r['nodes']:,}", f"{r['rels']:,}",
                              f"{r['parse']:.1f}", f"{r['validate']:.1f}", f"{r['build']:.1f}",
                              f"{r['write']:.1f}", f"{r['total']:.1f}", ratio,
                              f"{r['cpu']['total']:.1f}", cpu_ratio, f"{r['peak_mib']:,.0f}",
                              mem)
                console.print(json.dumps({"firms": n, "code": label, **r}))
        console.print(table)


if __name__ == "__main__":
    main()
