"""Paths: the shortest connections (a few) between two nodes, at most 4 hops.

Iterative deepening with one builder text: paths of exactly 1 hop, then 2, … up to
``max_hops``; the first length that has paths gives the shortest ones, and when fewer than
``limit`` were found the next length adds some more. Each variable-length match is bounded
and ordered, never ``shortestPath`` (valid on FalkorDB and Neo4j 5). MENTIONS (documents) is
not followed unless asked for.

Hubs are not walked through unless ``expand_hubs`` is set: 比亚迪 → 济南市 → 天岳先进 says only
that both are in Jinan. A hub is what :mod:`neighbourhood` calls one (more than
:data:`~chainatlas.queries.neighbourhood.HUB_DEGREE` relationships), plus the city / province
and the city government (:data:`HUBS`), which join everything by definition. When only a hub
connects the two, the hub paths are returned with ``only_via_hubs`` and a note saying so.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from chainatlas.graph.cypher import check_rel_type
from chainatlas.graph.model import DOC_BASES
from chainatlas.graph.store import GraphStore, QueryTimeout
from chainatlas.queries.models import GraphEdge, GraphNode, edge_from
from chainatlas.queries.neighbourhood import HUB_DEGREE, check_rel_types
from chainatlas.queries.nodes import fetch_nodes

MAX_HOPS = 4


HUBS = (
    "MATCH (n:Node) WHERE n.basis IN $doc_bases "
    "MATCH (n)-[r]-(:Node) WHERE type(r) IN $types "
    "WITH n, count(r) AS degree "
    "WHERE degree > $hub_degree OR (n.kind = 'district' AND n.level IN ['city', 'province']) "
    "OR (n.kind = 'agency' AND n.type = '政府') "
    "RETURN n.id AS id, n.name AS name, coalesce(n.basis, 'stated') AS basis, degree"
)
"""Which nodes are hubs (very many relationships of these types, the city, the government)?
Only document-graph nodes can be (``Node.basis`` index): a registry firm has a handful of
relationships, and not scanning a million of them to count them saves most of the time."""


def path_query(hops: int, rel_types: list[str]) -> str:
    """Cypher for the simple paths of exactly ``hops`` relationships of these types between two
    nodes, passing through none of the nodes in ``$avoid`` and only through document-graph
    nodes (``$doc_bases``).

    The path is spelled out one hop per ``MATCH`` clause (not ``*hops..hops``, nor one long
    pattern), so that each intermediate node is filtered as soon as it is reached: the store
    never walks on from a hub's registry firms (FalkorDB evaluates a whole pattern as one
    traversal and filters afterwards: a variable-length match enumerated every path through a
    segment of 100k registry firms — 10 s timeouts at 1M firms).

    >>> path_query(2, ["IN_SEGMENT", "PARTNERS_WITH"])[:73]
    'MATCH (a:Node {id: $src})-[r1:IN_SEGMENT|PARTNERS_WITH]-(n1:Node) WHERE n'
    >>> "NOT b.id IN $avoid" in path_query(1, ["IN_SEGMENT"])
    True
    >>> "n1.basis IN $doc_bases AND NOT n1.id IN $avoid" in path_query(3, ["IN_SEGMENT"])
    True
    >>> path_query(5, ["IN_SEGMENT"])
    Traceback (most recent call last):
    ...
    ValueError: hops must be between 1 and 4
    """
    if not 1 <= hops <= MAX_HOPS:
        raise ValueError(f"hops must be between 1 and {MAX_HOPS}")
    types = "|".join(check_rel_type(t) for t in rel_types)
    names = ["a", *(f"n{i}" for i in range(1, hops)), "b"]
    rels = [f"r{i}" for i in range(1, hops + 1)]
    parts = []
    for i in range(hops):
        x, y = names[i], names[i + 1]
        left = "(a:Node {id: $src})" if i == 0 else f"({x})"
        if y == "b":
            right, cond = "(b:Node {id: $dst})", "NOT b.id IN $avoid"
        else:
            right, cond = f"({y}:Node)", f"{y}.basis IN $doc_bases AND NOT {y}.id IN $avoid"
        cond += "".join(f" AND {y}.id <> {z}.id" for z in names[:i + 1])
        if i == 0:
            cond += " AND NOT a.id IN $avoid"
        parts.append(f"MATCH {left}-[{rels[i]}:{types}]-{right} WHERE {cond}")
        if y != "b":
            parts.append("WITH " + ", ".join([*names[:i + 2], *rels[:i + 1]]))
    return (
        " ".join(parts) + " "
        f"RETURN [{', '.join(f'{n}.id' for n in names)}] AS ids, "
        f"[{', '.join(f'type({r})' for r in rels)}] AS types, "
        f"[{', '.join(f'startNode({r}).id' for r in rels)}] AS starts, "
        f"[{', '.join(f'endNode({r}).id' for r in rels)}] AS ends, "
        f"[{', '.join(f'properties({r})' for r in rels)}] AS props, {hops} AS hops "
        "ORDER BY hops, ids, types LIMIT $cap"
    )


class PathOut(BaseModel):
    length: int
    nodes: list[GraphNode]
    edges: list[GraphEdge]


VIA_HUB_HOPS = 2
"""When no path avoids the hubs, paths through a hub are looked for: always up to this many
hops (比亚迪 → 济南市 → 天岳先进), longer ones only within :data:`VIA_HUB_MS` each. A hub joins
thousands of nodes, and a longer walk through one fans out over them (seconds at 1M registry
firms) to say no more than "both are in Jinan"; the answer then says it stopped."""
VIA_HUB_MS = 1500
"""Time allowed to each longer (> :data:`VIA_HUB_HOPS`) search through hubs, in ms."""

HUBS_SHOWN = 10
"""How many of the avoided hubs (most connected first) an answer names."""


class HubRef(BaseModel):
    id: str
    name: str
    basis: str = "stated"
    degree: int


class PathResult(BaseModel):
    source: str = Field(alias="from")
    target: str = Field(alias="to")
    paths: list[PathOut]
    expand_hubs: bool = Field(False, description="whether paths may pass through hubs")
    only_via_hubs: bool = Field(False, description="only a hub (e.g. 济南市) connects the two")
    hubs: list[HubRef] = Field(default_factory=list, description=(
        "the hubs avoided (the 10 most connected), or the ones the paths go through"))
    note: str | None = None

    model_config = {"populate_by_name": True}


def hubs(store: GraphStore, rel_types: list[str], *,
         timeout_ms: int | None = None) -> dict[str, dict]:
    """The hub nodes (id → row with name and degree) over these relationship types."""
    return {r["id"]: r for r in store.read(HUBS, {"types": rel_types, "hub_degree": HUB_DEGREE,
                                                  "doc_bases": DOC_BASES},
                                           timeout_ms=timeout_ms)}


def shortest_paths(store: GraphStore, src: str, dst: str, *, limit: int = 3,
                   max_hops: int = MAX_HOPS, rel_types: list[str] | None = None,
                   expand_hubs: bool = False, timeout_ms: int | None = None,
                   known_hubs: dict[str, dict] | None = None) -> PathResult:
    """How are these two nodes connected (the shortest few paths, up to ``max_hops``),
    not through hubs unless ``expand_hubs`` or nothing else connects them?

    ``known_hubs``: :func:`hubs` of these types when the caller keeps them (they change only
    with the graph, and finding them counts every relationship of the graph)."""
    types = check_rel_types(rel_types)
    if expand_hubs:
        return _paths(store, src, dst, limit, max_hops, types, [], timeout_ms).model_copy(
            update={"expand_hubs": True})
    if known_hubs is None:
        known_hubs = hubs(store, types, timeout_ms=timeout_ms)
    hub = {k: v for k, v in known_hubs.items() if k not in (src, dst)}
    res = _paths(store, src, dst, limit, max_hops, types, sorted(hub), timeout_ms)
    refs = sorted((HubRef(id=k, name=v["name"] or k, basis=v.get("basis") or "stated",
                           degree=v["degree"])
                   for k, v in hub.items()), key=lambda h: (-h.degree, h.id))
    if res.paths or src == dst:
        return res.model_copy(update={"hubs": refs[:HUBS_SHOWN]})
    budget = VIA_HUB_MS if timeout_ms is None else min(timeout_ms, VIA_HUB_MS)
    via = _paths(store, src, dst, limit, max_hops, types, [], budget, sure=VIA_HUB_HOPS)
    if not via.paths:
        return res.model_copy(update={"hubs": refs, "note": via.note})
    used = {n.id for p in via.paths for n in p.nodes} & hub.keys()
    names = "、".join(hub[k]["name"] or k for k in sorted(used))
    return via.model_copy(update={
        "only_via_hubs": True, "hubs": [h for h in refs if h.id in used][:HUBS_SHOWN],
        "note": f"两者仅经由枢纽节点（{names}）相连，没有更直接的关系。"
                f" Only a hub ({names}) connects them: no more specific relationship."
                + (f" {via.note}" if via.note else "")})


def _paths(store: GraphStore, src: str, dst: str, limit: int, max_hops: int,
           types: list[str], avoid: list[str], timeout_ms: int | None,
           sure: int | None = None) -> PathResult:
    """The shortest paths; with ``sure``, a length above it that runs out of ``timeout_ms``
    ends the search (``cut_short``) instead of failing it."""
    found: list[dict] = []
    seen: set[tuple[str, ...]] = set()
    cut = False
    if src != dst:
        for hops in range(1, min(max_hops, MAX_HOPS) + 1):
            params = {"src": src, "dst": dst, "cap": limit * 20, "avoid": avoid,
                      "doc_bases": DOC_BASES}
            try:
                rows = store.read(path_query(hops, types), params,
                                  timeout_ms=None if sure is not None and hops <= sure
                                  else timeout_ms)
            except QueryTimeout:
                if sure is None or hops <= sure:
                    raise
                cut = True
                break
            for r in rows:
                key = tuple(r["ids"]) + tuple(r["types"])
                if len(set(r["ids"])) == len(r["ids"]) and key not in seen:
                    seen.add(key)
                    found.append(r)
            if found and (len(found) >= limit or found[0]["hops"] < hops):
                break  # enough, or already one length past the shortest
    found = found[:limit]
    ids = sorted({i for r in found for i in r["ids"]})
    nodes = fetch_nodes(store, ids, timeout_ms=timeout_ms)
    paths = []
    for r in found:
        pnodes = [nodes[i].model_copy(update={"depth": k}) for k, i in enumerate(r["ids"])
                  if i in nodes]
        edges = [edge_from(s, e, t, p) for s, e, t, p in
                 zip(r["starts"], r["ends"], r["types"], r["props"], strict=False)]
        paths.append(PathOut(length=r["hops"], nodes=pnodes, edges=edges))
    res = PathResult(source=src, target=dst, paths=paths)
    if cut:
        res.note = (f"经由枢纽节点的更长路径（{hops}跳及以上）未在时限内查完，仅列出已找到的。"
                    f" Longer paths through hubs ({hops} hops or more) were not searched to the "
                    "end in time; only those found are listed.")
    return res
