"""Named, parameterised queries for ``chainatlas query NAME --param k=v``.

Every entry is a Cypher text from the query modules plus its parameters; values always travel
as parameters, never formatted into the text. The Python functions of the query modules
(``chain_overview``, ``gap_report``, ``related_enterprises`` …) post-process these rows for
the API; the registry gives analysts the raw rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from chainatlas.queries import (
    chains,
    districts,
    enterprises,
    gaps,
    neighbourhood,
    nodes,
    registry_counts,
    related,
    search,
    sources,
)


@dataclass(frozen=True)
class NamedQuery:
    name: str
    cypher: str
    params: tuple[str, ...]
    doc: str
    defaults: dict[str, Any] = field(default_factory=dict)
    example: dict[str, Any] = field(default_factory=dict)
    """Parameters that give an answer on the project seeds (CLI help, benchmarks, tests)."""


NODES_BY_KIND = (
    "MATCH (n:Node) WHERE $kind IS NULL OR n.kind = $kind "
    "RETURN n.id AS id, n.kind AS kind, n.name AS name, n.name_en AS name_en, "
    "n.basis AS basis ORDER BY kind, id LIMIT $limit"
)
"""Which nodes are there (optionally of one kind)?"""

CHAIN_SEGMENTS = (
    "MATCH (s:Segment)-[:SEGMENT_OF]->(c:Chain {id: $chain}) "
    "OPTIONAL MATCH (a)-[:IN_SEGMENT]->(s) "
    "RETURN s.order AS order, s.id AS id, s.name AS name, s.stage AS stage, "
    "s.basis AS basis, count(a) AS actors ORDER BY order"
)
"""Which segments does a chain have, in order, with how many actors each?"""

NEIGHBOURS = (
    "MATCH (n:Node {id: $id})-[r]-(m:Node) WHERE type(r) <> 'MENTIONS' "
    "RETURN type(r) AS type, startNode(r).id AS source, endNode(r).id AS target, "
    "r.basis AS basis, m.kind AS kind, m.name AS name, m.basis AS node_basis "
    "ORDER BY type, target"
)
"""What is directly connected to a node (documents left out)?"""

_ALL_TYPES = list(neighbourhood.DEFAULT_REL_TYPES)

NAMED_QUERIES: dict[str, NamedQuery] = {
    q.name: q
    for q in [
        NamedQuery("nodes", NODES_BY_KIND, ("kind", "limit"),
                   "Nodes, optionally of one kind", {"kind": None, "limit": 100}),
        NamedQuery("chain-segments", CHAIN_SEGMENTS, ("chain",),
                   "Segments of a chain in order, with the number of actors in each",
                   example={"chain": "automobile"}),
        NamedQuery("chains", chains.CHAINS, ("tier",),
                   "Chains with parent and counts (tier flagship/key/district)", {"tier": None}),
        NamedQuery("chain-actors", chains.CHAIN_SEGMENTS, ("id",),
                   "Actors of each segment of a chain, one row per (segment, actor)",
                   example={"id": "automobile"}),
        NamedQuery("chain-links", chains.CHAIN_LINKS, ("id", "types"),
                   "What is attached to a chain directly", {"types": chains.LINK_TYPES},
                   example={"id": "automobile"}),
        NamedQuery("chain-districts", chains.CHAIN_DISTRICTS, ("chains", "doc_bases"),
                   "Districts where the document actors of chains (a list of ids) are located",
                   {"doc_bases": chains.DOC_BASES}, example={"chains": ["automobile"]}),
        NamedQuery("gap-actors", gaps.GAP_SEGMENT_ACTORS, ("chains", "doc_bases"),
                   "Segments of chains (list of ids) with their actors, local flag, district",
                   {"doc_bases": gaps.DOC_BASES}, example={"chains": ["integrated-circuits"]}),
        NamedQuery("gap-links", gaps.GAP_FIRM_LINKS, ("chains", "doc_bases"),
                   "Partners, suppliers and customers of the firms of chains (list of ids)",
                   {"doc_bases": gaps.DOC_BASES}, example={"chains": ["integrated-circuits"]}),
        NamedQuery("related", related.RELATED, ("id", "city", "chain_kind", "cap", "registry"),
                   "Enterprises related to an enterprise: per (reason, via, sources) the firms",
                   {"city": "city", "chain_kind": "chain", "cap": related.CAP,
                    "registry": "registry"},
                   example={"id": "byd"}),
        NamedQuery("neighbours", NEIGHBOURS, ("id",), "Direct neighbours of a node",
                   example={"id": "byd"}),
        NamedQuery("resolve", nodes.NODE_BY_KEY, ("key", "kind"),
                   "Nodes with this lower-cased name, alias, English name or pinyin key",
                   {"kind": None},
                   example={"key": "重汽"}),
        NamedQuery("search", search.SEARCH_CANDIDATES, ("q", "q2", "kind", "cap", "doc_bases"),
                   "Document-graph nodes whose search keys contain a lower-cased text",
                   {"kind": None, "q2": "", "cap": 50, "doc_bases": search.DOC_BASES},
                   example={"q": "电工"}),
        NamedQuery("search-registry", search.REGISTRY_CANDIDATES,
                   ("q", "q2", "qs", "q_end", "q2_end", "cap"),
                   "Registry firms whose name keys equal or start with a lower-cased text",
                   {"cap": 50},
                   example={"q": "比亚迪", "q2": "比亚迪", "qs": ["比亚迪"],
                            "q_end": search.prefix_end("比亚迪"),
                            "q2_end": search.prefix_end("比亚迪")}),
        NamedQuery("enterprises", enterprises.ENTERPRISES, ("ids",),
                   "Enterprises (a list of ids) with their chains, segments and districts",
                   example={"ids": ["byd", "sinotruk"]}),
        NamedQuery("districts", districts.DISTRICTS, (),
                   "Districts with parent and number of located nodes"),
        NamedQuery("district-chains", districts.DISTRICT_CHAINS, ("ids", "cap", "doc_bases"),
                   "Chains with document actors located in districts (a list of ids), at most "
                   "cap ids each", {"cap": districts.ACTOR_CAP, "doc_bases": districts.DOC_BASES},
                   example={"ids": ["shizhong"]}),
        NamedQuery("segment-counts", registry_counts.SEGMENT_COUNTS, ("chain", "district"),
                   "Per segment of a chain: registry firms, capital, staff (import tallies)",
                   {"district": None}, example={"chain": "integrated-circuits"}),
        NamedQuery("segment-doc-counts", registry_counts.SEGMENT_DOC_COUNTS,
                   ("chain", "district", "doc_bases"),
                   "Per segment of a chain: the document graph's active local firms and size",
                   {"district": None, "doc_bases": registry_counts.DOC_BASES},
                   example={"chain": "integrated-circuits"}),
        NamedQuery("documents", sources.DOCUMENTS, (), "Source documents"),
        NamedQuery("cited-by", sources.NODES_CITING, ("doc",),
                   "Nodes citing a document, with their quotes",
                   example={"doc": "kjj-weekly-18-2026-01-30"}),
        NamedQuery("degrees", neighbourhood.DEGREES, ("ids", "types"),
                   "Degree of nodes (a list of ids) over relationship types",
                   {"types": _ALL_TYPES},
                   example={"ids": ["byd", "jinan"]}),
    ]
}
