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
from chainatlas.graph.store import GraphStore
from chainatlas.queries.models import GraphEdge, GraphNode, edge_from
from chainatlas.queries.neighbourhood import HUB_DEGREE, check_rel_types
from chainatlas.queries.nodes import fetch_nodes

MAX_HOPS = 4


HUBS = (
    "MATCH (n:Node)-[r]-(:Node) WHERE type(r) IN $types "
    "WITH n, count(r) AS degree "
    "WHERE degree > $hub_degree OR (n.kind = 'district' AND n.level IN ['city', 'province']) "
    "OR (n.kind = 'agency' AND n.type = '政府') "
    "RETURN n.id AS id, n.name AS name, coalesce(n.basis, 'stated') AS basis, degree"
)
"""Which nodes are hubs (very many relationships of these types, the city, the government)?"""


def path_query(hops: int, rel_types: list[str]) -> str:
    """Cypher for the paths of exactly ``hops`` relationships of these types between two
    nodes, passing through none of the nodes in ``$avoid``.

    >>> path_query(2, ["IN_SEGMENT", "PARTNERS_WITH"])[:71]
    'MATCH p = (a:Node {id: $src})-[:IN_SEGMENT|PARTNERS_WITH*2..2]-(b:Node '
    >>> "none(n IN nodes(p) WHERE n.id IN $avoid)" in path_query(1, ["IN_SEGMENT"])
    True
    >>> path_query(5, ["IN_SEGMENT"])
    Traceback (most recent call last):
    ...
    ValueError: hops must be between 1 and 4
    """
    if not 1 <= hops <= MAX_HOPS:
        raise ValueError(f"hops must be between 1 and {MAX_HOPS}")
    types = "|".join(check_rel_type(t) for t in rel_types)
    return (
        f"MATCH p = (a:Node {{id: $src}})-[:{types}*{hops}..{hops}]-(b:Node {{id: $dst}}) "
        "WHERE none(n IN nodes(p) WHERE n.id IN $avoid) "
        "RETURN [n IN nodes(p) | n.id] AS ids, "
        "[r IN relationships(p) | type(r)] AS types, "
        "[r IN relationships(p) | startNode(r).id] AS starts, "
        "[r IN relationships(p) | endNode(r).id] AS ends, "
        "[r IN relationships(p) | properties(r)] AS props, length(p) AS hops "
        "ORDER BY hops, ids, types LIMIT $cap"
    )


class PathOut(BaseModel):
    length: int
    nodes: list[GraphNode]
    edges: list[GraphEdge]


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
    return {r["id"]: r for r in store.read(HUBS, {"types": rel_types, "hub_degree": HUB_DEGREE},
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
    via = _paths(store, src, dst, limit, max_hops, types, [], timeout_ms)
    if not via.paths:
        return res.model_copy(update={"hubs": refs})
    used = {n.id for p in via.paths for n in p.nodes} & hub.keys()
    names = "、".join(hub[k]["name"] or k for k in sorted(used))
    return via.model_copy(update={
        "only_via_hubs": True, "hubs": [h for h in refs if h.id in used][:HUBS_SHOWN],
        "note": f"两者仅经由枢纽节点（{names}）相连，没有更直接的关系。"
                f" Only a hub ({names}) connects them: no more specific relationship."})


def _paths(store: GraphStore, src: str, dst: str, limit: int, max_hops: int,
           types: list[str], avoid: list[str], timeout_ms: int | None) -> PathResult:
    found: list[dict] = []
    seen: set[tuple[str, ...]] = set()
    if src != dst:
        for hops in range(1, min(max_hops, MAX_HOPS) + 1):
            rows = store.read(path_query(hops, types),
                              {"src": src, "dst": dst, "cap": limit * 20, "avoid": avoid},
                              timeout_ms=timeout_ms)
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
    return PathResult(source=src, target=dst, paths=paths)
