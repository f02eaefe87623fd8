"""Paths: the shortest connections (a few) between two nodes, at most 4 hops.

Iterative deepening with one builder text: paths of exactly 1 hop, then 2, … up to
``max_hops``; the first length that has paths gives the shortest ones, and when fewer than
``limit`` were found the next length adds some more. Each variable-length match is bounded
and ordered, never ``shortestPath`` (valid on FalkorDB and Neo4j 5). MENTIONS (documents) is
not followed unless asked for.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from chainatlas.graph.cypher import check_rel_type
from chainatlas.graph.store import GraphStore
from chainatlas.queries.models import GraphEdge, GraphNode, edge_from
from chainatlas.queries.neighbourhood import check_rel_types
from chainatlas.queries.nodes import fetch_nodes

MAX_HOPS = 4


def path_query(hops: int, rel_types: list[str]) -> str:
    """Cypher for the paths of exactly ``hops`` relationships of these types between two nodes.

    >>> path_query(2, ["IN_SEGMENT", "PARTNERS_WITH"])[:71]
    'MATCH p = (a:Node {id: $src})-[:IN_SEGMENT|PARTNERS_WITH*2..2]-(b:Node '
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


class PathResult(BaseModel):
    source: str = Field(alias="from")
    target: str = Field(alias="to")
    paths: list[PathOut]

    model_config = {"populate_by_name": True}


def shortest_paths(store: GraphStore, src: str, dst: str, *, limit: int = 3,
                   max_hops: int = MAX_HOPS, rel_types: list[str] | None = None,
                   timeout_ms: int | None = None) -> PathResult:
    """How are these two nodes connected (the shortest few paths, up to ``max_hops``)?"""
    types = check_rel_types(rel_types)
    found: list[dict] = []
    seen: set[tuple[str, ...]] = set()
    if src != dst:
        for hops in range(1, min(max_hops, MAX_HOPS) + 1):
            rows = store.read(path_query(hops, types),
                              {"src": src, "dst": dst, "cap": limit * 20},
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
