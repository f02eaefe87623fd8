"""What the pictures draw, read from the store: neighbourhoods and chain maps.

The query engineer's :mod:`chainatlas.queries` modules are used when they are present
(``queries.neighbourhood``, ``queries.gaps``); otherwise the small parameterised Cypher here
is used. Every query is valid on FalkorDB and Neo4j and returns projections, never whole nodes.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Any

from chainatlas.graph.model import STAGES, sources_of
from chainatlas.graph.store import GraphStore
from chainatlas.queries.gaps import DOC_BASES, GapReport, gap_report
from chainatlas.queries.models import Subgraph
from chainatlas.queries.neighbourhood import neighbourhood as query_neighbourhood
from chainatlas.queries.nodes import resolve as resolve_node
from chainatlas.queries.nodes import suggestions

HIDDEN_PROPS = {"search_keys", "aliases_text", "source_docs", "source_quotes"}


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
    basis: str = "stated"  # how its place here is known (inferred / rule marked on maps)
    registry: int = 0  # 1 + its rank among the segment's largest registry firms; 0: documents
    rule: str | None = None  # for a registry firm: the classification rule that placed it


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
    basis: str = "stated"  # reference: industry knowledge, no source (dotted frame)
    reference: str | None = None
    status_zh: str = ""
    reason_en: str = ""
    firms: int = 0  # distinct local firms counted (queries.gaps)
    registry_firms: int = 0  # of which registry firms (counted by the import's tallies)
    registry_more: int = 0  # registry firms counted but not among ``actors`` (``+N`` on maps)
    evidence: list[dict[str, str]] = field(default_factory=list)  # statement quotes


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
    overall: str = "unknown"
    coverage: dict[str, Any] = field(default_factory=dict)
    derived: bool = False


class NotFoundError(LookupError):
    """No node matches the key; ``suggestions`` lists near matches."""

    def __init__(self, what: str, key: str, suggestions: list[dict[str, Any]]):
        super().__init__(f"No {what} matches {key!r}")
        self.what, self.key, self.suggestions = what, key, suggestions


# --------------------------------------------------------------------------- resolving names

def resolve(store: GraphStore, key: str, kind: str | None = None) -> dict[str, Any]:
    """Find the node a user means by ``key``: an id, a Chinese name, an alias, English or pinyin.

    ``kind`` restricts the answer (``chain`` for chain maps). Raises :class:`NotFoundError`
    with suggestions (the same resolution and suggestions as the JSON API).
    """
    props = resolve_node(store, key.strip(), kind)
    if props is not None:
        return {k: props.get(k) for k in ("id", "kind", "name", "name_en")}
    hits = suggestions(store, key.strip(), kind) or suggestions(store, key.strip())
    raise NotFoundError(kind or "node", key,
                        [h.model_dump(include={"id", "kind", "name", "name_en"}) for h in hits])


# --------------------------------------------------------------------------- neighbourhood

def _from_model(sub: Subgraph) -> VGraph:
    """Convert a :class:`queries.models.Subgraph` into a :class:`VGraph`."""
    nodes = [
        VNode(id=n.id, kind=n.kind or "other", name=n.name or n.id, name_en=n.name_en,
              aliases=list(n.aliases or []), role=n.role, depth=int(n.depth or 0),
              props={k: v for k, v in (n.props or {}).items() if k not in HIDDEN_PROPS},
              sources=[s.model_dump() for s in n.sources])
        for n in sub.nodes
    ]
    edges = [VEdge(source=e.source, target=e.target, type=e.type, role=e.role,
                   sources=[s.model_dump() for s in e.sources]) for e in sub.edges]
    return VGraph(sub.center, nodes, edges, bool(sub.truncated))


def neighbourhood(store: GraphStore, key: str, depth: int = 1, kinds: list[str] | None = None,
                  rel_types: list[str] | None = None, max_nodes: int = 150) -> VGraph:
    """The node ``key`` (id, name or alias) and what lies within ``depth`` hops of it."""
    node = resolve(store, key)
    sub = query_neighbourhood(store, node["id"], depth=depth, kinds=kinds, rel_types=rel_types,
                              max_nodes=max_nodes)
    if sub is None:
        raise NotFoundError("node", key, [])
    return _from_model(sub)


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
    "RETURN k.id AS id, k.name AS name, k.name_en AS name_en, k.derived AS derived, "
    "k.basis AS basis ORDER BY k.id"
)
CHAIN_SEGMENTS = (
    "MATCH (s:Segment)-[:SEGMENT_OF]->(c:Chain) WHERE c.id IN $ids "
    "RETURN s.id AS id, s.name AS name, s.name_en AS name_en, s.stage AS stage, "
    "s.order AS order, c.id AS chain_id, s.source_docs AS source_docs, "
    "s.source_quotes AS source_quotes, s.basis AS basis, s.reference AS reference"
)
SEGMENT_FLOWS = (
    "MATCH (a:Segment)-[:UPSTREAM_OF]->(b:Segment) WHERE a.id IN $ids AND b.id IN $ids "
    "RETURN a.id AS source, b.id AS target"
)
SEGMENT_ACTORS = (
    "MATCH (a:Node) WHERE a.basis IN $doc_bases "
    "MATCH (a)-[r:IN_SEGMENT|SERVES]->(s:Segment) WHERE s.id IN $ids "
    "RETURN s.id AS segment, a.id AS id, a.kind AS kind, a.name AS name, "
    "a.name_en AS name_en, r.role AS role, type(r) AS rel, a.source_docs AS source_docs, "
    "a.source_quotes AS source_quotes, a.local AS local, r.basis AS basis ORDER BY a.id"
)
"""The document graph's actors of these segments, found from the ``Node.basis`` index (registry
firms are counted, and the largest named, by :data:`SEGMENT_REGISTRY_TOP`: a segment holds up
to 100k of them and is never walked)."""
SEGMENT_REGISTRY_TOP = (
    "MATCH (s:Segment) WHERE s.id IN $ids "
    "WITH s, coalesce(s.registry_top_ids, []) AS top "
    "UNWIND range(0, size(top) - 1) AS i WITH s, i, top[i] AS aid "
    "MATCH (a:Node {id: aid})-[r:IN_SEGMENT]->(t:Segment) WHERE t.id = s.id "
    "RETURN s.id AS segment, a.id AS id, a.kind AS kind, a.name AS name, "
    "a.name_en AS name_en, r.role AS role, type(r) AS rel, a.source_docs AS source_docs, "
    "a.source_quotes AS source_quotes, a.local AS local, r.basis AS basis, "
    "r.basis_note AS rule, a.capital_wan AS capital_wan, a.insured AS insured, i AS rank"
)
"""The largest active local registry firms of these segments, as the import ranked them
(``registry_top_ids``, :mod:`chainatlas.graph.tallies`)."""
CHAIN_ACTORS = (
    "MATCH (a:Node)-[r:IN_CHAIN|SERVES|OVERSEES]->(c:Chain {id: $id}) "
    "RETURN a.id AS id, a.kind AS kind, a.name AS name, a.name_en AS name_en, "
    "r.role AS role, type(r) AS rel, a.source_docs AS source_docs, "
    "a.source_quotes AS source_quotes, a.local AS local, r.basis AS basis ORDER BY a.id"
)

_STAGE_RANK = {s: i for i, s in enumerate(STAGES)}
_KIND_RANK = {"enterprise": 0, "project": 1, "platform": 2, "park": 3, "cluster": 4, "agency": 5}


def _actor(r: dict[str, Any]) -> Actor:
    return Actor(id=r["id"], kind=r.get("kind") or "other", name=r.get("name") or r["id"],
                 name_en=r.get("name_en"), role=r.get("role"), rel=r.get("rel") or "",
                 sources=sources_of(r), local=r.get("local"), basis=r.get("basis") or "stated")


def actor_rank(a: Actor) -> tuple[int, int, int, int, str]:
    """Leaders first, then the documents' enterprises, projects, platforms …, then the largest
    registry firms (in the import's order), then by id."""
    return (0 if a.role == "leader" else 1, 1 if a.registry else 0, _KIND_RANK.get(a.kind, 9),
            a.registry, a.id)


def _apply_gaps(store: GraphStore, chain_id: str, segments: list[SegmentInfo],
                subchains: list[dict[str, Any]]) -> GapReport | None:
    """Status, reason, evidence and candidates of each segment, and each key chain's status,
    from :func:`queries.gaps.gap_report` (the one gap rule)."""
    report = gap_report(store, chain_id)
    by_id = {s.id: s for s in segments}
    for row in report.segments if report else []:
        seg = by_id.get(row.id)
        if seg is None:
            continue
        seg.status, seg.status_zh = row.status, row.status_zh
        seg.reason = row.explanation
        seg.reason_en = row.explanation_en
        seg.firms = row.counts.firms
        seg.registry_firms = int(row.counts.by_basis.get("registry", 0))
        named = sum(1 for a in seg.actors if a.registry and a.local is not False)
        seg.registry_more = max(0, seg.registry_firms - named)
        seg.basis, seg.reference = row.basis, row.reference
        seg.candidates = [c.model_dump() for c in row.candidates]
        seg.evidence = [{"doc": src.doc, "quote": src.quote, "says": st.says,
                         "basis": st.basis}
                        for st in row.statements for src in st.sources]
    keys = {k.id: k for k in report.key_chains} if report else {}
    for k in subchains:
        if k["id"] in keys:
            kg = keys[k["id"]]
            k.update(status=kg.status, status_zh=kg.status_zh, reason=kg.explanation,
                     reason_en=kg.explanation_en, derived=kg.derived, firms=kg.actors,
                     sources=[x.model_dump() for x in kg.sources],
                     evidence=[{"doc": x.doc, "quote": x.quote, "says": st.says}
                               for st in kg.statements for x in st.sources])
    return report


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
    # sorted: the store returns flows in its own order, and map.json should not change with it
    flows = sorted((f["source"], f["target"]) for f in store.read(SEGMENT_FLOWS, {"ids": ids})) \
        if ids else []
    segments = order_segments(segments, flows)
    # the document graph's actors (Node.basis index), then the largest local registry firms the
    # import ranked; the rest are counted (a segment may hold tens of thousands of them)
    by_seg: dict[str, list[Actor]] = defaultdict(list)
    seen: set[tuple[str, str]] = set()
    for r in store.read(SEGMENT_ACTORS, {"ids": ids, "doc_bases": DOC_BASES}) if ids else []:
        if (r["segment"], r["id"]) not in seen:
            seen.add((r["segment"], r["id"]))
            by_seg[r["segment"]].append(_actor(r))
    for r in store.read(SEGMENT_REGISTRY_TOP, {"ids": ids}) if ids else []:
        if (r["segment"], r["id"]) not in seen:
            seen.add((r["segment"], r["id"]))
            by_seg[r["segment"]].append(replace(_actor(r), registry=int(r["rank"]) + 1,
                                                 rule=r.get("rule")))
    for s in segments:
        s.actors = sorted(by_seg.get(s.id, []), key=actor_rank)
    subchains = [dict(c) for c in children]
    report = _apply_gaps(store, cid, segments, subchains)
    placed = {a.id for s in segments for a in s.actors}
    chain_actors = sorted((_actor(r) for r in store.read(CHAIN_ACTORS, {"id": cid})
                           if r["id"] not in placed), key=actor_rank)
    return ChainMap(id=cid, name=row.get("name") or cid, name_en=row.get("name_en"),
                    tier=row.get("tier"), segments=segments, flows=flows,
                    chain_actors=chain_actors, subchains=subchains,
                    parent=parent_rows[0] if parent_rows else None, sources=sources_of(row),
                    overall=report.overall if report else "unknown",
                    coverage=report.coverage.model_dump() if report else {},
                    derived=bool(report.derived) if report else False)


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
                                  "basis": s.basis,
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
