"""What the pictures draw, read from the store: neighbourhoods and chain maps.

The query engineer's :mod:`chainatlas.queries` modules are used when they are present
(``queries.neighbourhood``, ``queries.gaps``); otherwise the small parameterised Cypher here
is used. Every query is valid on FalkorDB and Neo4j and returns projections, never whole nodes.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from chainatlas.graph.model import STAGES, sources_of
from chainatlas.graph.names import normalise
from chainatlas.graph.store import GraphStore

log = logging.getLogger(__name__)

HIDDEN_PROPS = {"search_keys", "aliases_text", "source_docs", "source_quotes"}
DEFAULT_EXCLUDED_KINDS = frozenset({"document"})
"""Kinds left out of a neighbourhood unless asked for (every fact cites documents)."""
DEFAULT_EXCLUDED_RELS = frozenset({"MENTIONS"})


@dataclass
class VNode:
    """A node as the pictures need it (same fields as ``queries.models.GraphNode``)."""

    id: str
    kind: str
    name: str
    name_en: str | None = None
    aliases: list[str] = field(default_factory=list)
    role: str | None = None
    depth: int = 0
    props: dict[str, Any] = field(default_factory=dict)
    sources: list[dict[str, str]] = field(default_factory=list)


@dataclass
class VEdge:
    """A relationship (same fields as ``queries.models.GraphEdge``)."""

    source: str
    target: str
    type: str
    role: str | None = None
    sources: list[dict[str, str]] = field(default_factory=list)


@dataclass
class VGraph:
    """A neighbourhood: centre node id, nodes, edges, and whether ``max_nodes`` cut it."""

    center: str
    nodes: list[VNode]
    edges: list[VEdge]
    truncated: bool = False

    def node(self, node_id: str) -> VNode | None:
        return next((n for n in self.nodes if n.id == node_id), None)


@dataclass
class Actor:
    """An actor placed in a segment (or in the chain as a whole)."""

    id: str
    kind: str
    name: str
    name_en: str | None = None
    role: str | None = None
    rel: str = "IN_SEGMENT"
    sources: list[dict[str, str]] = field(default_factory=list)
    local: bool | None = None  # False: a firm outside Jinan (外地)


@dataclass
class SegmentInfo:
    """A segment with its actors and gap status (missing / weak / covered)."""

    id: str
    name: str
    name_en: str | None
    stage: str
    order: int
    status: str = "covered"
    reason: str = ""
    actors: list[Actor] = field(default_factory=list)
    candidates: list[dict[str, Any]] = field(default_factory=list)
    sources: list[dict[str, str]] = field(default_factory=list)


@dataclass
class ChainMap:
    """A chain drawn left to right: its segments in order, flows between them, actors."""

    id: str
    name: str
    name_en: str | None
    tier: str | None
    segments: list[SegmentInfo]
    flows: list[tuple[str, str]]
    chain_actors: list[Actor]
    subchains: list[dict[str, Any]] = field(default_factory=list)
    parent: dict[str, Any] | None = None
    sources: list[dict[str, str]] = field(default_factory=list)


class NotFoundError(LookupError):
    """No node matches the key; ``suggestions`` lists near matches."""

    def __init__(self, what: str, key: str, suggestions: list[dict[str, Any]]):
        super().__init__(f"No {what} matches {key!r}")
        self.what, self.key, self.suggestions = what, key, suggestions


# --------------------------------------------------------------------------- resolving names

RESOLVE = (
    "MATCH (n:Node) WHERE n.id = $key OR n.name = $key OR n.name_en = $key "
    "OR $key IN n.aliases OR $norm IN n.search_keys "
    "RETURN n.id AS id, n.kind AS kind, n.name AS name, n.name_en AS name_en LIMIT 20"
)
SUGGEST = (
    "MATCH (n:Node) WHERE n.name CONTAINS $key OR n.id CONTAINS $norm "
    "OR (n.name_en IS NOT NULL AND toLower(n.name_en) CONTAINS $norm) "
    "RETURN n.id AS id, n.kind AS kind, n.name AS name, n.name_en AS name_en "
    "ORDER BY size(n.name) LIMIT 8"
)


def resolve(store: GraphStore, key: str, kind: str | None = None) -> dict[str, Any]:
    """Find the node a user means by ``key``: an id, a Chinese name, an alias, English or pinyin.

    ``kind`` restricts the answer (``chain`` for chain maps). Raises :class:`NotFoundError`
    with suggestions.
    """
    key = key.strip()
    rows = store.read(RESOLVE, {"key": key, "norm": normalise(key)})
    if kind:
        rows = [r for r in rows if r["kind"] == kind]

    def rank(r: dict[str, Any]) -> tuple[int, str]:
        if r["id"] == key:
            return (0, r["id"])
        if r["name"] == key:
            return (1, r["id"])
        return (2, r["id"])

    if rows:
        return sorted(rows, key=rank)[0]
    sugg = store.read(SUGGEST, {"key": key, "norm": normalise(key)})
    if kind:
        sugg = [r for r in sugg if r["kind"] == kind] or sugg
    raise NotFoundError(kind or "node", key, sugg)


# --------------------------------------------------------------------------- neighbourhood

_NODE_FIELDS = (
    "b.id AS id, b.kind AS kind, b.name AS name, b.name_en AS name_en, b.aliases AS aliases, "
    "b.source_docs AS source_docs, b.source_quotes AS source_quotes, properties(b) AS props"
)
NODE_ROW = f"MATCH (b:Node {{id: $id}}) RETURN {_NODE_FIELDS}"
OUT_EDGES = (
    "MATCH (a:Node)-[r]->(b:Node) WHERE a.id IN $ids "
    f"RETURN a.id AS from_id, type(r) AS type, r.role AS role, r.source_docs AS r_docs, "
    f"r.source_quotes AS r_quotes, {_NODE_FIELDS}"
)
IN_EDGES = (
    "MATCH (b:Node)-[r]->(a:Node) WHERE a.id IN $ids "
    f"RETURN a.id AS from_id, type(r) AS type, r.role AS role, r.source_docs AS r_docs, "
    f"r.source_quotes AS r_quotes, {_NODE_FIELDS}"
)


def _vnode(row: dict[str, Any], depth: int) -> VNode:
    props = {k: v for k, v in (row.get("props") or {}).items() if k not in HIDDEN_PROPS}
    return VNode(
        id=row["id"], kind=row.get("kind") or "other", name=row.get("name") or row["id"],
        name_en=row.get("name_en"), aliases=list(row.get("aliases") or []), depth=depth,
        props=props, sources=sources_of(row),
    )


def _own_neighbourhood(store: GraphStore, node_id: str, depth: int, kinds: list[str] | None,
                       rel_types: list[str] | None, max_nodes: int) -> VGraph:
    """Breadth-first neighbourhood, one query pair per ring, cut at ``max_nodes``."""
    rows = store.read(NODE_ROW, {"id": node_id})
    if not rows:
        raise NotFoundError("node", node_id, [])
    center = _vnode(rows[0], 0)
    nodes: dict[str, VNode] = {center.id: center}
    edges: dict[tuple[str, str, str], VEdge] = {}
    frontier = [center.id]
    truncated = False
    kind_ok = (lambda k: k in kinds) if kinds else (lambda k: k not in DEFAULT_EXCLUDED_KINDS)
    rel_ok = (lambda t: t in rel_types) if rel_types else (
        lambda t: t not in DEFAULT_EXCLUDED_RELS)
    for d in range(1, depth + 1):
        if not frontier:
            break
        found: list[tuple[dict[str, Any], bool]] = []
        found += [(r, True) for r in store.read(OUT_EDGES, {"ids": frontier})]
        found += [(r, False) for r in store.read(IN_EDGES, {"ids": frontier})]
        found.sort(key=lambda x: (x[0]["from_id"], x[0]["type"], x[0]["id"]))
        nxt: list[str] = []
        for row, outgoing in found:
            if not rel_ok(row["type"]):
                continue
            other = row["id"]
            if other not in nodes:
                if not kind_ok(row.get("kind") or ""):
                    continue
                if len(nodes) >= max_nodes:
                    truncated = True
                    continue
                nodes[other] = _vnode(row, d)
                nxt.append(other)
            src, dst = (row["from_id"], other) if outgoing else (other, row["from_id"])
            key = (src, dst, row["type"])
            if key not in edges:
                edges[key] = VEdge(src, dst, row["type"], row.get("role"),
                                   sources_of({"source_docs": row.get("r_docs"),
                                               "source_quotes": row.get("r_quotes")}))
                if row.get("role") == "leader" and nodes.get(src):
                    nodes[src].role = "leader"
        frontier = nxt
    return VGraph(center.id, list(nodes.values()), list(edges.values()), truncated)


def _from_model(sub: Any) -> VGraph:
    """Convert a ``queries.models.Subgraph`` (pydantic or dict) into a :class:`VGraph`."""

    def get(obj: Any, name: str, default: Any = None) -> Any:
        if isinstance(obj, dict):
            return obj.get(name, default)
        return getattr(obj, name, default)

    nodes = [
        VNode(id=get(n, "id"), kind=get(n, "kind") or "other", name=get(n, "name") or get(n, "id"),
              name_en=get(n, "name_en"), aliases=list(get(n, "aliases") or []),
              role=get(n, "role"), depth=int(get(n, "depth") or 0),
              props={k: v for k, v in (get(n, "props") or {}).items() if k not in HIDDEN_PROPS},
              sources=[dict(s) if isinstance(s, dict) else s.model_dump()
                       for s in get(n, "sources") or []])
        for n in get(sub, "nodes") or []
    ]
    edges = [
        VEdge(source=get(e, "source"), target=get(e, "target"), type=get(e, "type"),
              role=get(e, "role"),
              sources=[dict(s) if isinstance(s, dict) else s.model_dump()
                       for s in get(e, "sources") or []])
        for e in get(sub, "edges") or []
    ]
    center = get(sub, "center")
    if not isinstance(center, str):
        center = get(center, "id")
    return VGraph(center, nodes, edges, bool(get(sub, "truncated")))


def neighbourhood(store: GraphStore, key: str, depth: int = 1, kinds: list[str] | None = None,
                  rel_types: list[str] | None = None, max_nodes: int = 150) -> VGraph:
    """The node ``key`` (id, name or alias) and what lies within ``depth`` hops of it."""
    node = resolve(store, key)
    try:  # the query library's version, once it exists
        from chainatlas.queries import neighbourhood as qn  # type: ignore[attr-defined]

        fn = getattr(qn, "neighbourhood", None) or getattr(qn, "get_neighbourhood", None)
    except ImportError:
        fn = None
    if fn is not None:
        try:
            sub = fn(store, node["id"], depth=depth, kinds=kinds, rel_types=rel_types,
                     max_nodes=max_nodes)
            if sub is None:
                raise NotFoundError("node", key, [])
            return _from_model(sub)
        except TypeError as e:  # signature drifted: fall back, say so
            log.warning("queries.neighbourhood signature mismatch (%s); using viz's own", e)
    return _own_neighbourhood(store, node["id"], depth, kinds, rel_types, max_nodes)


# --------------------------------------------------------------------------- chain map

CHAIN_ROW = (
    "MATCH (c:Chain {id: $id}) RETURN c.id AS id, c.name AS name, c.name_en AS name_en, "
    "c.tier AS tier, c.source_docs AS source_docs, c.source_quotes AS source_quotes"
)
CHAIN_PARENT = (
    "MATCH (c:Chain {id: $id})-[:SUBCHAIN_OF]->(p:Chain) "
    "RETURN p.id AS id, p.name AS name, p.name_en AS name_en"
)
CHAIN_CHILDREN = (
    "MATCH (k:Chain)-[:SUBCHAIN_OF]->(c:Chain {id: $id}) "
    "RETURN k.id AS id, k.name AS name, k.name_en AS name_en ORDER BY k.id"
)
CHAIN_SEGMENTS = (
    "MATCH (s:Segment)-[:SEGMENT_OF]->(c:Chain) WHERE c.id IN $ids "
    "RETURN s.id AS id, s.name AS name, s.name_en AS name_en, s.stage AS stage, "
    "s.order AS order, c.id AS chain_id, s.source_docs AS source_docs, "
    "s.source_quotes AS source_quotes"
)
SEGMENT_FLOWS = (
    "MATCH (a:Segment)-[:UPSTREAM_OF]->(b:Segment) WHERE a.id IN $ids AND b.id IN $ids "
    "RETURN a.id AS source, b.id AS target"
)
SEGMENT_ACTORS = (
    "MATCH (a:Node)-[r:IN_SEGMENT|SERVES]->(s:Segment) WHERE s.id IN $ids "
    "RETURN s.id AS segment, a.id AS id, a.kind AS kind, a.name AS name, "
    "a.name_en AS name_en, r.role AS role, type(r) AS rel, a.source_docs AS source_docs, "
    "a.source_quotes AS source_quotes, a.local AS local ORDER BY a.id"
)
CHAIN_ACTORS = (
    "MATCH (a:Node)-[r:IN_CHAIN|SERVES|OVERSEES]->(c:Chain {id: $id}) "
    "RETURN a.id AS id, a.kind AS kind, a.name AS name, a.name_en AS name_en, "
    "r.role AS role, type(r) AS rel, a.source_docs AS source_docs, "
    "a.source_quotes AS source_quotes, a.local AS local ORDER BY a.id"
)

_STAGE_RANK = {s: i for i, s in enumerate(STAGES)}
_KIND_RANK = {"enterprise": 0, "project": 1, "platform": 2, "park": 3, "cluster": 4, "agency": 5}


def _actor(r: dict[str, Any]) -> Actor:
    return Actor(id=r["id"], kind=r.get("kind") or "other", name=r.get("name") or r["id"],
                 name_en=r.get("name_en"), role=r.get("role"), rel=r.get("rel") or "",
                 sources=sources_of(r), local=r.get("local"))


def actor_rank(a: Actor) -> tuple[int, int, str]:
    """Leaders first, then enterprises, projects, platforms …, then by id."""
    return (0 if a.role == "leader" else 1, _KIND_RANK.get(a.kind, 9), a.id)


def own_gap_status(seg: SegmentInfo) -> tuple[str, str]:
    """Gap rule used until ``queries.gaps`` lands: no actor → missing; no local enterprise
    or a single actor → weak; otherwise covered."""
    ents = [a for a in seg.actors if a.kind == "enterprise"]
    if not seg.actors:
        return "missing", "no enterprise, project or platform in this segment"
    if not ents:
        return "weak", "no enterprise in this segment (only platforms/parks/projects)"
    if len(seg.actors) == 1:
        return "weak", "a single actor in this segment"
    return "covered", f"{len(ents)} enterprise(s), {len(seg.actors)} actor(s)"


def _apply_query_gaps(store: GraphStore, chain_id: str, segments: list[SegmentInfo]) -> bool:
    """Take statuses and candidates from ``queries.gaps`` when it exists; True if applied."""
    try:
        from chainatlas.queries import gaps as qg  # type: ignore[attr-defined]
    except ImportError:
        return False
    fn = (getattr(qg, "gap_report", None) or getattr(qg, "chain_gaps", None)
          or getattr(qg, "gaps", None))
    if fn is None:
        return False
    try:
        result = fn(store, chain_id)
    except Exception as e:  # the query library is still moving: keep the map working
        log.warning("queries.gaps failed (%s); using viz's own gap rule", e)
        return False

    def get(obj: Any, name: str, default: Any = None) -> Any:
        if isinstance(obj, dict):
            return obj.get(name, default)
        return getattr(obj, name, default)

    rows = get(result, "segments", None) if not isinstance(result, list) else result
    by_id = {s.id: s for s in segments}
    applied = False
    for row in rows or []:
        seg_obj = get(row, "segment", None)
        sid = get(row, "segment_id", None) or get(row, "id", None) or get(seg_obj, "id", None)
        seg = by_id.get(sid)
        status = get(row, "status", None)
        if seg is None or status is None:
            continue
        seg.status = str(status)
        zh = get(row, "explanation", "") or get(row, "reason", "") or ""
        en = get(row, "explanation_en", "") or ""
        seg.reason = " / ".join(x for x in (zh, en) if x) or seg.reason
        cands = get(row, "candidates", None) or []
        seg.candidates = [c if isinstance(c, dict) else c.model_dump() for c in cands]
        applied = True
    return applied


def chain_map(store: GraphStore, key: str) -> ChainMap:
    """The chain ``key`` (id or Chinese name) with its segments in order and their actors.

    A flagship chain with no segments of its own shows the segments of its key chains.
    """
    node = resolve(store, key, kind="chain")
    cid = node["id"]
    row = store.read(CHAIN_ROW, {"id": cid})[0]
    parent_rows = store.read(CHAIN_PARENT, {"id": cid})
    children = store.read(CHAIN_CHILDREN, {"id": cid})
    seg_rows = store.read(CHAIN_SEGMENTS, {"ids": [cid]})
    if not seg_rows and children:
        seg_rows = store.read(CHAIN_SEGMENTS, {"ids": [c["id"] for c in children]})
    segments = [
        SegmentInfo(id=r["id"], name=r.get("name") or r["id"], name_en=r.get("name_en"),
                    stage=r.get("stage") or "midstream", order=int(r.get("order") or 0),
                    sources=sources_of(r))
        for r in seg_rows
    ]
    ids = [s.id for s in segments]
    flows = [(f["source"], f["target"]) for f in store.read(SEGMENT_FLOWS, {"ids": ids})] \
        if ids else []
    segments = order_segments(segments, flows)
    by_seg: dict[str, list[Actor]] = defaultdict(list)
    for r in store.read(SEGMENT_ACTORS, {"ids": ids}) if ids else []:
        if all(a.id != r["id"] for a in by_seg[r["segment"]]):
            by_seg[r["segment"]].append(_actor(r))
    for s in segments:
        s.actors = sorted(by_seg.get(s.id, []), key=actor_rank)
    for s in segments:  # own rule first; the query library's report overrides it
        s.status, s.reason = own_gap_status(s)
    _apply_query_gaps(store, cid, segments)
    placed = {a.id for s in segments for a in s.actors}
    chain_actors = sorted((_actor(r) for r in store.read(CHAIN_ACTORS, {"id": cid})
                           if r["id"] not in placed), key=actor_rank)
    return ChainMap(id=cid, name=row.get("name") or cid, name_en=row.get("name_en"),
                    tier=row.get("tier"), segments=segments, flows=flows,
                    chain_actors=chain_actors, subchains=children,
                    parent=parent_rows[0] if parent_rows else None, sources=sources_of(row))


def order_segments(segments: list[SegmentInfo], flows: list[tuple[str, str]]) -> list[SegmentInfo]:
    """Upstream to downstream: by stage, then by ``UPSTREAM_OF`` (topological), then ``order``.

    >>> a = SegmentInfo("a", "A", None, "downstream", 1)
    >>> b = SegmentInfo("b", "B", None, "upstream", 2)
    >>> [s.id for s in order_segments([a, b], [])]
    ['b', 'a']
    """
    import networkx as nx

    g = nx.DiGraph()
    g.add_nodes_from(s.id for s in segments)
    g.add_edges_from(f for f in flows if f[0] in g and f[1] in g)
    level: dict[str, int] = {}
    if nx.is_directed_acyclic_graph(g):
        for n in nx.topological_sort(g):
            level[n] = max((level[p] + 1 for p in g.predecessors(n)), default=0)
    return sorted(segments, key=lambda s: (_STAGE_RANK.get(s.stage, 1), level.get(s.id, 0),
                                          s.order, s.id))


def chain_subgraph(cm: ChainMap) -> VGraph:
    """The chain map as a graph (chain, segments, actors) for the interactive page."""
    nodes = [VNode(cm.id, "chain", cm.name, cm.name_en, sources=cm.sources,
                   props={"tier": cm.tier})]
    edges: list[VEdge] = []
    seen = {cm.id}
    for s in cm.segments:
        nodes.append(VNode(s.id, "segment", s.name, s.name_en, depth=1, sources=s.sources,
                           props={"stage": s.stage, "order": s.order, "status": s.status,
                                  "reason": s.reason}))
        seen.add(s.id)
    for s in cm.segments:
        for a in s.actors:
            if a.id not in seen:
                nodes.append(VNode(a.id, a.kind, a.name, a.name_en, role=a.role, depth=2,
                                   sources=a.sources))
                seen.add(a.id)
            elif a.role == "leader":
                n = next(x for x in nodes if x.id == a.id)
                n.role = "leader"
            edges.append(VEdge(a.id, s.id, a.rel or "IN_SEGMENT", a.role))
    for a in cm.chain_actors:
        if a.id not in seen:
            nodes.append(VNode(a.id, a.kind, a.name, a.name_en, role=a.role, depth=1,
                               sources=a.sources))
            seen.add(a.id)
        edges.append(VEdge(a.id, cm.id, a.rel or "IN_CHAIN", a.role))
    edges += [VEdge(a, b, "UPSTREAM_OF") for a, b in cm.flows]
    return VGraph(cm.id, nodes, edges, False)
