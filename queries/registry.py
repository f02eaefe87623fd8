"""Named, parameterised queries for ``chainatlas query NAME --param k=v``.

Every entry is a Cypher text from the query modules plus its parameters; values always travel
as parameters, never formatted into the text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class NamedQuery:
    name: str
    cypher: str
    params: tuple[str, ...]
    doc: str
    defaults: dict[str, Any] = field(default_factory=dict)


NODES_BY_KIND = (
    "MATCH (n:Node) WHERE $kind IS NULL OR n.kind = $kind "
    "RETURN n.id AS id, n.kind AS kind, n.name AS name, n.name_en AS name_en "
    "ORDER BY kind, id LIMIT $limit"
)
CHAIN_SEGMENTS = (
    "MATCH (s:Segment)-[:SEGMENT_OF]->(c:Chain {id: $chain}) "
    "OPTIONAL MATCH (a)-[:IN_SEGMENT]->(s) "
    "RETURN s.order AS order, s.id AS id, s.name AS name, s.stage AS stage, "
    "count(a) AS actors ORDER BY order"
)

NAMED_QUERIES: dict[str, NamedQuery] = {
    q.name: q
    for q in [
        NamedQuery("nodes", NODES_BY_KIND, ("kind", "limit"),
                   "Nodes, optionally of one kind", {"kind": None, "limit": 100}),
        NamedQuery("chain-segments", CHAIN_SEGMENTS, ("chain",),
                   "Segments of a chain in order, with the number of actors in each"),
    ]
}
