"""The seeds cite their documents faithfully and hold together.

* every quote of every node and link in ``seeds/`` appears in the cited document file, with
  whitespace (line breaks, spaces) ignored on both sides (``Settings().sources_dir``; skipped
  with a message when that directory is absent);
* the full seed set validates without error; no two nodes share a name or alias;
* every flagship chain (13) has at least 3 segments, 1 metric and 1 actor.

Run as a script (``python tests/test_seed_quotes.py``) it prints every failing quote and the
candidate actor names found in the documents that no node name or alias covers (the
completeness helper described in ``seeds/README.md``).
"""

from __future__ import annotations

import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest
import yaml

from chainatlas.loaders.load import validate
from chainatlas.loaders.quotes import QuoteIndex
from chainatlas.loaders.schema import ChainIn, LinkObj, MetricIn, RelationIn
from chainatlas.loaders.validate import links_of, read_seeds
from chainatlas.settings import Settings

SETTINGS = Settings()
SEEDS = Path(SETTINGS.seeds_dir)
SOURCES = Path(SETTINGS.sources_dir)

ACTOR_KINDS = {"enterprise", "platform", "park", "cluster", "project", "agency"}


def _documents() -> dict[str, Path]:
    docs = yaml.safe_load((SEEDS / "documents.yaml").read_text(encoding="utf-8"))["documents"]
    return {d["id"]: SOURCES / d["file"] for d in docs}


def _all_quotes() -> list[tuple[str, str, str, str]]:
    """``(file, where, doc, quote)`` for every source of every node, link and relation."""
    seeds, _ = read_seeds(SEEDS)
    out = []
    for item in seeds.items:
        m = item.model
        where = f"{item.where()} {getattr(m, 'id', '') or ''}"
        for s in getattr(m, "sources", []) or []:
            out.append((item.file, where, s.doc, s.quote))
        if isinstance(m, RelationIn):
            continue
        for fname, _, link in links_of(m):
            if isinstance(link, LinkObj):
                for s in link.sources:
                    out.append((item.file, f"{where}.{fname}->{link.id}", s.doc, s.quote))
        if isinstance(m, ChainIn):
            for seg in m.segments:
                for link in seg.feeds:
                    if isinstance(link, LinkObj):
                        for s in link.sources:
                            out.append((item.file, f"{seg.id}.feeds", s.doc, s.quote))
    return out


def failing_quotes() -> list[str]:
    docs = _documents()
    texts = {d: QuoteIndex(p.read_text(encoding="utf-8")) for d, p in docs.items() if p.exists()}
    bad = []
    for file, where, doc, quote in _all_quotes():
        text = texts.get(doc)
        if text is None:
            bad.append(f"{file}: {where}: document {doc!r} has no source file")
        elif text.find(quote) is None:
            bad.append(f"{file}: {where}: [{doc}] quote not found: {quote!r}")
    return bad


@pytest.fixture(scope="module")
def seedset():
    seeds, _graph = validate(SEEDS)
    return seeds


def test_seeds_validate(seedset):
    assert seedset.nodes


def test_quotes_are_verbatim():
    if not SOURCES.is_dir():
        pytest.skip(f"source documents not found at {SOURCES} (set CHAINATLAS_SOURCES_DIR)")
    missing = [d for d, p in _documents().items() if not p.exists()]
    if missing:
        pytest.skip(f"source files missing for {missing} in {SOURCES}")
    from chainatlas.loaders.quotes import check_quotes

    bad = check_quotes(read_seeds(SEEDS)[0], SOURCES)
    assert not bad, f"{len(bad)} quote(s) not verbatim:\n" + "\n".join(map(str, bad[:50]))
    assert failing_quotes() == []  # the script's own reading agrees


def test_no_shared_names(seedset):
    seen: dict[str, str] = {}
    clashes = []
    for node_id, item in seedset.nodes.items():
        if item.kind in {"metric", "document"}:
            continue
        names = {item.model.name, *getattr(item.model, "aliases", [])}
        for n in names:
            key = n.casefold()
            if key in seen and seen[key] != node_id:
                clashes.append((n, seen[key], node_id))
            seen[key] = node_id
    assert not clashes


def _flagship_facts(seedset) -> dict[str, Counter]:
    facts: dict[str, Counter] = defaultdict(Counter)
    seg_chain = {i: it.chain for i, it in seedset.nodes.items() if it.kind == "segment"}
    for node_id, item in seedset.nodes.items():
        m = item.model
        if item.kind == "chain" and m.tier == "flagship":
            facts[node_id]["segments"] += len(m.segments)
        if isinstance(m, MetricIn):
            subj = links_of(m)[0][2]
            sid = subj if isinstance(subj, str) else subj.id
            facts[seg_chain.get(sid, sid)]["metrics"] += 1
        if item.kind in ACTOR_KINDS:
            for fname, _, link in links_of(m):
                if fname in {"chains", "serves", "oversees"}:
                    tid = link if isinstance(link, str) else link.id
                    facts[seg_chain.get(tid, tid)]["actors"] += 1
    for rel in seedset.relations:
        r = rel.model
        if r.type in {"IN_CHAIN", "IN_SEGMENT", "SERVES", "OVERSEES"}:
            facts[seg_chain.get(r.to, r.to)]["actors"] += 1
    return facts


def test_flagship_chains_complete(seedset):
    flagships = [i for i, it in seedset.nodes.items()
                 if it.kind == "chain" and it.model.tier == "flagship"]
    assert len(flagships) == 13
    # key chains count for their flagship too (actors linked to a sub-area)
    parent = {i: it.model.parent for i, it in seedset.nodes.items()
              if it.kind == "chain" and it.model.tier == "key"}
    facts = _flagship_facts(seedset)
    for key, flagship in parent.items():
        facts[flagship]["actors_with_key"] += facts[key]["actors"]
    for chain in flagships:
        f = facts[chain]
        assert f["segments"] >= 3, (chain, f)
        assert f["metrics"] >= 1, (chain, f)
        assert f["actors"] >= 1, (chain, f)


# --- completeness helper ------------------------------------------------------------------

SUFFIXES = ("有限公司", "公司", "集团", "平台", "中心", "产业园", "园区", "科创城", "基地",
            "实验室", "研究院", "集群", "局", "办公室", "联盟", "大学", "医院", "产业城")
_NAME = re.compile(r"[\u4e00-\u9fffA-Za-z0-9（）()·“”]{2,30}?(?:" + "|".join(SUFFIXES) + ")")


def candidate_names(text: str) -> set[str]:
    return {m.group(0) for m in _NAME.finditer(text.replace(" ", "").replace("\n", ""))}


def uncovered_names() -> dict[str, list[str]]:
    """Per document, candidate names that no node name or alias is contained in."""
    seeds, _ = read_seeds(SEEDS)
    names = set()
    for item in seeds.nodes.values():
        if item.kind in {"metric", "document"}:
            continue
        names |= {item.model.name, *getattr(item.model, "aliases", [])}
    names = {n.replace(" ", "") for n in names if len(n) >= 2}
    out = {}
    for doc, path in _documents().items():
        if not path.exists():
            continue
        cands = candidate_names(path.read_text(encoding="utf-8"))
        out[doc] = sorted(c for c in cands if not any(n in c for n in names))
    return out


if __name__ == "__main__":  # pragma: no cover - manual helper
    for line in failing_quotes():
        print(line)
    if "--names" in sys.argv:
        for doc, names in uncovered_names().items():
            print(f"\n## {doc} ({len(names)})")
            print("  ".join(names))
