"""``/nodes/{id}``, ``/graph/neighbourhood/{id}`` and ``/graph/path``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import Field

from chainatlas.api.deps import CacheDep, SettingsDep, StoreDep
from chainatlas.api.models import PROBLEMS
from chainatlas.api.routes.common import found, resolve_or_404, split_list
from chainatlas.graph.model import NODE_KINDS, REL_TYPES
from chainatlas.queries.lineage import Lineage, lineages
from chainatlas.queries.neighbourhood import Subgraph, check_rel_types, neighbourhood
from chainatlas.queries.nodes import NodeDetail, node_detail
from chainatlas.queries.paths import MAX_HOPS, PathResult, hubs, shortest_paths

router = APIRouter(tags=["graph"], responses=PROBLEMS)

NodeKey = Annotated[str, Path(description="Node id, Chinese name or alias (URL-encoded)")]
KINDS = list(NODE_KINDS)
TYPES = list(REL_TYPES)


class NodeWithLineage(NodeDetail):
    """A node with its relationships and, for an actor, the chains it sits in."""

    lineage: list[Lineage] = Field(default_factory=list, description=(
        "For actors: flagship › key chain › segment, e.g. 电子信息 › 先进计算 › 服务器与信息装备"))


@router.get("/nodes/{id}", response_model=NodeWithLineage, operation_id="get_node")
def get_node(id: NodeKey, store: StoreDep, settings: SettingsDep) -> NodeWithLineage:
    """Any node, with its sources and all its relationships (with theirs); for an actor, the
    lineage of its chains (flagship › key chain › segment)."""
    t = settings.query_timeout_ms
    props = resolve_or_404(store, id, None, t)
    d = found(node_detail(store, props["id"], timeout_ms=t), "node", id)
    lines = lineages(store, [d.node.id], timeout_ms=t).get(d.node.id, [])
    return NodeWithLineage(**d.model_dump(), lineage=lines)


@router.get("/graph/neighbourhood/{id}", response_model=Subgraph,
            operation_id="get_neighbourhood")
def get_neighbourhood(
    id: NodeKey, store: StoreDep, settings: SettingsDep,
    depth: Annotated[int, Query(ge=1, le=3, description="Hops from the node")] = 1,
    kinds: Annotated[list[str] | None, Query(
        description="Node kinds to keep (repeat or comma-separate): " + ", ".join(KINDS))] = None,
    rel_types: Annotated[list[str] | None, Query(
        description="Relationship types to follow: " + ", ".join(TYPES))] = None,
    max_nodes: Annotated[int, Query(ge=1, le=500)] = 150,
    expand_hubs: Annotated[bool, Query(
        description="Also walk through hubs (e.g. the city node); off by default")] = False,
) -> Subgraph:
    """Nodes and relationships within `depth` hops, the most relevant `max_nodes` kept.

    Hubs (nodes with very many relationships, such as 济南市) are shown but not walked
    through unless `expand_hubs` is set."""
    t = settings.query_timeout_ms
    props = resolve_or_404(store, id, None, t)
    sg = neighbourhood(store, props["id"], depth=depth, kinds=split_list("kinds", kinds, KINDS),
                       rel_types=split_list("rel_types", rel_types, TYPES),
                       max_nodes=max_nodes, expand_hubs=expand_hubs, timeout_ms=t)
    return found(sg, "node", id)


@router.get("/graph/path", response_model=PathResult, operation_id="get_path")
def get_path(
    store: StoreDep, settings: SettingsDep, cache: CacheDep,
    source: Annotated[str, Query(alias="from", min_length=1, description="Id, name or alias")],
    target: Annotated[str, Query(alias="to", min_length=1, description="Id, name or alias")],
    limit: Annotated[int, Query(ge=1, le=10)] = 3,
    max_hops: Annotated[int, Query(ge=1, le=MAX_HOPS)] = MAX_HOPS,
    expand_hubs: Annotated[bool, Query(
        description="Also walk through hubs (济南市, 市政府 …); off by default")] = False,
) -> PathResult:
    """The shortest few connections between two nodes (at most 4 hops).

    Hubs (the city, the city government, nodes with very many relationships) are not walked
    through unless `expand_hubs` is set; when only a hub connects the two, the hub paths are
    returned with `only_via_hubs: true` and a `note` saying so."""
    t = settings.query_timeout_ms
    a = resolve_or_404(store, source, None, t)["id"]
    b = resolve_or_404(store, target, None, t)["id"]
    types = check_rel_types(None)
    known = None if expand_hubs else cache.get(  # the hubs change only with the graph
        store, ("hubs", tuple(types)), lambda: hubs(store, types, timeout_ms=t))
    return shortest_paths(store, a, b, limit=limit, max_hops=max_hops,
                          expand_hubs=expand_hubs, timeout_ms=t, known_hubs=known)
