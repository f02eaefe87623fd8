"""Response models shared by the query modules (and the API): nodes, edges, subgraphs, refs.

The converters turn the plain rows the stores return (``properties(n)`` maps, relationship
property maps) into these models, rebuilding ``[{doc, quote}]`` sources from the parallel lists.

>>> n = node_from_props({"id": "byd", "kind": "enterprise", "name": "比亚迪", "local": True,
...                      "search_keys": ["比亚迪"], "source_docs": ["d"], "source_quotes": ["q"]})
>>> (n.id, n.kind, n.props, n.sources[0].doc, n.basis)
('byd', 'enterprise', {'local': True}, 'd', 'stated')

Every node and edge model carries how it is known (:class:`Basis`: ``basis``, ``basis_note``,
``reference``; see :data:`chainatlas.graph.model.BASES`). A store row without ``basis`` (a
graph loaded before bases existed) reads as ``stated``.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from chainatlas.graph.model import BASES, sources_of

#: Properties that are fields of :class:`GraphNode` or internal, never repeated in ``props``.
RESERVED_PROPS = frozenset({
    "id", "kind", "name", "name_en", "aliases", "aliases_text", "search_keys",
    "keywords", "keyword_keys", "basis", "basis_note", "reference",
    "source_docs", "source_quotes", "source_spans",
    "doc_firm_ids",  # each place's document firms, for related enterprises (graph/doc_firms)
    # a segment's largest registry firms outside Jinan / local, ranked by the import
    # (graph/tallies): the gap report and the maps show them as candidates and actors
    "registry_court_ids", "registry_top_ids",
})
#: Relationship properties that are fields of :class:`GraphEdge` or internal.
RESERVED_REL_PROPS = frozenset({"role", "basis", "basis_note", "reference",
                                "source_docs", "source_quotes", "source_spans"})


class Source(BaseModel):
    """A citation: the document id and a short quote from it (as the seeds write it)."""

    doc: str
    quote: str
    span: str | None = Field(None, description="where the quote stands in the document: "
                                               "start-end character offsets of its text")


class Basis(BaseModel):
    """How a fact is known: stated / inferred / reference / rule / registry."""

    basis: str = Field("stated", description="stated (a quote says it), inferred (reading of a "
                       "quote, see basis_note), reference (domain knowledge, see reference), "
                       "rule (import rule, see basis_note) or registry (imported record)")
    basis_note: str | None = Field(None, description="inferred: the reasoning; rule: the rule")
    reference: str | None = Field(None, description="reference: where the knowledge comes from")


def basis_of(props: dict[str, Any] | None) -> dict[str, Any]:
    """The :class:`Basis` fields of a property map (``stated`` when none is stored).

    >>> basis_of({"basis": "inferred", "basis_note": "n", "x": 1})
    {'basis': 'inferred', 'basis_note': 'n', 'reference': None}
    >>> basis_of(None)["basis"]
    'stated'
    """
    props = props or {}
    return {"basis": props.get("basis") or "stated", "basis_note": props.get("basis_note"),
            "reference": props.get("reference")}


class GraphNode(Basis):
    """A node as the API and the pictures show it."""

    id: str
    kind: str
    name: str
    name_en: str | None = None
    aliases: list[str] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list, description="topic words (not synonyms)")
    role: str | None = Field(None, description='"leader" for chain-leader actors')
    depth: int = Field(0, description="hops from the centre node")
    props: dict[str, Any] = Field(default_factory=dict, description="other properties")
    sources: list[Source] = Field(default_factory=list)


class GraphEdge(Basis):
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

    basis: str | None = Field(None, description="the weakest basis of the relationships the "
                              "reason rests on (stated / inferred / reference …)")

    kind: str
    text: str = Field(description="中文")
    text_en: str
    via: str | None = Field(None, description="id of the node the reason goes through")
    via_name: str | None = None
    weight: float
    sources: list[Source] = Field(default_factory=list)


class Ref(Basis):
    """A short reference to a node, with the sources (and basis) of the link that put it here."""

    id: str
    kind: str
    name: str
    name_en: str | None = None
    role: str | None = None
    sources: list[Source] = Field(default_factory=list)


def weakest_basis(bases: list[str | None]) -> str:
    """The weakest of several bases (order of :data:`chainatlas.graph.model.BASES`).

    >>> weakest_basis(["stated", "inferred", None])
    'inferred'
    """
    order = {b: i for i, b in enumerate(BASES)}
    return max((b or "stated" for b in bases), key=lambda b: order.get(b, len(order)),
               default="stated")


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
        keywords=list(props.get("keywords") or []),
        role=role,
        depth=depth,
        props=scalar_props(props),
        sources=to_sources(props),
        **basis_of(props),
    )


def edge_from(source: str, target: str, rel_type: str, props: dict[str, Any] | None) -> GraphEdge:
    """A :class:`GraphEdge` from the ends, type and ``properties(r)`` map of a relationship."""
    props = props or {}
    return GraphEdge(source=source, target=target, type=rel_type, role=props.get("role"),
                     props=scalar_props(props, RESERVED_REL_PROPS), sources=to_sources(props),
                     **basis_of(props))


def ref_from(props: dict[str, Any], *, role: str | None = None,
             link: dict[str, Any] | None = None) -> Ref:
    """A :class:`Ref` to a node; sources and basis of ``link`` when given, else the node's."""
    via = link if link and (link.get("source_docs") or link.get("basis")) else props
    return Ref(id=props["id"], kind=props.get("kind") or "node",
               name=props.get("name") or props["id"], name_en=props.get("name_en"), role=role,
               sources=to_sources(via), **basis_of(via))
