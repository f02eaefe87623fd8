"""Registry tallies: per-district counts of registry firms that an import stores on each
``Segment`` and ``Chain``, so gap counts never walk a segment's (up to 100k) registry firms.

A registry import (``loaders/registry.py``) appends :func:`tally_statements` to its staged
writes: inside the same atomic swap, every segment and every chain gets parallel list
properties (both stores store homogeneous lists; neither stores maps):

* ``registry_count_districts`` — the district id each entry is about (``''``: a local firm with
  no district);
* ``registry_count_firms`` — distinct **active local** registry firms (``basis: registry``)
  placed in the segment (for a chain: in any of its segments) and located in that district;
* ``registry_count_capital_wan`` / ``registry_count_max_capital_wan`` (``-1.0``: unknown) /
  ``registry_count_insured`` — their summed and largest registered capital (万元) and summed
  insured staff (segments only);
* ``registry_court_ids`` (segments only) — the :data:`COURT_TOP` largest active registry firms
  **outside Jinan** placed in the segment, best first (the gap report's registry candidates to
  court: reading them is O(COURT_TOP), never a walk over the segment's firms). Their score is
  :func:`chainatlas.queries.registry_counts.candidate_score`: log capital + log insured staff,
  +1 when an industry code (not a scope keyword) placed the firm;
* ``registry_top_ids`` (segments only) — likewise the largest active **local** registry firms
  (the maps and the explorer name these and count the rest).

Readers (``queries/registry_counts.py``, ``queries/gaps.py``) add these to what they count of
the document graph's firms (a few hundred, found through the ``Node.basis`` index). Registry
firms change only through an import, and an import always re-tallies; a load
(``store.replace``, :func:`chainatlas.graph.cypher.write_plan`) of a graph holding registry
firms tallies them the same way, and one without any leaves no tallies (nothing to count).

>>> [c.split(" SET ")[1].split(" = ")[0] for c, _ in tally_statements()][2:]
['s.registry_court_ids', 's.registry_top_ids', 'd.registry_top_ids']
>>> tally_statements()[0][1]
[{'one': 1}]
"""

from __future__ import annotations

from typing import Any

_REGISTRY_LOCAL = (
    "e.basis = 'registry' AND coalesce(e.active, true) = true AND coalesce(e.local, true) = true"
)

TALLY_SEGMENTS = (
    "UNWIND $rows AS row MATCH (s:Segment) "
    "OPTIONAL MATCH (e:Enterprise)-[:IN_SEGMENT]->(s) "
    f"WHERE {_REGISTRY_LOCAL} "
    "OPTIONAL MATCH (e)-[:LOCATED_IN]->(d:District) "
    "WITH s, coalesce(d.id, '') AS district, count(DISTINCT e) AS firms, "
    "toFloat(sum(coalesce(e.capital_wan, 0.0))) AS capital, "
    "toFloat(coalesce(max(e.capital_wan), -1.0)) AS top, "
    "toInteger(sum(coalesce(e.insured, 0))) AS insured "
    "WITH s, collect(CASE WHEN firms > 0 THEN {district: district, firms: firms, "
    "capital: capital, top: top, insured: insured} END) AS rc "
    "SET s.registry_count_districts = [x IN rc | x.district], "
    "s.registry_count_firms = [x IN rc | x.firms], "
    "s.registry_count_capital_wan = [x IN rc | x.capital], "
    "s.registry_count_max_capital_wan = [x IN rc | x.top], "
    "s.registry_count_insured = [x IN rc | x.insured]"
)
"""Per segment: active local registry firms, their capital and staff, per district."""

TALLY_CHAINS = (
    "UNWIND $rows AS row MATCH (c:Chain) "
    "OPTIONAL MATCH (e:Enterprise)-[:IN_SEGMENT]->(:Segment)-[:SEGMENT_OF]->(c) "
    f"WHERE {_REGISTRY_LOCAL} "
    "OPTIONAL MATCH (e)-[:LOCATED_IN]->(d:District) "
    "WITH c, coalesce(d.id, '') AS district, count(DISTINCT e) AS firms "
    "WITH c, collect(CASE WHEN firms > 0 THEN {district: district, firms: firms} END) AS rc "
    "SET c.registry_count_districts = [x IN rc | x.district], "
    "c.registry_count_firms = [x IN rc | x.firms]"
)
"""Per chain: distinct active local registry firms in any of its segments, per district."""


COURT_TOP = 20
"""How many registry firms each segment keeps named, per list (the gap report shows ≤ 10
candidates, a map column ≤ 14 actors)."""

def _top_statement(prop: str, where: str) -> str:
    """Per segment, the ids of the :data:`COURT_TOP` largest active registry firms matching
    ``where`` (on ``e``), best first, into the segment's list property ``prop``."""
    return (
        "UNWIND $rows AS row MATCH (s:Segment) "
        "OPTIONAL MATCH (e:Enterprise)-[r:IN_SEGMENT]->(s) "
        f"WHERE e.basis = 'registry' AND coalesce(e.active, true) = true AND {where} "
        "WITH s, e, CASE WHEN e IS NULL THEN NULL ELSE "
        "log10(1.0 + coalesce(e.capital_wan, 0.0)) + log10(1.0 + coalesce(e.insured, 0)) + "
        "CASE WHEN coalesce(r.basis_note, '') STARTS WITH '行业代码' THEN 1.0 ELSE 0.0 END END "
        "AS score ORDER BY score DESC, e.id "
        "WITH s, collect(e.id) AS ids "
        f"SET s.{prop} = ids[0..{COURT_TOP}]"
    )


TALLY_COURT = _top_statement("registry_court_ids", "e.local = false")
"""Per segment: the :data:`COURT_TOP` best active registry firms outside Jinan in it."""

TALLY_TOP_LOCAL = _top_statement("registry_top_ids", "coalesce(e.local, true) = true")
"""Per segment: the :data:`COURT_TOP` largest active local registry firms in it (the maps and
the explorer name these, and count the rest)."""


DISTRICT_TOP = 100
"""How many registry firms each district keeps named (a district profile lists ≤ 100 per kind)."""

TALLY_DISTRICT_TOP = (
    "UNWIND $rows AS row MATCH (d:District) "
    "OPTIONAL MATCH (e:Enterprise)-[:LOCATED_IN]->(d) WHERE e.basis = 'registry' "
    "WITH d, e, CASE WHEN e IS NULL THEN NULL WHEN coalesce(e.active, true) THEN 0 ELSE 1 END "
    "AS inactive, coalesce(e.capital_wan, 0.0) AS capital "
    "ORDER BY inactive, capital DESC, e.id "
    "WITH d, collect(e.id) AS ids "
    f"SET d.registry_top_ids = ids[0..{DISTRICT_TOP}]"
)
"""Per district: its :data:`DISTRICT_TOP` largest registry firms (active first, by registered
capital), so that a district profile names them without sorting the district's firms."""


def tally_statements() -> list[tuple[str, list[dict[str, Any]]]]:
    """The staged statements that re-tally every segment and chain (one dummy row each: the
    bulk path runs a statement only with rows)."""
    return [(TALLY_SEGMENTS, [{"one": 1}]), (TALLY_CHAINS, [{"one": 1}]),
            (TALLY_COURT, [{"one": 1}]), (TALLY_TOP_LOCAL, [{"one": 1}]),
            (TALLY_DISTRICT_TOP, [{"one": 1}])]
