"""Turn validated seeds into graph rows (:class:`GraphData`): nodes, relationships, mentions."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from chainatlas.graph.model import NODE_KINDS, GraphData
from chainatlas.graph.names import search_keys
from chainatlas.loaders.schema import (
    ChainIn,
    DocumentIn,
    LinkObj,
    MetricIn,
    SegmentIn,
    Source,
    link_id,
)
from chainatlas.loaders.validate import Item, SeedSet, links_of

_NODE_BASE = {"id", "name", "aliases", "name_en", "description", "sources"}
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


def _src_props(sources: list[Source]) -> dict[str, list[str]]:
    return {"source_docs": [s.doc for s in sources], "source_quotes": [s.quote for s in sources]}


def _clean(props: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in props.items() if v is not None}


def node_props(item: Item, seeds: SeedSet) -> dict[str, Any]:
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
    name = getattr(m, "name", None) or data.get("name")
    props = {
        **data,
        "kind": item.kind,
        "name": name,
        "aliases": aliases,
        "aliases_text": " ".join(aliases),
        "name_en": getattr(m, "name_en", None),
        "description": getattr(m, "description", None),
        "search_keys": search_keys(name, aliases, getattr(m, "name_en", None)),
        **_src_props(list(getattr(m, "sources", []) or [])),
    }
    return _clean(props)


def _segment_order(item: Item, seeds: SeedSet) -> int:
    m: SegmentIn = item.model
    if m.order is not None:
        return m.order
    chain: ChainIn = seeds.nodes[item.chain].model  # type: ignore[index]
    return next(j for j, s in enumerate(chain.segments) if s.id == m.id) + 1


def _rel_row(src: str, dst: str, sources: list[Source], **props: Any) -> dict[str, Any]:
    return {"src": src, "dst": dst, "props": _clean({**props, **_src_props(sources)})}


def build_graph(seeds: SeedSet) -> GraphData:
    """All nodes and relationships of a validated seed set."""
    g = GraphData()
    nodes: dict[str, list[dict[str, Any]]] = defaultdict(list)
    rels: dict[str, list[dict[str, Any]]] = defaultdict(list)
    kind_of = {i: it.kind for i, it in seeds.nodes.items()}
    for node_id, item in seeds.nodes.items():
        nodes[NODE_KINDS[item.kind].label].append(
            {"id": node_id, "props": node_props(item, seeds)})
        m = item.model
        own = list(getattr(m, "sources", []) or [])
        for fname, _, link in links_of(m):
            target = link_id(link)
            srcs = link.sources if isinstance(link, LinkObj) and link.sources else own
            extra = {}
            if isinstance(link, LinkObj):
                extra = {"role": link.role, "note": link.note}
            if fname == "chains":
                rel = "IN_SEGMENT" if kind_of[target] == "segment" else "IN_CHAIN"
                extra["role"] = extra.get("role") or "member"
                rels[rel].append(_rel_row(node_id, target, srcs, **extra))
                continue
            rel, reverse = FIELD_REL[fname]
            a, b = (target, node_id) if reverse else (node_id, target)
            rels[rel].append(_rel_row(a, b, srcs, **extra))
        if isinstance(m, ChainIn):
            if m.parent:
                rels["SUBCHAIN_OF"].append(_rel_row(node_id, m.parent, own))
            if m.district:
                rels["LOCATED_IN"].append(_rel_row(node_id, m.district, own))
        if item.kind == "district" and m.parent:
            rels["LOCATED_IN"].append(_rel_row(node_id, m.parent, own))
        if isinstance(m, SegmentIn):
            rels["SEGMENT_OF"].append(_rel_row(node_id, item.chain, m.sources, basis=m.basis))
        if not isinstance(m, DocumentIn):
            by_doc: dict[str, list[Source]] = defaultdict(list)
            for s in own:
                by_doc[s.doc].append(s)
            for doc, srcs in by_doc.items():
                rels["MENTIONS"].append(_rel_row(doc, node_id, srcs, quote=srcs[0].quote))
    for rel in seeds.relations:
        m = rel.model
        rels[m.type].append(_rel_row(m.from_, m.to, m.sources, role=m.role, note=m.note))
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
        for k, v in row["props"].items():
            if k == "source_docs":
                pairs = list(zip(props.get("source_docs", []), props.get("source_quotes", []),
                                 strict=False))
                pairs += zip(v, row["props"].get("source_quotes", []), strict=False)
                pairs = list(dict.fromkeys(pairs))
                props["source_docs"] = [d for d, _ in pairs]
                props["source_quotes"] = [q for _, q in pairs]
            elif k == "source_quotes":
                continue
            elif k == "role" and v == "leader":
                props[k] = v
            else:
                props.setdefault(k, v)
    return list(out.values())
