"""How strongly the seeds know what they say: counts of facts by basis, per file and per type.

``chainatlas audit`` prints these tables (``--json`` for the numbers), so the share of
``stated`` facts (a quote says it) against ``inferred`` (the encoder's reading) and
``reference`` (domain knowledge) stays visible as the seeds change. Every node, every link and
every relation counts once as the seeds write it; ``MENTIONS`` (a document citing a node) is
left out, being stated by construction.

>>> rows = [("a.yaml", "Chain", "stated"), ("a.yaml", "IN_CHAIN", "inferred"),
...         ("b.yaml", "IN_CHAIN", "stated")]
>>> tally(rows, by="file")["a.yaml"]
{'stated': 1, 'inferred': 1, 'reference': 0, 'total': 2, 'stated_share': 0.5}
>>> tally(rows, by="type")["IN_CHAIN"]["total"]
2
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from chainatlas.graph.model import BASES
from chainatlas.loaders.build import build_graph
from chainatlas.loaders.validate import SeedValidationError, read_seeds

SKIP_TYPES = frozenset({"MENTIONS"})
SHOWN_BASES = ("stated", "inferred", "reference")


def seed_facts(path: Path) -> list[tuple[str, str, str]]:
    """``(file, label or relationship type, basis)`` of every fact of the seeds at ``path``."""
    seeds, errors = read_seeds(Path(path))
    if errors:
        raise SeedValidationError(errors)
    facts: list[tuple[str, str, str]] = []
    build_graph(seeds, facts=facts)
    return [f for f in facts if f[1] not in SKIP_TYPES]


def tally(facts: list[tuple[str, str, str]], by: str) -> dict[str, dict[str, Any]]:
    """Counts by basis per ``file`` or per ``type`` (label / relationship type), with totals."""
    col = 0 if by == "file" else 1
    counts: dict[str, Counter] = defaultdict(Counter)
    for fact in facts:
        counts[fact[col]][fact[2]] += 1
    out: dict[str, dict[str, Any]] = {}
    for key in sorted(counts):
        c = counts[key]
        bases = [b for b in BASES if b in SHOWN_BASES or c[b]]
        total = sum(c.values())
        out[key] = {**{b: c[b] for b in bases}, "total": total,
                    "stated_share": round(c["stated"] / total, 3) if total else 0.0}
    return out


def audit_report(path: Path) -> dict[str, Any]:
    """Per file, per type and overall counts of the seeds' facts by basis."""
    facts = seed_facts(path)
    overall = tally([("all", "all", b) for _, _, b in facts], by="file")["all"] if facts else {}
    return {"by_file": tally(facts, "file"), "by_type": tally(facts, "type"), "all": overall}


def print_audit(report: dict[str, Any], console: Console) -> None:
    """The audit as two rich tables (per file, per node label / relationship type)."""
    for key, title in (("by_file", "Facts by basis per seed file 每个文件的依据"),
                       ("by_type", "Facts by basis per kind and relationship type 每类事实的依据")):
        table = Table(title=title)
        table.add_column("file" if key == "by_file" else "label / type", no_wrap=True)
        for b in SHOWN_BASES:
            table.add_column(b, justify="right")
        table.add_column("total", justify="right")
        table.add_column("stated %", justify="right")
        for name, row in report[key].items():
            table.add_row(name, *[str(row.get(b, 0)) for b in SHOWN_BASES], str(row["total"]),
                          f"{row['stated_share'] * 100:.0f}%")
        a = report["all"]
        if a:
            table.add_row("[bold]all[/bold]", *[str(a.get(b, 0)) for b in SHOWN_BASES],
                          str(a["total"]), f"{a['stated_share'] * 100:.0f}%")
        console.print(table)
