"""Turn validated seeds into graph rows (:class:`GraphData`): nodes, relationships, mentions.

Every node and relationship gets ``basis`` (stated / inferred / reference, see
:mod:`chainatlas.loaders.schema`), ``basis_note`` for an inferred fact and ``reference`` for a
reference fact. With the documents' texts at hand, ``source_spans`` (``"start-end"`` offsets,
parallel to ``source_quotes``, ``""`` where unknown) says where each quote stands.
``build_graph(seeds, facts=[])`` also lists every fact as ``(seed file, label or relationship
type, basis)`` for ``chainatlas audit``.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from chainatlas.graph.model import NODE_KINDS, GraphData
from chainatlas.graph.names import keyword_keys, search_keys
from chainatlas.loaders.quotes import QuoteIndex
from chainatlas.loaders.schema import (
    ChainIn,
    DocumentIn,
    Fact,
    LinkObj,
    MetricIn,
    PresenceIn,
    SegmentIn,
    SegmentKeywordsIn,
    Source,
    fact_of,
    fact_of_link,
    link_id,
)
from chainatlas.loaders.validate import Item, SeedSet

_NODE_BASE = {"id", "name", "aliases", "keywords", "name_en", "description", "sources",
              "basis", "note", "reference"}
_NOT_PROPS = {"segments", "parent", "district", "feeds", "subject", "kind"}

# field -> (relationship type, reverse?) ; "chains" picks IN_CHAIN / IN_SEGMENT by target kind
FIELD_REL: dict[str, tuple[str, bool]] = {
    "district": ("LOCATED_IN", False),
    "parks": ("LOCATED_IN", False),
    "clusters": ("MEMBER_OF", False),
    "member_of": ("MEMBER_OF", False),
    "partners": ("PARTNERS_WITH", False),
    "supplies": ("SUPPLIES", False),
    "serves": ("SERVES", False),
    "operators": ("OPERATES", True),
    "oversees": ("OVERSEES", False),
    "heads": ("HEADS", False),
    "chief_of": ("CHAIN_CHIEF_OF", False),
    "owners": ("PROJECT_OF", False),
    "issuers": ("ISSUED", True),
    "applies_to": ("APPLIES_TO", False),
    "subject": ("METRIC_OF", False),
    "feeds": ("UPSTREAM_OF", False),
}


_STRENGTH = {"stated": 0, "inferred": 1, "reference": 2}

Spans = dict[str, QuoteIndex] | None


class _SharedSources(dict):
    """Document id → :class:`QuoteIndex`, plus the source lists already built: the many rows
    citing the same sources (every link inherits its item's) share one set of lists instead
    of a copy each (a third of the rows' memory at 100,000 firms). Nothing changes a row's
    lists in place (merging repeats assigns new ones)."""

    def __init__(self, index: dict[str, QuoteIndex] | None) -> None:
        super().__init__(index or {})
        self.lists: dict[tuple, dict[str, list[str]]] = {}


def _src_props(sources: list[Source], index: Spans = None) -> dict[str, list[str]]:
    lists = getattr(index, "lists", None)
    key = tuple((s.doc, s.quote) for s in sources) if lists is not None else ()
    if lists is not None and key in lists:
        return dict(lists[key])
    props = {"source_docs": [s.doc for s in sources], "source_quotes": [s.quote for s in sources]}
    if index:
        spans = [index[s.doc].span(s.quote) if s.doc in index else "" for s in sources]
        if any(spans):
            props["source_spans"] = spans
    if lists is not None:
        lists[key] = props
    return dict(props)


def basis_props(fact: Fact) -> dict[str, Any]:
    """``basis``, and ``basis_note`` / ``reference`` where the basis calls for them.

    >>> basis_props(Fact(basis="inferred", note="读作链主"))
    {'basis': 'inferred', 'basis_note': '读作链主'}
    >>> basis_props(Fact())
    {'basis': 'stated'}
    """
    out: dict[str, Any] = {"basis": fact.basis}
    if fact.basis == "inferred" and fact.note:
        out["basis_note"] = fact.note
    if fact.basis == "reference" and fact.reference:
        out["reference"] = fact.reference
    return out


def _clean(props: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in props.items() if v is not None}


def node_props(item: Item, seeds: SeedSet, index: Spans = None) -> dict[str, Any]:
    """The stored properties of one node."""
    m = item.model
    data = m.model_dump(exclude=_NODE_BASE | _NOT_PROPS | {"chains"} | set(FIELD_REL))
    if isinstance(m, MetricIn):
        subject = seeds.nodes[link_id(m.subject)].model
        data["metric_kind"] = data.pop("kind", m.kind)
        year = f"{m.year}年" if m.year else ""
        label = "目标" if m.kind == "target" else ""
        data["name"] = m.name or f"{subject.name}{year}{m.indicator}{label}"
    if isinstance(m, SegmentIn):
        data["chain_id"] = item.chain
        data["order"] = _segment_order(item, seeds)
    aliases = list(getattr(m, "aliases", []) or [])
    keywords = list(getattr(m, "keywords", []) or [])
    name = getattr(m, "name", None) or data.get("name")
    fact = fact_of(m)
    props = {
        **data,
        "kind": item.kind,
        "name": name,
        "aliases": aliases,
        "aliases_text": " ".join(aliases),
        "keywords": keywords,
        "keyword_keys": keyword_keys(keywords),
        "name_en": getattr(m, "name_en", None),
        "description": getattr(m, "description", None),
        "search_keys": search_keys(name, aliases, getattr(m, "name_en", None)),
        **basis_props(fact),
        **_src_props(list(getattr(m, "sources", []) or []), index),
    }
    if fact.basis != "inferred" and not isinstance(m, DocumentIn) and fact.note:
        props["note"] = fact.note
    return _clean(props)


def _segment_order(item: Item, seeds: SeedSet) -> int:
    m: SegmentIn = item.model
    if m.order is not None:
        return m.order
    chain: ChainIn = seeds.nodes[item.chain].model  # type: ignore[index]
    return next(j for j, s in enumerate(chain.segments) if s.id == m.id) + 1


def _rel_row(src: str, dst: str, fact: Fact, index: Spans, file: str,
             **props: Any) -> dict[str, Any]:
    return {"src": src, "dst": dst, "file": file,
            "props": _clean({**props, **basis_props(fact), **_src_props(fact.sources, index)})}


def build_graph(seeds: SeedSet, texts: dict[str, str] | None = None,
                facts: list[tuple[str, str, str]] | None = None,
                index: dict[str, QuoteIndex] | None = None) -> GraphData:
    """All nodes and relationships of a validated seed set.

    ``texts`` (document id → text) adds ``source_spans`` to nodes and relationships; ``facts``,
    when given, receives ``(file, label or type, basis)`` for every node and relationship as
    the seeds write them (before merging repeats). ``index`` (document id → :class:`QuoteIndex`
    of ``texts``, e.g. the one the quote check used) saves locating every quote again.
    """
    if texts and not index:
        index = {d: QuoteIndex(t) for d, t in texts.items()}
    index = _SharedSources(index if texts else None)
    g = GraphData()
    nodes: dict[str, list[dict[str, Any]]] = defaultdict(list)
    rels: dict[str, list[dict[str, Any]]] = defaultdict(list)
    kind_of = {i: it.kind for i, it in seeds.nodes.items()}
    for node_id, item in seeds.nodes.items():
        props = node_props(item, seeds, index)
        nodes[NODE_KINDS[item.kind].label].append({"id": node_id, "props": props})
        if facts is not None:
            facts.append((item.file, NODE_KINDS[item.kind].label, props["basis"]))
        m = item.model
        file = item.file
        own = fact_of(m)
        for fname, _, link in item.links:
            target = link_id(link)
            fact = fact_of_link(link, m)
            extra = {}
            if isinstance(link, LinkObj):
                extra = {"role": link.role, "note": link.note}
            if fname == "chains":
                rel = "IN_SEGMENT" if kind_of[target] == "segment" else "IN_CHAIN"
                extra["role"] = extra.get("role") or "member"
                rels[rel].append(_rel_row(node_id, target, fact, index, file, **extra))
                continue
            rel, reverse = FIELD_REL[fname]
            a, b = (target, node_id) if reverse else (node_id, target)
            rels[rel].append(_rel_row(a, b, fact, index, file, **extra))
        if isinstance(m, ChainIn):
            if m.parent:
                rels["SUBCHAIN_OF"].append(_rel_row(node_id, m.parent, own, index, file))
            if m.district:
                rels["LOCATED_IN"].append(_rel_row(node_id, m.district, own, index, file))
        if item.kind == "district" and m.parent:
            rels["LOCATED_IN"].append(_rel_row(node_id, m.parent, own, index, file))
        if isinstance(m, SegmentIn):
            rels["SEGMENT_OF"].append(_rel_row(node_id, item.chain, own, index, file))
        if not isinstance(m, DocumentIn):
            by_doc: dict[str, list[Source]] = defaultdict(list)
            for s in own.sources:
                by_doc[s.doc].append(s)
            for doc, srcs in by_doc.items():
                rels["MENTIONS"].append(_rel_row(doc, node_id, Fact(sources=srcs), index, file,
                                                 quote=srcs[0].quote))
    for rel in seeds.relations:
        m = rel.model
        rels[m.type].append(_rel_row(m.from_, m.to, fact_of(m), index, rel.file, role=m.role,
                                     note=m.note))
    seg_keywords: dict[str, list[str]] = defaultdict(list)
    for ev in seeds.evidence:
        m = ev.model
        if isinstance(m, PresenceIn):  # (:District)-[:PRESENCE {says}]->(:Segment | :Chain)
            rels["PRESENCE"].append(_rel_row(m.scope, m.segment, fact_of(m), index, ev.file,
                                             says=m.says))
        elif isinstance(m, SegmentKeywordsIn):
            seg_keywords[m.segment] += [k for k in m.keywords if k not in seg_keywords[m.segment]]
    for row in nodes.get("Segment", []):
        if row["id"] in seg_keywords:
            words = list(dict.fromkeys([*row["props"].get("keywords", []),
                                        *seg_keywords[row["id"]]]))
            row["props"]["keywords"] = words
            row["props"]["keyword_keys"] = keyword_keys(words)
    for rel_type, rows in rels.items():
        for row in rows:
            file = row.pop("file")
            if facts is not None:
                facts.append((file, rel_type, row["props"]["basis"]))
    g.nodes = dict(nodes)
    g.rels = {k: _dedupe(v) for k, v in rels.items()}
    return g


def _dedupe(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per (src, dst): a MERGE would fold them anyway; keep their sources together."""
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for row in rows:
        key = (row["src"], row["dst"])
        if key not in out:
            out[key] = row
            continue
        props = out[key]["props"]
        new = row["props"]
        if _STRENGTH.get(new.get("basis"), 9) < _STRENGTH.get(props.get("basis"), 9):
            # the stronger basis wins, with its own note / reference
            for k in ("basis", "basis_note", "reference"):
                props.pop(k, None)
                if k in new:
                    props[k] = new[k]
        for k, v in new.items():
            if k == "source_docs":
                old_n, new_n = len(props.get("source_docs", [])), len(v)
                triples = list(zip(props.get("source_docs", []), props.get("source_quotes", []),
                                   props.get("source_spans", [""] * old_n), strict=False))
                triples += zip(v, new.get("source_quotes", []),
                               new.get("source_spans", [""] * new_n), strict=False)
                seen: dict[tuple[str, str], str] = {}
                for d, q, sp in triples:
                    seen[(d, q)] = seen.get((d, q)) or sp
                props["source_docs"] = [d for d, _ in seen]
                props["source_quotes"] = [q for _, q in seen]
                if any(seen.values()):
                    props["source_spans"] = list(seen.values())
            elif k in {"source_quotes", "source_spans", "basis", "basis_note", "reference"}:
                continue
            elif k == "role" and v == "leader":
                props[k] = v
            else:
                props.setdefault(k, v)
    return list(out.values())
