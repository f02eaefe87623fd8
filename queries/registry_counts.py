"""Registry counts and sizes per segment (and district), candidates to court, and placements.

For the gap evidence model (``queries/gaps.py``) and the API: every figure is aggregated in the
store (one Cypher aggregation per call), never by pulling a chain's firms into Python.

* :func:`segment_counts` — per segment of a chain (optionally within one district): distinct
  **active local** enterprises (``active`` not false, ``local`` not false — document firms count
  too, whatever their basis), how many of them were placed by a rule, and size signals: summed
  and largest registered capital (万元) and summed insured staff (参保人数). Registry firms
  (every one placed by a rule) are read from the per-district tallies the import stores on the
  segment (:mod:`chainatlas.graph.tallies`), document firms counted live: the work does not
  grow with the registry (209 ms → a few ms at 1M firms);
* :func:`segment_district_counts` — the same per (segment, district);
* :func:`court_candidates` — active registry firms **outside Jinan** placed in a segment, ranked
  by size (log capital + log insured staff, +1 when placed by an industry code rather than a
  scope keyword), each with its reasons;
* :func:`placements` — why a firm is in its segments (basis, rule matched).

>>> 'count(DISTINCT e)' in SEGMENT_DOC_COUNTS and '$district' in SEGMENT_COUNTS
True
>>> candidate_score(10000.0, 99, "行业代码 3973 集成电路制造")
7.0
>>> candidate_score(None, None, "经营范围关键词 封装测试")
0.0
"""

from __future__ import annotations

import math
from typing import Any

from pydantic import BaseModel, Field

from chainatlas.graph.model import DOC_BASES
from chainatlas.graph.store import GraphStore

_ACTIVE_LOCAL = ("coalesce(e.active, true) = true AND coalesce(e.local, true) = true")


SEGMENT_COUNTS = (
    "OPTIONAL MATCH (x:District) WHERE x.id = $district OR "
    "(x)-[:LOCATED_IN]->(:District {id: $district}) "
    "WITH collect(x.id) AS scope "
    "MATCH (s:Segment)-[:SEGMENT_OF]->(:Chain {id: $chain}) "
    "WITH s, coalesce(s.registry_count_districts, []) AS ds, scope "
    "WITH s, [i IN range(0, size(ds) - 1) WHERE $district IS NULL OR ds[i] IN scope] AS ix "
    "RETURN s.id AS segment, s.name AS name, s.order AS order, "
    "coalesce(s.basis, 'stated') AS basis, "
    "reduce(n = 0, i IN ix | n + s.registry_count_firms[i]) AS registry_firms, "
    "reduce(n = 0.0, i IN ix | n + s.registry_count_capital_wan[i]) AS capital_wan, "
    "reduce(n = -1.0, i IN ix | CASE WHEN s.registry_count_max_capital_wan[i] > n "
    "THEN s.registry_count_max_capital_wan[i] ELSE n END) AS max_capital_wan, "
    "reduce(n = 0, i IN ix | n + s.registry_count_insured[i]) AS insured "
    "ORDER BY order"
)
"""Per segment of a chain: the registry firms counted by the last import (the tallies of
:mod:`chainatlas.graph.tallies`; ``max_capital_wan`` -1.0: none known), optionally only those
located in a district or a district inside it. Reads the segments, never their firms."""

SEGMENT_DOC_COUNTS = (
    "MATCH (e:Node) WHERE e.basis IN $doc_bases AND e:Enterprise AND "
    f"{_ACTIVE_LOCAL} "
    "MATCH (e)-[r:IN_SEGMENT]->(s:Segment)-[:SEGMENT_OF]->(:Chain {id: $chain}) "
    "WHERE $district IS NULL OR "
    "(e)-[:LOCATED_IN]->(:District {id: $district}) OR "
    "(e)-[:LOCATED_IN]->(:Node)-[:LOCATED_IN]->(:District {id: $district}) "
    "RETURN s.id AS segment, count(DISTINCT e) AS firms, "
    "count(DISTINCT CASE WHEN r.basis = 'rule' THEN e END) AS by_rule, "
    "toFloat(sum(coalesce(e.capital_wan, 0.0))) AS capital_wan, "
    "max(e.capital_wan) AS max_capital_wan, toInteger(sum(coalesce(e.insured, 0))) AS insured "
    "ORDER BY segment"
)
"""Per segment of a chain: the document graph's active local enterprises placed in it
(optionally located in a district or a place inside it), found through the ``Node.basis``
index — a few hundred, never the registry firms."""

SEGMENT_DISTRICT_COUNTS = (
    "MATCH (s:Segment)-[:SEGMENT_OF]->(:Chain {id: $chain}) "
    "MATCH (e:Enterprise)-[:IN_SEGMENT]->(s) "
    f"WHERE {_ACTIVE_LOCAL} "
    "MATCH (e)-[:LOCATED_IN]->(d:District) "
    "RETURN s.id AS segment, d.id AS district, d.name AS district_name, "
    "count(DISTINCT e) AS firms, sum(coalesce(e.capital_wan, 0.0)) AS capital_wan, "
    "toInteger(sum(coalesce(e.insured, 0))) AS insured "
    "ORDER BY segment, firms DESC, district"
)
"""Per (segment, district) of a chain: active local firms and their size."""

COURT_CANDIDATES = (
    "MATCH (s:Segment)-[:SEGMENT_OF]->(:Chain {id: $chain}) "
    "WHERE $segment IS NULL OR s.id = $segment "
    "MATCH (e:Enterprise)-[r:IN_SEGMENT]->(s) "
    "WHERE e.local = false AND coalesce(e.active, true) = true "
    "WITH s, e, r, log10(1.0 + coalesce(e.capital_wan, 0.0)) + "
    "log10(1.0 + coalesce(e.insured, 0)) + "
    "CASE WHEN r.basis_note STARTS WITH '行业代码' THEN 1.0 ELSE 0.0 END AS score "
    "RETURN s.id AS segment, s.name AS segment_name, e.id AS id, e.name AS name, "
    "e.city AS city, e.province AS province, e.capital_wan AS capital_wan, "
    "e.insured AS insured, r.basis AS basis, r.basis_note AS rule, score "
    "ORDER BY score DESC, id LIMIT $limit"
)
"""Active firms outside Jinan in a chain's segments (or one segment), largest first."""

PLACEMENTS = (
    "MATCH (e:Node {id: $id})-[r:IN_SEGMENT]->(s:Segment) "
    "RETURN s.id AS segment, s.name AS segment_name, s.chain_id AS chain, "
    "coalesce(r.basis, 'stated') AS basis, r.basis_note AS rule, r.role AS role "
    "ORDER BY chain, segment"
)
"""Why an enterprise is in each of its segments: the basis and, for a rule, what matched."""


class SegmentCount(BaseModel):
    segment: str
    name: str
    order: int | None = None
    firms: int = Field(description="distinct active local enterprises (any basis)")
    by_rule: int = Field(description="of which placed by a registry classification rule")
    registry_firms: int = Field(description="of which registry firms (basis registry)")
    capital_wan: float = Field(description="summed registered capital, 万元")
    max_capital_wan: float | None = None
    insured: int = Field(description="summed insured staff (参保人数)")


class Candidate(BaseModel):
    id: str
    name: str
    segment: str
    segment_name: str
    city: str | None = None
    province: str | None = None
    capital_wan: float | None = None
    insured: int | None = None
    score: float
    reasons: list[str]


def candidate_score(capital_wan: float | None, insured: int | None, rule: str | None) -> float:
    """The ranking score of :data:`COURT_CANDIDATES`, in Python (for tests and docs)."""
    code = 1.0 if (rule or "").startswith("行业代码") else 0.0
    return round(math.log10(1 + (capital_wan or 0)) + math.log10(1 + (insured or 0)) + code, 3)


def segment_counts(store: GraphStore, chain: str, district: str | None = None, *,
                   timeout_ms: int | None = None) -> list[SegmentCount]:
    """Per segment of ``chain`` (in order): active local firms and size, optionally in a district.

    ``district`` counts firms located in it or in a place inside it (e.g. a park).
    """
    params = {"chain": chain, "district": district, "doc_bases": DOC_BASES}
    docs = {r["segment"]: r for r in store.read(SEGMENT_DOC_COUNTS, params,
                                                 timeout_ms=timeout_ms)}
    out = []
    for r in store.read(SEGMENT_COUNTS, params, timeout_ms=timeout_ms):
        d = docs.get(r["segment"], {})
        reg = int(r["registry_firms"] or 0)
        tops = [x for x in (d.get("max_capital_wan"), r["max_capital_wan"])
                if x is not None and x >= 0]
        out.append(SegmentCount(
            segment=r["segment"], name=r["name"] or r["segment"], order=r["order"],
            firms=int(d.get("firms") or 0) + reg, by_rule=int(d.get("by_rule") or 0) + reg,
            registry_firms=reg,
            capital_wan=round(float(d.get("capital_wan") or 0) + float(r["capital_wan"] or 0), 4),
            max_capital_wan=max(tops) if tops else None,
            insured=int(d.get("insured") or 0) + int(r["insured"] or 0)))
    return out


def segment_district_counts(store: GraphStore, chain: str, *,
                            timeout_ms: int | None = None) -> list[dict[str, Any]]:
    """Per (segment, district) of ``chain``: active local firms, capital (万元), insured staff."""
    return store.read(SEGMENT_DISTRICT_COUNTS, {"chain": chain}, timeout_ms=timeout_ms)


def court_candidates(store: GraphStore, chain: str, segment: str | None = None, *,
                     limit: int = 20, timeout_ms: int | None = None) -> list[Candidate]:
    """Registry firms outside Jinan in the chain's segments, largest first, with reasons."""
    rows = store.read(COURT_CANDIDATES, {"chain": chain, "segment": segment, "limit": limit},
                      timeout_ms=timeout_ms)
    out = []
    for r in rows:
        reasons = [f"同属环节“{r['segment_name']}”（{r['rule'] or r['basis']}）"]
        if r["capital_wan"]:
            reasons.append(f"注册资本 {r['capital_wan']:.0f} 万元")
        if r["insured"]:
            reasons.append(f"参保 {r['insured']} 人")
        where = "".join(x for x in (r["province"], r["city"]) if (x and x != r["province"])
                        or (x == r["province"] and x != r["city"]))
        if where:
            reasons.append(f"位于{where}（济南以外）")
        out.append(Candidate(id=r["id"], name=r["name"] or r["id"], segment=r["segment"],
                             segment_name=r["segment_name"] or r["segment"], city=r["city"],
                             province=r["province"], capital_wan=r["capital_wan"],
                             insured=r["insured"], score=round(float(r["score"]), 3),
                             reasons=reasons))
    return out


def placements(store: GraphStore, firm_id: str, *,
               timeout_ms: int | None = None) -> list[dict[str, Any]]:
    """Why ``firm_id`` is in each of its segments: ``{segment, chain, basis, rule, role}``."""
    return store.read(PLACEMENTS, {"id": firm_id}, timeout_ms=timeout_ms)
