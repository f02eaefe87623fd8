"""Node resolution (id, Chinese name or alias → node) and one node with all its relationships.

Every ``{id}`` in the API goes through :func:`resolve`: an exact id first (index lookup), then
an exact, case-insensitive name / alias / English name, then an exact pinyin key when only one
node has it. Unknown keys get suggestions from :func:`chainatlas.queries.search.search`.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from chainatlas.graph.model import NODE_KINDS
from chainatlas.graph.names import normalise
from chainatlas.graph.store import GraphStore
from chainatlas.queries.models import (
    RESERVED_REL_PROPS,
    Basis,
    GraphNode,
    Source,
    basis_of,
    node_from_props,
    to_sources,
)
from chainatlas.queries.search import SearchHit, search

NODE_BY_ID = "MATCH (n:Node {id: $id}) RETURN properties(n) AS props"
"""Which node has exactly this id?"""

NODE_BY_KEY = (
    "MATCH (n:Node) WHERE ($kind IS NULL OR n.kind = $kind) AND "
    "(toLower(n.id) = $key OR $key IN n.search_keys) RETURN properties(n) AS props"
)
"""Which nodes have this (normalised) id, name, alias, English name or pinyin as a key?"""

NODES_BY_IDS = (
    "UNWIND $ids AS nid MATCH (n:Node {id: nid}) "
    "OPTIONAL MATCH (n)-[l:IN_CHAIN|IN_SEGMENT]->(:Node) WHERE l.role = $leader "
    "RETURN properties(n) AS props, count(l) AS leads"
)
"""What are the properties of these nodes, and does each lead (链主) any chain or segment?"""

NODE_RELATIONSHIPS = (
    "MATCH (n:Node {id: $id})-[r]-(m:Node) "
    "RETURN type(r) AS type, startNode(r).id AS source, endNode(r).id AS target, "
    "properties(r) AS props, m.id AS other_id, m.kind AS other_kind, m.name AS other_name, "
    "m.name_en AS other_name_en ORDER BY type, other_id LIMIT $cap"
)
"""Which relationships does this node have, in either direction, and to what?"""


class Relationship(Basis):
    """One relationship of a node, seen from that node."""

    type: str
    direction: str = Field(description="out (node → other) or in (other → node)")
    other_id: str
    other_kind: str | None = None
    other_name: str | None = None
    other_name_en: str | None = None
    role: str | None = None
    props: dict[str, Any] = Field(default_factory=dict)
    sources: list[Source] = Field(default_factory=list)


class NodeDetail(BaseModel):
    """A node with its sources and its relationships."""

    node: GraphNode
    relationships: list[Relationship]
    truncated: bool = False


def _exact_name(props: dict[str, Any], key: str) -> bool:
    names = [props.get("name") or "", *(props.get("aliases") or []), props.get("name_en") or ""]
    return key == props["id"].lower() or any(normalise(n) == key for n in names if n)


def resolve(store: GraphStore, key: str, kind: str | None = None, *,
            timeout_ms: int | None = None) -> dict[str, Any] | None:
    """Which node does this id, Chinese name or alias (case-insensitive) designate?

    Returns its properties, or None when nothing (or several nodes only by pinyin) match.
    """
    if kind is not None and kind not in NODE_KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    rows = store.read(NODE_BY_ID, {"id": key}, timeout_ms=timeout_ms)
    if rows and (kind is None or rows[0]["props"].get("kind") == kind):
        return rows[0]["props"]
    nkey = normalise(key)
    if not nkey:
        return None
    rows = store.read(NODE_BY_KEY, {"key": nkey, "kind": kind}, timeout_ms=timeout_ms)
    cands = [r["props"] for r in rows]
    exact = [p for p in cands if _exact_name(p, nkey)]
    if exact:
        # the name itself beats an alias; then the kind order of search results
        exact.sort(key=lambda p: (normalise(p.get("name") or "") != nkey, p["id"]))
        return exact[0]
    return cands[0] if len(cands) == 1 else None


def suggestions(store: GraphStore, key: str, kind: str | None = None,
                limit: int = 5) -> list[SearchHit]:
    """Which nodes might the user have meant by this unknown key?"""
    return search(store, key, kind=kind, limit=limit).items


def fetch_nodes(store: GraphStore, ids: list[str], depths: dict[str, int] | None = None,
                *, timeout_ms: int | None = None) -> dict[str, GraphNode]:
    """Which are these nodes (by id), as :class:`GraphNode` with their leader role?"""
    if not ids:
        return {}
    rows = store.read(NODES_BY_IDS, {"ids": list(ids), "leader": "leader"},
                      timeout_ms=timeout_ms)
    depths = depths or {}
    out: dict[str, GraphNode] = {}
    for r in rows:
        p = r["props"]
        out[p["id"]] = node_from_props(p, depth=depths.get(p["id"], 0),
                                       role="leader" if r["leads"] else None)
    return out


def node_detail(store: GraphStore, node_id: str, *, cap: int = 2000,
                timeout_ms: int | None = None) -> NodeDetail | None:
    """What is this node, what do the sources say of it, and how is it connected?"""
    nodes = fetch_nodes(store, [node_id], timeout_ms=timeout_ms)
    if node_id not in nodes:
        return None
    rows = store.read(NODE_RELATIONSHIPS, {"id": node_id, "cap": cap + 1}, timeout_ms=timeout_ms)
    rels = []
    for r in rows[:cap]:
        props = r["props"] or {}
        out = (r["source"] == node_id and r["target"] != node_id) or r["source"] == r["target"]
        rels.append(Relationship(
            type=r["type"], direction="out" if out else "in", other_id=r["other_id"],
            other_kind=r["other_kind"], other_name=r["other_name"],
            other_name_en=r["other_name_en"], role=props.get("role"),
            props={k: v for k, v in props.items()
                   if k not in RESERVED_REL_PROPS and v is not None},
            sources=to_sources(props), **basis_of(props)))
    return NodeDetail(node=nodes[node_id], relationships=rels, truncated=len(rows) > cap)
