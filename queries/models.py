"""Response models shared by the query modules (and the API): nodes, edges, subgraphs, refs.

The converters turn the plain rows the stores return (``properties(n)`` maps, relationship
property maps) into these models, rebuilding ``[{doc, quote}]`` sources from the parallel lists.

>>> n = node_from_props({"id": "byd", "kind": "enterprise", "name": "比亚迪", "local": True,
...                      "search_keys": ["比亚迪"], "source_docs": ["d"], "source_quotes": ["q"]})
>>> (n.id, n.kind, n.props, n.sources[0].doc)
('byd', 'enterprise', {'local': True}, 'd')
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from chainatlas.graph.model import sources_of

#: Properties that are fields of :class:`GraphNode` or internal, never repeated in ``props``.
RESERVED_PROPS = frozenset({
    "id", "kind", "name", "name_en", "aliases", "aliases_text", "search_keys",
    "source_docs", "source_quotes",
})
#: Relationship properties that are fields of :class:`GraphEdge` or internal.
RESERVED_REL_PROPS = frozenset({"role", "source_docs", "source_quotes"})


class Source(BaseModel):
    """A citation: the document id and a short verbatim quote from it."""

    doc: str
    quote: str


class GraphNode(BaseModel):
    """A node as the API and the pictures show it."""

    id: str
    kind: str
    name: str
    name_en: str | None = None
    aliases: list[str] = Field(default_factory=list)
    role: str | None = Field(None, description='"leader" for chain-leader actors')
    depth: int = Field(0, description="hops from the centre node")
    props: dict[str, Any] = Field(default_factory=dict, description="other properties")
    sources: list[Source] = Field(default_factory=list)


class GraphEdge(BaseModel):
    """A relationship between two nodes (ids), with its role and sources."""

    source: str
    target: str
    type: str
    role: str | None = None
    props: dict[str, Any] = Field(default_factory=dict)
    sources: list[Source] = Field(default_factory=list)


class Subgraph(BaseModel):
    """Nodes and edges around a centre (``center`` None for a whole chain or selection)."""

    center: str | None = None
    nodes: list[GraphNode] = Field(default_factory=list)
    edges: list[GraphEdge] = Field(default_factory=list)
    truncated: bool = False


class Reason(BaseModel):
    """Why two things are related (a related firm, a gap candidate), with its sources."""

    kind: str
    text: str = Field(description="中文")
    text_en: str
    via: str | None = Field(None, description="id of the node the reason goes through")
    via_name: str | None = None
    weight: float
    sources: list[Source] = Field(default_factory=list)


class Ref(BaseModel):
    """A short reference to a node, with the sources of the link that put it here."""

    id: str
    kind: str
    name: str
    name_en: str | None = None
    role: str | None = None
    sources: list[Source] = Field(default_factory=list)


def to_sources(props: dict[str, Any] | None) -> list[Source]:
    """``[Source]`` from a property map holding ``source_docs`` / ``source_quotes``."""
    return [Source(**s) for s in sources_of(props or {})]


def pair_sources(docs: list[str] | None, quotes: list[str] | None) -> list[Source]:
    """``[Source]`` from two parallel lists (either may be None); repeats removed.

    >>> [s.doc for s in pair_sources(["a", "a", "b"], ["x", "x", "y"])]
    ['a', 'b']
    """
    pairs = dict.fromkeys(zip(docs or [], quotes or [], strict=False))
    return [Source(doc=d, quote=q) for d, q in pairs]


def scalar_props(props: dict[str, Any],
                 reserved: frozenset[str] = RESERVED_PROPS) -> dict[str, Any]:
    """The properties that are not fields of the model (``None`` values dropped)."""
    return {k: v for k, v in sorted(props.items()) if k not in reserved and v is not None}


def node_from_props(props: dict[str, Any], *, depth: int = 0, role: str | None = None) -> GraphNode:
    """A :class:`GraphNode` from a ``properties(n)`` map."""
    return GraphNode(
        id=props["id"],
        kind=props.get("kind") or "node",
        name=props.get("name") or props["id"],
        name_en=props.get("name_en"),
        aliases=list(props.get("aliases") or []),
        role=role,
        depth=depth,
        props=scalar_props(props),
        sources=to_sources(props),
    )


def edge_from(source: str, target: str, rel_type: str, props: dict[str, Any] | None) -> GraphEdge:
    """A :class:`GraphEdge` from the ends, type and ``properties(r)`` map of a relationship."""
    props = props or {}
    return GraphEdge(source=source, target=target, type=rel_type, role=props.get("role"),
                     props=scalar_props(props, RESERVED_REL_PROPS), sources=to_sources(props))


def ref_from(props: dict[str, Any], *, role: str | None = None,
             link: dict[str, Any] | None = None) -> Ref:
    """A :class:`Ref` to a node; sources of ``link`` when given, else the node's own."""
    return Ref(id=props["id"], kind=props.get("kind") or "node",
               name=props.get("name") or props["id"], name_en=props.get("name_en"), role=role,
               sources=to_sources(link if link and link.get("source_docs") else props))
