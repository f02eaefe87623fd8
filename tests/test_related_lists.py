"""Related enterprises reaches a crowded place's document firms from its ``doc_firm_ids`` list
(issue 14: related p95 < 30 ms at 1M registry firms), on the real embedded store."""

from __future__ import annotations

from typing import Any

from chainatlas.queries import related

LISTED_KINDS = 5  # same_segment, downstream, upstream, same_district, same_chain (via segments)


def _plan(store: Any, cypher: str) -> str:
    params = {"id": "byd", "city": "city", "chain_kind": "chain", "cap": related.CAP,
              "registry": "registry"}
    return str(store._graph().explain(cypher, params))


def test_document_halves_start_from_the_listed_ids(seed_store: Any) -> None:
    """Each listed kind's document half looks its firms up by id and expands from them: never
    from the place, whose other side holds up to ~50k registry firms (FalkorDB expands from a
    bound far end, which made the first version of these halves as slow as the walk)."""
    plan = _plan(seed_store, related.RELATED)
    assert plan.count("Node By Index Scan | (o:Node)") == LISTED_KINDS
    assert plan.count("Conditional Traverse | (o)-[r2:") == LISTED_KINDS
    walk = _plan(seed_store, related.RELATED_WALK)
    assert "(o:Node)" not in walk and "doc_firm_ids" not in related.RELATED_WALK
