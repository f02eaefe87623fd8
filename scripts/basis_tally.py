"""Count how the seed facts changed between two git revisions, by kind of change (issue 9).

    .venv/bin/python scripts/basis_tally.py BASE [HEAD]

Builds the graph of ``seeds/`` at both revisions (no store) and compares every node and every
relationship (``MENTIONS`` left out) by key: node id, or (type, from, to). Prints counts of
basis changes (e.g. ``stated → inferred``), dropped and added facts, role changes, moved
metric subjects, re-cut quotes and aliases moved to keywords.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

from chainatlas.loaders.build import build_graph
from chainatlas.loaders.validate import read_seeds


def graph_at(rev: str) -> tuple[dict, dict]:
    with tempfile.TemporaryDirectory() as tmp:
        tar = subprocess.run(["git", "archive", rev, "seeds"], check=True,
                             capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", tmp], input=tar, check=True)
        seeds, errors = read_seeds(Path(tmp) / "seeds")
        if errors:
            raise SystemExit(f"{rev}: {len(errors)} seed errors")
        g = build_graph(seeds)
    nodes = {r["id"]: r["props"] for rows in g.nodes.values() for r in rows}
    rels = {(t, r["src"], r["dst"]): r["props"] for t, rows in g.rels.items() if t != "MENTIONS"
            for r in rows}
    return nodes, rels


def tally(base: str, head: str = "HEAD") -> Counter:
    n0, r0 = graph_at(base)
    n1, r1 = graph_at(head)
    c: Counter = Counter()
    for what, a, b in (("node", n0, n1), ("relationship", r0, r1)):
        c[f"{what} dropped"] += len(a.keys() - b.keys())
        c[f"{what} added"] += len(b.keys() - a.keys())
        for key in a.keys() & b.keys():
            pa, pb = a[key], b[key]
            if pa.get("basis", "stated") != pb.get("basis", "stated"):
                c[f"{what} basis {pa.get('basis', 'stated')} → {pb.get('basis')}"] += 1
            if pa.get("source_quotes") != pb.get("source_quotes"):
                c[f"{what} quote re-cut"] += 1
            if pa.get("role") != pb.get("role"):
                c[f"{what} role {pa.get('role')} → {pb.get('role')}"] += 1
            moved = set(pa.get("aliases") or []) & set(pb.get("keywords") or [])
            if moved:
                c["alias moved to keywords"] += len(moved)
            if what == "node" and pa.get("value") != pb.get("value"):
                c["metric value changed"] += 1
    # a metric whose subject changed shows as one METRIC_OF dropped + one added
    subj0 = {k[1]: k[2] for k in r0 if k[0] == "METRIC_OF"}
    subj1 = {k[1]: k[2] for k in r1 if k[0] == "METRIC_OF"}
    c["metric subject moved"] = sum(1 for m in subj0.keys() & subj1.keys() if subj0[m] != subj1[m])
    return c


if __name__ == "__main__":
    counts = tally(*sys.argv[1:3]) if len(sys.argv) > 1 else tally("HEAD~1")
    for k, v in sorted(counts.items()):
        print(f"{v:5d}  {k}")
