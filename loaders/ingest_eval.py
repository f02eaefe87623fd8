"""Measure ``chainatlas ingest`` by leave-one-out on a shipped document.

1. Read the seeds; the **gold** actors are those citing the document (own or link sources).
2. Remove from the seeds what only that document contributes: every actor, metric, policy and
   relation whose own sources all cite it (computed here, from the seeds as they are now),
   the links to them, and the document's quotes from the facts other documents also support.
   Districts, chains and segments stay: they are the frame (gazetteer) new facts are placed in.
   The reduced seed files are written to a scratch directory.
3. Ingest the document against the reduced seeds and compare with the gold:

* **actors** — a gold actor is found when a new proposal has one of its names or aliases, or a
  mention is linked to its id. Recall = found / gold; precision = proposals (new actors and
  linked known actors) that are gold / all proposals.
* **districts** — of the found gold actors the seeds place in a district, the share proposed
  with the same district (recall), and of the districts proposed for found actors, the share
  the seeds agree with (precision).
* **chains** — the same for chain links, compared by flagship chain (a segment or key chain
  counts as its flagship chain).

The proposal is also validated together with the reduced seeds (quotes checked) —
``loads`` says whether it passed.
"""

from __future__ import annotations

import copy
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from chainatlas.loaders.ingest import Proposal, propose, seed_document, write
from chainatlas.loaders.ingest_match import ACTOR_KINDS
from chainatlas.loaders.schema import link_id
from chainatlas.loaders.validate import (
    EVIDENCE_KINDS,
    LINK_FIELDS,
    SeedSet,
    SeedValidationError,
    links_of,
    read_seeds,
    seed_files,
)

FRAME_KINDS = {"document", "district", "chain", "segment"}


@dataclass
class Score:
    hit: int = 0
    gold: int = 0
    right: int = 0
    proposed: int = 0

    @property
    def recall(self) -> float:
        return self.hit / self.gold if self.gold else 1.0

    @property
    def precision(self) -> float:
        return self.right / self.proposed if self.proposed else 1.0

    def __str__(self) -> str:
        return (f"recall {self.recall:.0%} ({self.hit}/{self.gold}), "
                f"precision {self.precision:.0%} ({self.right}/{self.proposed})")


@dataclass
class LooResult:
    doc_id: str
    removed: list[str]
    actors: Score
    districts: Score
    chains: Score
    loads: bool
    load_errors: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    proposal: Proposal | None = None

    def table(self) -> str:
        return "\n".join([f"| {k} | {v.recall:.0%} ({v.hit}/{v.gold}) | "
                          f"{v.precision:.0%} ({v.right}/{v.proposed}) |"
                          for k, v in (("actors", self.actors), ("districts", self.districts),
                                       ("chains", self.chains))])


def only_from(seeds: SeedSet, doc_id: str) -> set[str]:
    """Ids of the non-frame items whose own sources all cite ``doc_id``."""
    out = set()
    for item in seeds.items:
        m = item.model
        if item.kind in FRAME_KINDS or item.kind == "relation" or item.kind in EVIDENCE_KINDS:
            continue
        docs = {s.doc for s in getattr(m, "sources", []) or []}
        if docs == {doc_id}:
            out.add(m.id)
    # metrics about a removed subject go too
    for item in seeds.items:
        if item.kind == "metric" and link_id(item.model.subject) in out:
            out.add(item.model.id)
    return out


def gold_actors(seeds: SeedSet, doc_id: str) -> set[str]:
    """Actors with a fact from ``doc_id``: their own or their links' quotes cite it, or a link
    or relation citing it points at them."""
    gold: set[str] = set()
    for it in seeds.items:
        if it.kind == "relation":
            m = it.model
            if any(s.doc == doc_id for s in m.sources):
                gold |= {m.from_, m.to}
            continue
        if any(s.doc == doc_id for s in getattr(it.model, "sources", []) or []):
            gold.add(it.model.id)
        for _, _, link in links_of(it.model):
            if not isinstance(link, str) and any(s.doc == doc_id for s in link.sources):
                gold |= {it.model.id, link.id}
    return {g for g in gold if g in seeds.nodes and seeds.nodes[g].kind in ACTOR_KINDS}


def _strip_doc(sources: list[dict[str, Any]], doc_id: str) -> list[dict[str, Any]]:
    return [s for s in sources if s.get("doc") != doc_id]


def reduce_seeds(seeds_dir: Path, out: Path, doc_id: str, removed: set[str]) -> None:
    """Write the seeds without what only ``doc_id`` contributes (see the module docstring)."""
    for file in seed_files(seeds_dir):
        data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
        new: dict[str, Any] = {}
        for section, items in data.items():
            kept = []
            for raw in items or []:
                raw = copy.deepcopy(raw)
                if section == "relations":
                    if raw.get("from") in removed or raw.get("to") in removed:
                        continue
                    if raw.get("sources") and not _strip_doc(raw["sources"], doc_id):
                        continue
                    raw["sources"] = _strip_doc(raw.get("sources", []), doc_id)
                    kept.append(raw)
                    continue
                if raw.get("id") in removed:
                    continue
                if section not in {"documents", "districts", "chains"} and raw.get("sources"):
                    raw["sources"] = _strip_doc(raw["sources"], doc_id)
                for fname in LINK_FIELDS:
                    if fname == "chains" and section == "chains":
                        continue
                    value = raw.get(fname)
                    if isinstance(value, list):
                        raw[fname] = [v for v in value if _keep_link(v, removed, doc_id)]
                    elif value is not None and not _keep_link(value, removed, doc_id):
                        del raw[fname]
                kept.append(raw)
            new[section] = kept
        dest = out / file.relative_to(seeds_dir)
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(yaml.safe_dump(new, allow_unicode=True, sort_keys=False),
                        encoding="utf-8")


def _keep_link(v: Any, removed: set[str], doc_id: str) -> bool:
    if isinstance(v, str):
        return v not in removed
    if isinstance(v, dict):
        if v.get("id") in removed:
            return False
        if v.get("sources"):
            v["sources"] = _strip_doc(v["sources"], doc_id)
            return bool(v["sources"])
    return True


def _root(seeds: SeedSet, node_id: str) -> str:
    """The flagship chain of a chain, key chain or segment (itself for others)."""
    for _ in range(4):
        item = seeds.nodes.get(node_id)
        if item is None:
            return node_id
        if item.kind == "segment" and item.chain:
            node_id = item.chain
        elif item.kind == "chain" and getattr(item.model, "parent", None):
            node_id = item.model.parent
        else:
            return node_id
    return node_id


def leave_one_out(seeds_dir: Path, sources_dir: Path, doc_id: str,
                  workdir: Path | None = None) -> LooResult:
    """Run the measure (see the module docstring)."""
    from chainatlas.loaders.ingest import check_with

    seeds_dir, sources_dir = Path(seeds_dir), Path(sources_dir)
    seeds, errors = read_seeds(seeds_dir)
    if errors:
        raise SeedValidationError(errors)
    doc = seeds.nodes[doc_id].model
    removed = only_from(seeds, doc_id)
    gold = gold_actors(seeds, doc_id)
    text = (sources_dir / doc.file).read_text(encoding="utf-8")

    tmp = tempfile.TemporaryDirectory(prefix="chainatlas-loo-") if workdir is None else None
    work = Path(tmp.name) if tmp else Path(workdir)
    try:
        reduce_seeds(seeds_dir, work / "seeds", doc_id, removed)
        reduced, errs = read_seeds(work / "seeds")
        if errs:
            raise SeedValidationError(errs)
        prop = propose(text, doc_id, reduced, title=doc.name, date=doc.date)
        written = write(prop, work / "out")
        load_errors: list[str] = []
        try:
            check_with(written.yaml, work / "seeds", sources_dir, None)
        except SeedValidationError as e:
            load_errors = [str(x) for x in e.errors]
    finally:
        if tmp:
            tmp.cleanup()
    assert seed_document(prop) is not None

    name_to_gold: dict[str, str] = {}
    for g in gold:
        m = seeds.nodes[g].model
        for n in [m.name, *m.aliases]:
            name_to_gold[n.casefold()] = g
    found: dict[str, str | None] = {}  # proposal key -> gold id or None
    placed: dict[str, tuple[str | None, set[str]]] = {}
    for a in prop.actors:
        g = next((name_to_gold.get(n.casefold()) for n in [a.name, *a.aliases]
                  if n.casefold() in name_to_gold), None)
        found[f"new:{a.name}"] = g
        if g:
            placed[g] = (a.district.id if a.district else None,
                         {_root(seeds, c.id) for c in a.chains})
    for link in prop.links:
        if seeds.nodes[link.id].kind in ACTOR_KINDS:
            found[f"link:{link.id}"] = link.id if link.id in gold else None
    hits = {g for g in found.values() if g}
    actors = Score(len(hits), len(gold), sum(1 for g in found.values() if g), len(found))

    districts, chains = Score(), Score()
    for g, (d, cs) in placed.items():
        item = seeds.nodes[g]
        gd = [link_id(v) for f, _, v in links_of(item.model) if f == "district"]
        gc = {_root(seeds, link_id(v)) for f, _, v in links_of(item.model)
              if f in {"chains", "serves"}}
        if gd:
            districts.gold += 1
            districts.hit += int(d == gd[0])
        if d:
            districts.proposed += 1
            districts.right += int(d in gd)
        if gc:
            chains.gold += 1
            chains.hit += int(bool(cs & gc))
        chains.proposed += len(cs)
        chains.right += len(cs & gc)
    missed = sorted(seeds.nodes[g].model.name for g in gold - hits)
    wrong = sorted(k for k, g in found.items() if not g)
    return LooResult(doc_id, sorted(removed), actors, districts, chains, not load_errors,
                     load_errors, missed, wrong, prop)


if __name__ == "__main__":  # pragma: no cover
    import sys

    from chainatlas.settings import get_settings

    s = get_settings()
    r = leave_one_out(s.seeds_dir, s.sources_dir,
                      sys.argv[1] if len(sys.argv) > 1 else "kjj-weekly-18-2026-01-30")
    print(f"removed {len(r.removed)} items; proposal loads: {r.loads}")
    for e in r.load_errors[:20]:
        print("  ", e)
    print("| measure | recall | precision |\n| --- | --- | --- |\n" + r.table())
    print("missed:", ", ".join(r.missed))
    print("not in the seeds:", ", ".join(r.wrong))
