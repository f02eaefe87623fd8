"""Document firms per place: on each ``Segment``, ``Chain`` and ``District``, the ids of the
enterprises of the document graph (every basis but ``registry``) that it holds, so that related
enterprises (:mod:`chainatlas.queries.related`) finds the few document firms of a crowded place
without walking its (up to ~50k) registry firms.

Property ``doc_firm_ids`` (the ids sorted, so both stores hold the same list; ``[]`` when there
are none; absent only in a store written before these lists existed — related enterprises then
walks that place's firms, as before, until the next load or import):

* on a ``Segment`` — non-registry enterprises with ``IN_SEGMENT`` to it;
* on a ``Chain`` — non-registry enterprises with ``IN_SEGMENT`` to one of its segments
  (``SEGMENT_OF``);
* on a ``District`` — non-registry enterprises with ``LOCATED_IN`` to it.

Every load (:func:`chainatlas.graph.cypher.write_plan`, both stores) and every registry import
(``loaders/registry.py``, which can place document firms by rule) appends
:func:`doc_firm_statements` to its writes, inside the same atomic swap / transaction, so the
lists always describe the graph readers see. Each statement first empties every list, then
sets the non-empty ones from the document side: the ``Node.basis`` index gives the few hundred
document nodes, so it costs milliseconds at 1M registry firms.

>>> [c.split(" SET ")[-1].split(" = ")[0] for c, _ in doc_firm_statements()]
['s.doc_firm_ids', 'c.doc_firm_ids', 'd.doc_firm_ids']
>>> "'registry'" in DOC_FIRMS_SEGMENTS
False
"""

from __future__ import annotations

from typing import Any

from chainatlas.graph.model import DOC_BASES

# the bases of document-graph nodes, written as a literal list into the texts (constants, not
# input): graph.model.DOC_BASES

_DOC = ("MATCH (o:Node) WHERE o.basis IN [" + ", ".join(f"'{b}'" for b in DOC_BASES) + "] "
        "AND o:Enterprise ")

DOC_FIRMS_SEGMENTS = (
    "UNWIND $rows AS row MATCH (s:Segment) SET s.doc_firm_ids = [] WITH count(*) AS cleared "
    f"{_DOC}MATCH (o)-[:IN_SEGMENT]->(s:Segment) "
    "WITH s, o.id AS oid ORDER BY oid WITH s, collect(DISTINCT oid) AS ids "
    "SET s.doc_firm_ids = ids"
)
"""Per segment: its document firms."""

DOC_FIRMS_CHAINS = (
    "UNWIND $rows AS row MATCH (c:Chain) SET c.doc_firm_ids = [] WITH count(*) AS cleared "
    f"{_DOC}MATCH (o)-[:IN_SEGMENT]->(:Segment)-[:SEGMENT_OF]->(c:Chain) "
    "WITH c, o.id AS oid ORDER BY oid WITH c, collect(DISTINCT oid) AS ids "
    "SET c.doc_firm_ids = ids"
)
"""Per chain: the document firms of its segments."""

DOC_FIRMS_DISTRICTS = (
    "UNWIND $rows AS row MATCH (d:District) SET d.doc_firm_ids = [] WITH count(*) AS cleared "
    f"{_DOC}MATCH (o)-[:LOCATED_IN]->(d:District) "
    "WITH d, o.id AS oid ORDER BY oid WITH d, collect(DISTINCT oid) AS ids "
    "SET d.doc_firm_ids = ids"
)
"""Per district: the document firms located in it."""


def doc_firm_statements() -> list[tuple[str, list[dict[str, Any]]]]:
    """The staged statements that rewrite every segment's, chain's and district's list (one
    dummy row each: the bulk path runs a statement only with rows)."""
    return [(DOC_FIRMS_SEGMENTS, [{"one": 1}]), (DOC_FIRMS_CHAINS, [{"one": 1}]),
            (DOC_FIRMS_DISTRICTS, [{"one": 1}])]
