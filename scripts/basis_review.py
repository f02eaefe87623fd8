"""List the seed facts whose quotes may not carry them (a reviewer's aid for issue 9 audits).

For every node, link and relation of the seeds, checks whether the fact's quotes (own or
inherited) name its subject and, for a link, its target (name, alias or keyword, whitespace
ignored). Prints one line per suspect fact: ``file:line  TYPE  from -> to  basis  flags  quotes``.

Flags: ``S`` the quotes name neither the subject nor any of its aliases; ``T`` the quotes do not
name the target; ``L`` role leader without 链主 / 龙头 / 领军 / 链长 in a quote.

    .venv/bin/python scripts/basis_review.py [--all] [--type IN_CHAIN] [--stated-only]
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from chainatlas.loaders.build import FIELD_REL
from chainatlas.loaders.schema import ChainIn, DocumentIn, LinkObj, MetricIn, fact_of, fact_of_link
from chainatlas.loaders.validate import links_of, read_seeds

LEADER_WORDS = ("链主", "龙头", "领军", "链长")
_WS = re.compile(r"\s+")


def _sq(t: str) -> str:
    return _WS.sub("", t or "")


def names(model) -> list[str]:
    out = [getattr(model, "name", None) or "", *getattr(model, "aliases", []),
           *getattr(model, "keywords", [])]
    return [_sq(n) for n in out if n and len(_sq(n)) >= 2]


def named(quotes: str, model) -> bool:
    return any(n in quotes for n in names(model))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--all", action="store_true", help="print every fact, not only suspects")
    ap.add_argument("--type", help="only this relationship type / node label")
    ap.add_argument("--stated-only", action="store_true")
    ap.add_argument("seeds", nargs="?", default="seeds")
    a = ap.parse_args()
    seeds, errors = read_seeds(Path(a.seeds))
    for e in errors:
        print("ERROR", e)
    rows = []
    for item in seeds.items:
        m = item.model
        if isinstance(m, DocumentIn):
            continue
        if item.kind == "relation":
            src, dst = seeds.nodes.get(m.from_), seeds.nodes.get(m.to)
            f = fact_of(m)
            q = "".join(_sq(s.quote) for s in f.sources)
            flags = ("" if src and named(q, src.model) else "S") + \
                    ("" if dst and named(q, dst.model) else "T")
            if m.role == "leader" and not any(w in q for w in LEADER_WORDS):
                flags += "L"
            rows.append((item.file, item.line(), m.type, m.from_, m.to, f.basis, flags, f))
            continue
        f = fact_of(m)
        q = "".join(_sq(s.quote) for s in f.sources)
        label = item.kind
        if not isinstance(m, MetricIn):
            flags = "" if named(q, m) else "S"
            rows.append((item.file, item.line(), label, m.id, "", f.basis, flags, f))
        for fname, idx, link in links_of(m):
            if fname == "chains" and isinstance(m, ChainIn):
                continue
            target = seeds.nodes.get(link if isinstance(link, str) else link.id)
            if target is None:
                continue
            lf = fact_of_link(link, m)
            lq = "".join(_sq(s.quote) for s in lf.sources)
            rel = ("IN_SEGMENT" if target.kind == "segment" else "IN_CHAIN") \
                if fname == "chains" else FIELD_REL[fname][0]
            flags = ("" if named(lq, m) or isinstance(m, MetricIn) else "S") + \
                    ("" if named(lq, target.model) else "T")
            if isinstance(link, LinkObj) and link.role == "leader" and \
                    not any(w in lq for w in LEADER_WORDS):
                flags += "L"
            sub = (fname,) if idx is None else (fname, idx)
            rows.append((item.file, item.line(*sub), rel, m.id, target.model.id, lf.basis,
                         flags, lf))
    for file, line, t, s, d, basis, flags, f in rows:
        if a.type and t != a.type:
            continue
        if a.stated_only and basis != "stated":
            continue
        if not a.all and (not flags or basis == "reference"):
            continue
        quotes = " | ".join(q.quote for q in f.sources)
        print(f"{file}:{line}\t{t}\t{s} -> {d}\t{basis}\t{flags or '-'}\t{quotes}")


if __name__ == "__main__":
    main()
