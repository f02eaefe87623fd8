"""Neighbourhood: the nodes and relationships within k hops (k ≤ 3) of any node.

Breadth-first, one hop per round with the same text (:data:`HOP`), filtered by node kinds and
relationship types. When more than ``max_nodes`` are reached the most relevant are kept:
closer first, then the ones with more relationships (of the allowed types), then by id.
Documents and MENTIONS are left out unless asked for (a document mentions everything).
Hubs — nodes with more than :data:`HUB_DEGREE` relationships, such as the city itself — are
shown but not walked through (unless they are the centre or ``expand_hubs`` is set): going
through 济南市 would bring in half the graph and bury the node's own neighbourhood.

The texts anchor the start nodes first (``MATCH (a {id: x}) WITH a MATCH (a)-[r]-(b)``): with
the filter on ``b`` in the same MATCH, FalkorDB plans a scan of every ``b`` per start node.
"""

from __future__ import annotations

from chainatlas.graph.model import NODE_KINDS, REL_TYPES
from chainatlas.graph.store import GraphStore
from chainatlas.queries.models import GraphEdge, GraphNode, Source, Subgraph, edge_from
from chainatlas.queries.nodes import fetch_nodes

__all__ = ["GraphEdge", "GraphNode", "Source", "Subgraph", "neighbourhood"]

MAX_DEPTH = 3
HUB_DEGREE = 40
"""Nodes with more relationships than this are not expanded beyond (see module docstring)."""
DEFAULT_KINDS: tuple[str, ...] = tuple(k for k in NODE_KINDS if k != "document")
DEFAULT_REL_TYPES: tuple[str, ...] = tuple(
    t for t in REL_TYPES if t not in {"MENTIONS", "PRESENCE"})
"""Every type but MENTIONS and PRESENCE (citations and presence statements are evidence about
a node, not links between actors; ask for them by name)."""

HOP = (
    "UNWIND $frontier AS fid MATCH (a:Node {id: fid}) "
    "WITH a MATCH (a)-[r]-(b:Node) WHERE type(r) IN $types AND b.kind IN $kinds "
    "RETURN DISTINCT b.id AS id"
)
"""Which nodes (of these kinds) are one relationship (of these types) away from these nodes?"""

DEGREES = (
    "UNWIND $ids AS nid MATCH (n:Node {id: nid}) "
    "OPTIONAL MATCH (n)-[r]-(:Node) WHERE type(r) IN $types "
    "RETURN nid AS id, count(r) AS degree"
)
"""How many relationships (of these types) does each of these nodes have?"""

EDGES_AMONG = (
    "UNWIND $ids AS nid MATCH (a:Node {id: nid}) "
    "WITH a MATCH (a)-[r]->(b:Node) WHERE b.id IN $ids AND type(r) IN $types "
    "RETURN a.id AS source, b.id AS target, type(r) AS type, properties(r) AS props"
)
"""Which relationships (of these types) join nodes of this set?"""


def check_kinds(kinds: list[str] | None) -> list[str]:
    """The node kinds to keep (default: all but documents); unknown kinds raise ValueError.

    >>> check_kinds(["enterprise"])
    ['enterprise']
    """
    if not kinds:
        return list(DEFAULT_KINDS)
    bad = [k for k in kinds if k not in NODE_KINDS]
    if bad:
        raise ValueError(f"unknown node kind(s): {', '.join(bad)}")
    return list(kinds)


def check_rel_types(rel_types: list[str] | None) -> list[str]:
    """The relationship types to follow (default: all but MENTIONS); unknown ones raise."""
    if not rel_types:
        return list(DEFAULT_REL_TYPES)
    bad = [t for t in rel_types if t not in REL_TYPES]
    if bad:
        raise ValueError(f"unknown relationship type(s): {', '.join(bad)}")
    return list(rel_types)


def neighbourhood(store: GraphStore, center: str, *, depth: int = 1,
                  kinds: list[str] | None = None, rel_types: list[str] | None = None,
                  max_nodes: int = 150, expand_hubs: bool = False,
                  timeout_ms: int | None = None) -> Subgraph | None:
    """What lies within ``depth`` hops of this node (of these kinds, over these types)?

    Returns None when the centre does not exist.
    """
    if not 1 <= depth <= MAX_DEPTH:
        raise ValueError(f"depth must be between 1 and {MAX_DEPTH}")
    if max_nodes < 1:
        raise ValueError("max_nodes must be at least 1")
    kinds_l, types_l = check_kinds(kinds), check_rel_types(rel_types)
    start = fetch_nodes(store, [center], timeout_ms=timeout_ms)
    if center not in start:
        return None
    depth_of: dict[str, int] = {center: 0}
    frontier = [center]
    truncated = False
    for d in range(1, depth + 1):
        if d > 1 and not expand_hubs and frontier:
            deg = {r["id"]: r["degree"] for r in store.read(
                DEGREES, {"ids": frontier, "types": types_l}, timeout_ms=timeout_ms)}
            frontier = [i for i in frontier if deg.get(i, 0) <= HUB_DEGREE]
        if not frontier:
            break
        rows = store.read(HOP, {"frontier": frontier, "types": types_l, "kinds": kinds_l},
                          timeout_ms=timeout_ms)
        new = sorted({r["id"] for r in rows} - depth_of.keys())
        room = max_nodes - len(depth_of)
        if len(new) > room:
            truncated = True
            deg = {r["id"]: r["degree"] for r in store.read(
                DEGREES, {"ids": new, "types": types_l}, timeout_ms=timeout_ms)}
            new = sorted(new, key=lambda i: (-deg.get(i, 0), i))[:max(room, 0)]
        for i in new:
            depth_of[i] = d
        frontier = new
        if truncated:
            break
    ids = list(depth_of)
    nodes = fetch_nodes(store, ids, depth_of, timeout_ms=timeout_ms)
    edges: list[GraphEdge] = []
    seen: set[tuple[str, str, str]] = set()
    for r in store.read(EDGES_AMONG, {"ids": ids, "types": types_l}, timeout_ms=timeout_ms):
        key = (r["source"], r["target"], r["type"])
        if key not in seen:
            seen.add(key)
            edges.append(edge_from(r["source"], r["target"], r["type"], r["props"]))
    ordered = sorted(nodes.values(), key=lambda n: (n.depth, n.kind, n.id))
    edges.sort(key=lambda e: (e.type, e.source, e.target))
    return Subgraph(center=center, nodes=ordered, edges=edges, truncated=truncated)
