"""Chain gaps that tell the truth: each segment's status, its evidence and the firms to court.

The gap rule
============

A segment's presence in Jinan (or one district, ``?district=``) is weighed on three kinds of
evidence:

1. **Local firms placed in the segment** — enterprises with ``IN_SEGMENT`` (any basis: stated,
   inferred, or ``rule`` for registry firms), counted **once per firm**: a project counts for
   its owner firm (``PROJECT_OF``); a project without an owner firm counts once itself.
   Agencies, clusters, parks and platforms are *support*, never firms. "Local" means ``local``
   is not false (and ``active`` is not false); with a district scope, located in that district
   or one inside it. Firms outside Jinan are listed as ``others`` and marked 外地; they never
   count. The count is made in the store (distinct firms, broken down by the firm's basis), so
   thousands of registry firms (issue 14: ``basis: 'registry'``, placed by ``IN_SEGMENT`` with
   basis ``rule``) fit in; document-named firms are listed, registry firms only counted.
2. **Chain-level actors whose own facts place them in the segment** — an actor of the chain
   (``IN_CHAIN``) whose own name or tags contain one of the segment's ``keywords``
   (``seeds/segment_evidence.yaml``, ``segment_keywords``: e.g. 制药 → 药品与医疗器械生产);
   listed with basis ``rule`` and the word matched.
3. **Document statements** — ``(:District)-[:PRESENCE {says: present|weak|missing}]->(:Segment)``
   from ``seeds/segment_evidence.yaml`` (the quote, its basis stated or inferred). A registry
   import may add ``PRESENCE`` with basis ``registry`` and ``count``. At city scope the city's
   statements apply, a district's "present" applies too (the district is in Jinan), and a
   district's "weak"/"missing" applies to its own district chain groups. With a district scope,
   only statements about that district (or one inside it) apply.

Statuses, first match wins:

=========  ========  ==============================================================
status     中文       when
=========  ========  ==============================================================
gap        缺链       a statement says *missing* and the graph knows no local firm;
                     or a registry count says none
weak       弱链       a statement says *weak* (短板, 薄弱, 需引育); or says *missing*
                     while the graph knows local firms
covered    已有       a statement says *present*, or the graph knows ≥ 1 local firm
unknown    未掌握     no evidence either way — "no data", never 缺链
=========  ========  ==============================================================

"Leader" (链主/龙头/领军) counts only where a link has role ``leader`` with basis ``stated``; it is
shown, but a segment is never weak merely because no text names a leader, nor because the
graph knows one firm only: the graph holds a few dozen firms of chains the documents count in
hundreds (see ``coverage``), so a thin graph is not a thin chain.

A chain's ``overall`` aggregates its reported segments (:func:`overall_of`): ``gap`` if any
segment is a gap, else ``weak`` if any is weak, else ``covered`` if all are covered, else
``unknown`` if none is covered, else ``partial`` (some covered, the rest unknown). A chain
without segments of its own (a key chain) takes its own statement, else ``covered`` with local
firms, else ``unknown``. Key chains are listed with their own status on the flagship's report.

Every segment and key chain carries its ``basis`` (``reference`` segments are industry
knowledge without a quote; key chains are ``derived`` until the official list of 34 replaces
``seeds/key_chains.yaml``), and ``coverage`` puts the graph's local firms next to the counts the
documents state (企业数量 metrics: 航空航天 195 家 …).

Candidates (whom to court, 补链/强链/延链) are enterprises outside the scope that the graph
connects to the segment with at least one segment-level reason backed by a quote. Weights:

=====================  ======  ==================================================
reason                 weight  meaning
=====================  ======  ==================================================
same_segment           3       works in this very segment, outside Jinan (or scope)
partner_of_local       2       declared partner of a local firm of this segment
supplies_local         2       supplies a local firm of a segment this one feeds
buys_from_local        1.5     buys from a local firm of a segment feeding this one
=====================  ======  ==================================================

``partner_of_local`` alone is a firm-level reason, not a segment-level one: it adds to the
score of a candidate but never makes one.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from pydantic import BaseModel, Field

from chainatlas.graph.model import DOC_BASES
from chainatlas.graph.store import GraphStore
from chainatlas.queries.models import Reason, Ref, Source, basis_of, to_sources

WEIGHTS: dict[str, float] = {
    "same_segment": 3.0,
    "partner_of_local": 2.0,
    "supplies_local": 2.0,
    "buys_from_local": 1.5,
}
SEGMENT_REASONS = frozenset({"same_segment", "supplies_local", "buys_from_local"})
STATUSES: tuple[str, ...] = ("gap", "weak", "covered", "unknown")
BASIS_STRENGTH = {"stated": 0, "inferred": 1, "reference": 2, "rule": 3, "registry": 4}
"""Which basis is strongest, for a fact resting on several (lower is stronger)."""
STATUS_ORDER = {"gap": 0, "weak": 1, "unknown": 2, "covered": 3}
OVERALL: tuple[str, ...] = (*STATUSES, "partial")
STATUS_ZH = {"gap": "缺链", "weak": "弱链", "covered": "已有", "unknown": "未掌握",
             "partial": "部分掌握"}
STATUS_EN = {"gap": "gap", "weak": "weak", "covered": "covered", "unknown": "no data",
             "partial": "partly known"}

SAYS_STATUS = {"present": "covered", "weak": "weak", "missing": "gap"}
FIRM_KINDS = frozenset({"enterprise", "project"})
OUTSIDE_ZH = "外地"

GAP_CHAIN = (
    "MATCH (c:Chain {id: $id}) OPTIONAL MATCH (k:Chain)-[:SUBCHAIN_OF]->(c) "
    "RETURN properties(c) AS props, collect({id: k.id, name: k.name, name_en: k.name_en, "
    "derived: k.derived, basis: k.basis, basis_note: k.basis_note, reference: k.reference, "
    "docs: k.source_docs, quotes: k.source_quotes}) AS keys"
)
"""Which chain is this, and which key chains does it have?"""

GAP_CHAIN_DISTRICT = "MATCH (c:Chain {id: $id})-[:LOCATED_IN]->(d:District) RETURN d.id AS id"
"""Which district does this (district) chain group belong to?"""

GAP_SEGMENTS = (
    "MATCH (s:Segment) WHERE s.chain_id IN $chains "
    "RETURN s.chain_id AS chain, properties(s) AS segment"
)
"""Which segments do these chains have?"""

GAP_SEGMENT_ACTORS = (
    "MATCH (a:Node) WHERE a.basis IN $doc_bases "
    "MATCH (s:Segment)<-[r:IN_SEGMENT]-(a) WHERE s.chain_id IN $chains "
    "OPTIONAL MATCH (a)-[:PROJECT_OF]->(o:Enterprise) "
    "WITH s, a, r, coalesce(o, a) AS f "
    "WHERE coalesce(f.basis, 'stated') <> 'registry' "
    "OPTIONAL MATCH (a)-[:LOCATED_IN]->(d:District) "
    "WITH s, a, r, f, collect(d.id) AS ad "
    "OPTIONAL MATCH (f)-[:LOCATED_IN]->(e:District) "
    "WITH s, a, r, f, ad, collect(e.id) AS fd "
    "RETURN s.id AS segment, f.id AS id, f.kind AS kind, f.name AS name, f.name_en AS name_en, "
    "f.local AS local, f.location AS location, f.active AS active, "
    "coalesce(f.basis, 'stated') AS basis, "
    "collect({via: a.id, via_name: a.name, via_kind: a.kind, link: properties(r), "
    "districts: ad + fd}) AS links"
)
"""Who sits in each segment of these chains (a project as its owner firm), and where?
Registry firms are left out here: they are counted by :data:`GAP_SEGMENT_COUNTS`. Starts from
the document graph's nodes (``Node.basis`` index), never walking a segment's registry firms."""

GAP_SEGMENT_COUNTS = (
    "MATCH (a:Node) WHERE a.basis IN $doc_bases "
    "MATCH (s:Segment)<-[:IN_SEGMENT]-(a) WHERE s.chain_id IN $chains "
    "OPTIONAL MATCH (a)-[:PROJECT_OF]->(o:Enterprise) "
    "WITH s, a, coalesce(o, a) AS f "
    "WHERE (f:Enterprise OR f:Project) AND coalesce(f.active, true) "
    "OPTIONAL MATCH (a)-[:LOCATED_IN]->(d:District) "
    "WITH s, f, collect(d.id) AS ad "
    "OPTIONAL MATCH (f)-[:LOCATED_IN]->(e:District) "
    "WITH s, f, ad, collect(e.id) AS fd WITH s, f, ad + fd AS ds "
    "WHERE ($scope IS NULL AND coalesce(f.local, true)) "
    "OR any(x IN ds WHERE x IN coalesce($scope, [])) "
    "RETURN s.id AS segment, coalesce(f.basis, 'stated') AS basis, count(DISTINCT f) AS firms"
)
"""How many distinct active local firms (a project counting for its owner) sit in each
segment, by the firm's basis? ``$scope``: null for all of Jinan, else district ids. Starts from
the document graph's nodes (``Node.basis`` index): registry firms are counted by
:data:`GAP_SEGMENT_TALLIES`, from the tallies the import stores on each segment."""

_TALLY = (
    "reduce(n = 0, i IN range(0, size(ds) - 1) | n + CASE WHEN $scope IS NULL OR "
    "ds[i] IN $scope THEN {x}.registry_count_firms[i] ELSE 0 END)"
)

_TALLY_SUM = (
    "reduce(n = {zero}, i IN range(0, size(ds) - 1) | n + CASE WHEN $scope IS NULL OR "
    "ds[i] IN $scope THEN s.{prop}[i] ELSE {zero} END)"
)

GAP_SEGMENT_TALLIES = (
    "MATCH (s:Segment) WHERE s.chain_id IN $chains "
    "WITH s, coalesce(s.registry_count_districts, []) AS ds "
    f"RETURN s.id AS segment, 'registry' AS basis, {_TALLY.format(x='s')} AS firms, "
    f"{_TALLY_SUM.format(zero='0.0', prop='registry_count_capital_wan')} AS capital_wan, "
    "reduce(n = -1.0, i IN range(0, size(ds) - 1) | CASE WHEN ($scope IS NULL OR "
    "ds[i] IN $scope) AND s.registry_count_max_capital_wan[i] > n "
    "THEN s.registry_count_max_capital_wan[i] ELSE n END) AS max_capital_wan, "
    f"{_TALLY_SUM.format(zero='0', prop='registry_count_insured')} AS insured"
)
"""How many active local registry firms sit in each segment of these chains (in the scope's
districts), with their summed and largest registered capital (万元, ``-1.0``: none known) and
summed insured staff? Read from the import's tallies (:mod:`chainatlas.graph.tallies`), not the
firms."""

GAP_REGISTRY_CANDIDATES = (
    "MATCH (s:Segment) WHERE s.chain_id IN $chains "
    "UNWIND coalesce(s.registry_court_ids, []) AS cid "
    "MATCH (e:Node {id: cid})-[r:IN_SEGMENT]->(t:Segment) WHERE t.id = s.id "
    "RETURN s.id AS segment, e.id AS id, e.name AS name, e.name_en AS name_en, "
    "e.local AS local, e.province AS province, e.city AS city, e.county AS county, "
    "e.capital_wan AS capital_wan, e.insured AS insured, r.basis_note AS rule, "
    "e.registry_source AS provenance"
)
"""The registry firms outside Jinan that the import ranked best in each segment of these chains
(``registry_court_ids``, :mod:`chainatlas.graph.tallies`): a few per segment, by id."""

GAP_CHAIN_FIRMS = (
    "MATCH (a:Node) WHERE a.basis IN $doc_bases "
    "MATCH (x:Node)<-[:IN_SEGMENT|IN_CHAIN]-(a) WHERE x.id IN $targets "
    "OPTIONAL MATCH (a)-[:PROJECT_OF]->(o:Enterprise) "
    "WITH a, coalesce(o, a) AS f "
    "WHERE f:Enterprise AND coalesce(f.active, true) "
    "OPTIONAL MATCH (a)-[:LOCATED_IN]->(d:District) "
    "WITH f, collect(d.id) AS ad "
    "OPTIONAL MATCH (f)-[:LOCATED_IN]->(e:District) "
    "WITH f, ad, collect(e.id) AS fd WITH f, ad + fd AS ds "
    "WHERE ($scope IS NULL AND coalesce(f.local, true)) "
    "OR any(x IN ds WHERE x IN coalesce($scope, [])) "
    "RETURN coalesce(f.basis, 'stated') AS basis, count(DISTINCT f) AS firms"
)
"""How many distinct active local enterprises does the graph hold in a chain (its chain level,
key chains and segments), by basis? Document-graph firms only (``Node.basis`` index); registry
firms come from :data:`GAP_CHAIN_TALLIES`."""

GAP_CHAIN_TALLIES = (
    "MATCH (c:Chain) WHERE c.id IN $chains "
    "WITH c, coalesce(c.registry_count_districts, []) AS ds "
    f"RETURN 'registry' AS basis, sum({_TALLY.format(x='c')}) AS firms"
)
"""How many distinct active local registry firms do these chains hold in their segments (in the
scope's districts)? From the import's per-chain tallies."""

GAP_CHAIN_ACTORS = (
    "MATCH (a:Node)-[r:IN_CHAIN]->(c:Chain) WHERE c.id IN $chains "
    "OPTIONAL MATCH (a)-[:PROJECT_OF]->(o:Enterprise) "
    "WITH a, r, c, coalesce(o, a) AS f "
    "OPTIONAL MATCH (f)-[:LOCATED_IN]->(d:District) "
    "WITH a, r, c, f, collect(d.id) AS districts "
    "OPTIONAL MATCH (s:Segment) WHERE s.chain_id IN $chains AND "
    "any(k IN coalesce(s.keywords, []) WHERE f.name CONTAINS k OR "
    "any(t IN coalesce(f.tags, []) WHERE t CONTAINS k)) "
    "RETURN c.id AS chain, f.id AS id, f.kind AS kind, f.name AS name, f.name_en AS name_en, "
    "f.local AS local, f.location AS location, f.active AS active, properties(r) AS link, "
    "a.id AS via, a.name AS via_name, districts, "
    "collect({segment: s.id, words: [k IN coalesce(s.keywords, []) WHERE f.name CONTAINS k OR "
    "any(t IN coalesce(f.tags, []) WHERE t CONTAINS k)]}) AS placed"
)
"""Which actors belong to these chains at chain level (a project as its owner firm), where are
they, and which segments do their own name or tags place them in (segment keywords)?"""

GAP_PRESENCE = (
    "MATCH (d:District)-[p:PRESENCE]->(t:Node) WHERE t.id IN $targets "
    "RETURN t.id AS target, d.id AS scope, d.name AS scope_name, d.level AS level, "
    "properties(p) AS link"
)
"""What do documents (or registry counts) say about these segments' or key chains' presence,
and about which district?"""

GAP_FIRM_COUNTS = (
    "MATCH (m:Metric)-[:METRIC_OF]->(c:Chain) WHERE c.id IN $chains AND m.unit = '家' "
    "AND m.indicator CONTAINS '企业' "
    "RETURN c.id AS chain, properties(m) AS metric"
)
"""How many firms do the documents count in these chains (企业数量 … 家)?"""

GAP_FIRM_LINKS = (
    "MATCH (a:Node) WHERE a.basis IN $doc_bases "
    "MATCH (a:Enterprise)-[:IN_SEGMENT]->(s:Segment) WHERE s.chain_id IN $chains "
    "MATCH (a)-[p:PARTNERS_WITH|SUPPLIES]-(b:Enterprise) "
    "OPTIONAL MATCH (b)-[:LOCATED_IN]->(d:District) "
    "RETURN a.id AS firm, a.name AS firm_name, s.id AS segment, type(p) AS type, "
    "startNode(p).id AS start, properties(p) AS link, b.id AS id, b.name AS name, "
    "b.name_en AS name_en, b.local AS local, b.location AS location, d.id AS district, "
    "coalesce(b.basis, 'stated') AS basis"
)
"""Which enterprises partner with, supply or buy from the firms of these chains' segments?
Only document-graph firms have such links (``Node.basis`` index: registry firms not walked)."""

GAP_SEGMENT_SUPPORT = (
    "MATCH (a:Node)-[r:SERVES]->(s:Segment) WHERE s.chain_id IN $chains "
    "RETURN s.id AS segment, a.id AS id, a.kind AS kind, a.name AS name, "
    "a.name_en AS name_en, properties(r) AS link"
)
"""Which platforms, parks, clusters or agencies serve each segment of these chains?

They support a segment (中试平台, 园区 …) but do not fill it.
"""

SEGMENT_FLOWS = (
    "MATCH (s:Segment)-[:UPSTREAM_OF]->(t:Segment) WHERE s.chain_id IN $chains "
    "RETURN s.id AS source, t.id AS target"
)
"""Which segments of these chains feed which?"""

SUB_DISTRICTS = (
    "MATCH (d:District {id: $id}) OPTIONAL MATCH (c:District)-[:LOCATED_IN]->(d) "
    "RETURN d.level AS level, d.name AS name, collect(c.id) AS children"
)
"""What level is this district, and which districts lie inside it?"""


# -- models ---------------------------------------------------------------------------------

class Evidence(BaseModel):
    """An actor of a segment (a firm counted once, or a support actor), with its sources."""

    id: str
    kind: str
    name: str
    name_en: str | None = None
    role: str | None = None
    leader: bool = Field(False, description="a source calls it 链主/龙头/领军 (role leader, "
                         "basis stated)")
    local: bool | None = None
    mark: str | None = Field(None, description="外地 for a firm outside Jinan")
    location: str | None = None
    basis: str = Field("stated", description="how its place in the segment is known")
    basis_note: str | None = None
    via: list[str] = Field(default_factory=list,
                           description="its projects (or the link) that put it here")
    districts: list[str] = Field(default_factory=list)
    sources: list[Source] = Field(default_factory=list)


class Statement(BaseModel):
    """A document statement (or registry count) on a segment's presence in a scope."""

    says: str = Field(description="present, weak or missing")
    scope: str
    scope_name: str | None = None
    basis: str = "stated"
    basis_note: str | None = None
    count: int | None = None
    sources: list[Source] = Field(default_factory=list)


class Counts(BaseModel):
    """Evidence counts of a segment."""

    firms: int = Field(0, description="distinct active local firms (projects count for their "
                       "owner), any basis")
    by_basis: dict[str, int] = Field(default_factory=dict)
    leaders: int = 0
    support: int = 0
    statements: int = 0
    others: int = Field(0, description="firms outside the scope (外地)")
    registry_capital_wan: float | None = Field(
        None, description="summed registered capital (万元) of the registry firms counted "
        "(active, local, in scope); null without registry firms")
    registry_max_capital_wan: float | None = Field(
        None, description="the largest registered capital among them (万元), null if none known")
    registry_insured: int | None = Field(
        None, description="their summed insured staff (参保人数)")


class Candidate(BaseModel):
    """A firm to court for a segment, with why."""

    id: str
    name: str
    name_en: str | None = None
    local: bool | None = None
    mark: str | None = None
    location: str | None = None
    districts: list[str] = Field(default_factory=list)
    score: float
    basis: str = Field("inferred", description="the strongest basis among its segment-level "
                       "reasons (stated > inferred > reference > rule > registry)")
    reasons: list[Reason]


class SegmentGap(BaseModel):
    id: str
    chain: str
    name: str
    name_en: str | None = None
    stage: str | None = None
    order: int | None = None
    basis: str = Field("stated", description="stated, inferred or reference (industry "
                       "knowledge, no quote)")
    basis_note: str | None = None
    reference: str | None = None
    status: str = Field(description="gap, weak, covered or unknown")
    status_zh: str
    explanation: str = Field(description="the reason, 中文")
    explanation_en: str
    counts: Counts = Field(default_factory=Counts)
    evidence: list[Evidence] = Field(default_factory=list,
                                     description="local firms, each counted once")
    statements: list[Statement] = Field(default_factory=list)
    others: list[Evidence] = Field(default_factory=list,
                                   description="firms of the segment outside the scope (外地)")
    candidates: list[Candidate] = Field(default_factory=list)
    support: list[Evidence] = Field(
        default_factory=list,
        description="platforms, parks, clusters, agencies serving the segment (not firms)")
    sources: list[Source] = Field(default_factory=list)


class KeyChainGap(BaseModel):
    id: str
    name: str
    name_en: str | None = None
    status: str
    status_zh: str
    explanation: str
    explanation_en: str
    derived: bool = False
    basis: str = "stated"
    actors: int = Field(0, description="local firms known")
    evidence: list[Evidence] = Field(default_factory=list)
    statements: list[Statement] = Field(default_factory=list)
    sources: list[Source] = Field(default_factory=list)


class DocumentedCount(BaseModel):
    indicator: str
    value: float | None = None
    unit: str | None = None
    year: int | None = None
    scope: str | None = None
    sources: list[Source] = Field(default_factory=list)


class Coverage(BaseModel):
    """How many local firms the graph holds against what the documents count."""

    firms_in_graph: int
    by_basis: dict[str, int] = Field(default_factory=dict)
    documented: list[DocumentedCount] = Field(default_factory=list)
    note: str
    note_en: str


class RankedCandidate(BaseModel):
    segment: str
    segment_name: str
    status: str
    candidate: Candidate


class GapReport(BaseModel):
    """A chain's segments with status, evidence and candidates, plus a ranked to-do list."""

    chain: Ref
    tier: str | None = None
    derived: bool = False
    scope: str | None = Field(None, description="district id when scoped, else all of Jinan")
    overall: str = Field(description="aggregate of the segments' statuses (overall_of): gap, "
                         "weak, covered, unknown or partial")
    overall_zh: str
    rule: str = Field(description="the aggregation, in words")
    summary: dict[str, int]
    coverage: Coverage
    segments: list[SegmentGap]
    key_chains: list[KeyChainGap] = Field(default_factory=list)
    unplaced: list[Evidence] = Field(default_factory=list)
    ranked: list[RankedCandidate] = Field(default_factory=list)


# -- the rule -------------------------------------------------------------------------------

def status_of(firms: int, says: str | None = None) -> str:
    """The status of a segment from its local firm count and the statement that applies.

    >>> status_of(0), status_of(2), status_of(0, "present"), status_of(5, "weak")
    ('unknown', 'covered', 'covered', 'weak')
    >>> status_of(0, "missing"), status_of(1, "missing")
    ('gap', 'weak')
    """
    if says == "missing":
        return "gap" if firms == 0 else "weak"
    if says == "weak":
        return "weak"
    if says == "present" or firms > 0:
        return "covered"
    return "unknown"


def overall_of(summary: dict[str, int]) -> str:
    """A chain's status from its segments' counts (documented in the module docstring).

    >>> overall_of({"gap": 1, "weak": 2, "covered": 3})
    'gap'
    >>> overall_of({"covered": 3, "unknown": 0}), overall_of({"covered": 1, "unknown": 2})
    ('covered', 'partial')
    >>> overall_of({"unknown": 2}), overall_of({})
    ('unknown', 'unknown')
    """
    if summary.get("gap"):
        return "gap"
    if summary.get("weak"):
        return "weak"
    if not summary.get("covered"):
        return "unknown"
    return "partial" if summary.get("unknown") else "covered"


OVERALL_RULE = ("缺链优先：任一环节缺链则为缺链，否则任一弱链则为弱链，全部已有则为已有，"
                "无一已有则为未掌握，其余为部分掌握 / gap if any segment is a gap, else weak if "
                "any is weak, else covered if all are covered, unknown if none is, else partial")


def _quote(st: Statement | None) -> str:
    if st is None or not st.sources:
        return ""
    q = st.sources[0].quote
    return f"“{q if len(q) <= 40 else q[:39] + '…'}”"


def explain(status: str, n: int, st: Statement | None = None, *, leaders: int = 0,
            support: int = 0, basis: str = "stated") -> tuple[str, str]:
    """The reason for a status, in Chinese and English.

    >>> explain("unknown", 0, support=1)[0]
    '未掌握：图谱暂无本地企业，也无文件表述（不等于缺链；已有1个服务平台或载体）'
    >>> explain("covered", 3, leaders=1)[1]
    'Covered: the graph holds 3 local firm(s), 1 named leader(s)'
    """
    scope_zh = "" if st is None or st.scope == "jinan" else f"（{st.scope_name or st.scope}）"
    registry = st is not None and st.basis == "registry"
    who = "企业登记数据" if registry else "文件"
    who_en = "registry data" if registry else "a document"
    if status == "gap":
        return (f"缺链：{who}称本地缺少此环节{scope_zh}{_quote(st)}",
                f"Gap: {who_en} says the segment is missing locally")
    if status == "weak" and st is not None and st.says == "missing":
        return (f"弱链：{who}称此环节缺失或短板{_quote(st)}，图谱另有本地企业{n}家",
                f"Weak: {who_en} says the segment is short; the graph holds {n} local firm(s)")
    if status == "weak":
        return (f"弱链：{who}称此环节薄弱或需引育{scope_zh}{_quote(st)}",
                f"Weak: {who_en} says the segment is weak or needs firms brought in")
    if status == "covered" and st is not None and st.says == "present":
        extra = f"；图谱收录本地企业{n}家" if n else ""
        return (f"已有：{who}称本地已有此环节{scope_zh}{_quote(st)}{extra}",
                f"Covered: {who_en} says the segment exists locally"
                + (f"; the graph holds {n} local firm(s)" if n else ""))
    if status == "covered":
        lead = f"，其中链主/龙头{leaders}家" if leaders else ""
        return (f"已有：图谱收录本地企业{n}家{lead}",
                f"Covered: the graph holds {n} local firm(s)"
                + (f", {leaders} named leader(s)" if leaders else ""))
    ref = "；参考环节（行业常识，无文件出处）" if basis == "reference" else ""
    ref_en = "; a reference segment (industry knowledge, no source)" if basis == "reference" else ""
    sup = f"；已有{support}个服务平台或载体" if support else ""
    sup_en = f"; {support} serving platform(s) or carrier(s)" if support else ""
    return (f"未掌握：图谱暂无本地企业，也无文件表述（不等于缺链{ref}{sup}）",
            f"No data: the graph holds no local firm and no statement (not a gap{ref_en}{sup_en})")


REGISTRY_WEAK_STAFF = 100
"""A segment known from registry firms only is weak when their insured staff sum to fewer than
this many people …"""
REGISTRY_WEAK_CAPITAL = 5000.0
"""… and none of them has a registered capital of this many 万元 (5000万元) or more."""


def registry_small(size: dict[str, Any]) -> bool:
    """Are a segment's registry firms all small (see :data:`REGISTRY_WEAK_STAFF`)? Without any
    size figure (no capital, no staff known) nothing is judged.

    >>> registry_small({"insured": 12, "max_capital_wan": 300.0})
    True
    >>> registry_small({"insured": 12, "max_capital_wan": 8000.0})
    False
    >>> registry_small({"insured": 0, "max_capital_wan": -1.0})
    False
    """
    staff = int(size.get("insured") or 0)
    top = float(size.get("max_capital_wan") if size.get("max_capital_wan") is not None else -1)
    if staff <= 0 and top < 0:
        return False
    return staff < REGISTRY_WEAK_STAFF and top < REGISTRY_WEAK_CAPITAL


def explain_registry_small(n: int, size: dict[str, Any]) -> tuple[str, str]:
    """Why a segment known only from the registry is weak.

    >>> explain_registry_small(2, {"insured": 12, "max_capital_wan": 300.0})[0]
    '弱链：企业登记数据显示本地仅有小微企业2家（合计参保12人，最大注册资本300万元），无文件表述'
    """
    staff = int(size.get("insured") or 0)
    top = float(size.get("max_capital_wan") if size.get("max_capital_wan") is not None else -1)
    cap_zh = f"最大注册资本{top:g}万元" if top >= 0 else "注册资本不详"
    cap_en = f"largest registered capital {top:g} 万元" if top >= 0 else "capital unknown"
    return (f"弱链：企业登记数据显示本地仅有小微企业{n}家（合计参保{staff}人，{cap_zh}），"
            "无文件表述",
            f"Weak: registry data shows only {n} small local firm(s) ({staff} insured staff in "
            f"all, {cap_en}); no document statement")


def _size_counts(size: dict[str, Any] | None) -> dict[str, Any]:
    if not size:
        return {}
    top = size.get("max_capital_wan")
    return {"registry_capital_wan": round(float(size.get("capital_wan") or 0.0), 4),
            "registry_max_capital_wan": float(top) if top is not None and top >= 0 else None,
            "registry_insured": int(size.get("insured") or 0)}


def coverage_note(firms: int, documented: list[DocumentedCount]) -> tuple[str, str]:
    """The coverage sentence shown next to every gap view.

    >>> coverage_note(3, [DocumentedCount(indicator="企业数量", value=195, unit="家")])[0]
    '图谱收录本地企业3家；文件所载：企业数量195家。未收录者为“未掌握”，不是缺链'
    >>> coverage_note(2, [])[1]
    'The graph holds 2 local firm(s); the documents give no firm count for this chain'
    """
    if not documented:
        return (f"图谱收录本地企业{firms}家；文件未给出本链企业总数",
                f"The graph holds {firms} local firm(s); the documents give no firm count for "
                "this chain")
    figs = "；".join(f"{d.indicator}{d.value:g}{d.unit or ''}"
                    + (f"（{d.scope}）" if d.scope else "") for d in documented
                    if d.value is not None)
    figs_en = "; ".join(f"{d.indicator} {d.value:g}" for d in documented if d.value is not None)
    return (f"图谱收录本地企业{firms}家；文件所载：{figs}。未收录者为“未掌握”，不是缺链",
            f"The graph holds {firms} local firm(s); the documents count {figs_en}. Firms not "
            "in the graph are unknown, not absent")


# -- the report -----------------------------------------------------------------------------

def _scope_of(store: GraphStore, district: str | None,
              timeout_ms: int | None) -> set[str] | None:
    if not district:
        return None
    d = store.read(SUB_DISTRICTS, {"id": district}, timeout_ms=timeout_ms)
    if d and d[0]["level"] != "city":
        return {district, *d[0]["children"]}
    return None


def _applies(st: Statement, level: str | None, scope: set[str] | None,
             own_district: str | None) -> bool:
    """Does a statement about ``st.scope`` apply to the report's scope?"""
    if scope is not None:
        return st.scope in scope
    if level in ("city", "province"):
        return True
    return st.says == "present" or st.scope == own_district


def _pick(statements: list[Statement]) -> Statement | None:
    """The statement that decides: the narrowest scope wins; among equals, the worst says."""
    if not statements:
        return None
    rank = {"missing": 0, "weak": 1, "present": 2}
    return sorted(statements, key=lambda s: (s.scope == "jinan", rank.get(s.says, 3)))[0]


def _link_order(lk: dict[str, Any]) -> tuple[str, str, str, str]:
    """A stable order of an actor's links to a segment (via, basis, role, first source)."""
    link = lk.get("link") or {}
    docs = link.get("source_docs") or [""]
    return (str(lk.get("via") or ""), str(link.get("basis") or ""), str(link.get("role") or ""),
            str(docs[0]))


def _leader(link: dict[str, Any]) -> bool:
    return link.get("role") == "leader" and (link.get("basis") or "stated") == "stated"


def gap_report(store: GraphStore, chain_id: str, *, district: str | None = None,
               candidates_per_segment: int = 10,
               timeout_ms: int | None = None) -> GapReport | None:
    """Where is this chain present, weak, missing or unknown (in Jinan or one district), on
    what evidence, and which firms outside does the graph know that could fill each segment?"""
    rows = store.read(GAP_CHAIN, {"id": chain_id}, timeout_ms=timeout_ms)
    if not rows:
        return None
    cprops = rows[0]["props"]
    keys = [k for k in rows[0]["keys"] if k.get("id")]
    chains = [chain_id, *(k["id"] for k in keys)]
    scope = _scope_of(store, district, timeout_ms)
    own_district = next((r["id"] for r in store.read(
        GAP_CHAIN_DISTRICT, {"id": chain_id}, timeout_ms=timeout_ms)), None)

    def is_local(local: Any, districts: set[str] | list[str]) -> bool:
        if scope is None:
            return local is not False
        return bool(set(districts) & scope)

    seg_props: dict[str, dict[str, Any]] = {}
    seg_chain: dict[str, str] = {}
    for r in store.read(GAP_SEGMENTS, {"chains": chains}, timeout_ms=timeout_ms):
        seg_props[r["segment"]["id"]] = r["segment"]
        seg_chain[r["segment"]["id"]] = r["chain"]

    # -- 1. actors placed in segments (firms once, support apart) ---------------------------
    local_of: dict[str, dict[str, Evidence]] = defaultdict(dict)
    other_of: dict[str, dict[str, Evidence]] = defaultdict(dict)
    support_of: dict[str, dict[str, Evidence]] = defaultdict(dict)
    for r in store.read(GAP_SEGMENT_ACTORS, {"chains": chains, "doc_bases": DOC_BASES},
                        timeout_ms=timeout_ms):
        sid = r["segment"]
        links = sorted(r["links"], key=_link_order)  # the same answer whatever the store's order
        districts = sorted({d for lk in links for d in lk["districts"] or []})
        via = [lk["via_name"] or lk["via"] for lk in links if lk["via"] != r["id"]]
        best = min(links, key=lambda lk: 0 if _leader(lk["link"] or {}) else 1)
        link = best["link"] or {}
        ev = Evidence(id=r["id"], kind=r["kind"] or "other", name=r["name"] or r["id"],
                      name_en=r["name_en"], role=link.get("role"),
                      leader=any(_leader(lk["link"] or {}) for lk in links),
                      local=r["local"], location=r["location"], via=via, districts=districts,
                      sources=[s for lk in links for s in to_sources(lk["link"])],
                      **{k: v for k, v in basis_of(link).items() if k != "reference"})
        if ev.kind not in FIRM_KINDS:
            support_of[sid][ev.id] = ev
        elif r["active"] is not False and is_local(r["local"], districts):
            local_of[sid][ev.id] = ev
        else:
            if r["local"] is False:
                ev.mark = OUTSIDE_ZH
            other_of[sid][ev.id] = ev
    for r in store.read(GAP_SEGMENT_SUPPORT, {"chains": chains}, timeout_ms=timeout_ms):
        if r["id"] not in local_of[r["segment"]]:
            support_of[r["segment"]].setdefault(r["id"], Evidence(
                id=r["id"], kind=r["kind"], name=r["name"] or r["id"], name_en=r["name_en"],
                sources=to_sources(r["link"] or {}), **{
                    k: v for k, v in basis_of(r["link"]).items() if k != "reference"}))

    counts_of: dict[str, dict[str, int]] = defaultdict(dict)
    size_of: dict[str, dict[str, Any]] = {}
    count_params = {"chains": chains, "scope": sorted(scope) if scope else None,
                    "doc_bases": DOC_BASES}
    for cypher in (GAP_SEGMENT_COUNTS, GAP_SEGMENT_TALLIES):
        for r in store.read(cypher, count_params, timeout_ms=timeout_ms):
            if int(r["firms"] or 0):
                by = counts_of[r["segment"]]
                by[r["basis"]] = by.get(r["basis"], 0) + int(r["firms"])
                if r["basis"] == "registry":
                    size_of[r["segment"]] = r

    # -- 2. chain-level actors, and those whose own name or tags place them in a segment ---
    chain_level: dict[str, dict[str, Evidence]] = defaultdict(dict)
    for r in store.read(GAP_CHAIN_ACTORS, {"chains": chains}, timeout_ms=timeout_ms):
        link = r["link"] or {}
        local = r["active"] is not False and is_local(r["local"], r["districts"])
        ev = chain_level[r["chain"]].get(r["id"])
        if ev is None:
            ev = Evidence(id=r["id"], kind=r["kind"] or "other", name=r["name"] or r["id"],
                          name_en=r["name_en"], role=link.get("role"), leader=_leader(link),
                          local=r["local"], location=r["location"],
                          mark=OUTSIDE_ZH if r["local"] is False else None,
                          districts=sorted(set(r["districts"])), sources=to_sources(link),
                          via=[r["via_name"]] if r["via"] != r["id"] else [],
                          **{k: v for k, v in basis_of(link).items() if k != "reference"})
            chain_level[r["chain"]][r["id"]] = ev
        if ev.kind not in FIRM_KINDS or not local:
            continue
        for p in r["placed"]:
            sid = p.get("segment")
            if not sid or sid not in seg_props or ev.id in local_of[sid]:
                continue
            words = "、".join(p.get("words") or [])
            local_of[sid][ev.id] = ev.model_copy(update={
                "basis": "rule", "basis_note": f"名称或标签含“{words}” / name or tags contain "
                f"{words!r} (segment keywords)", "leader": False})
            counts_of[sid]["rule"] = counts_of[sid].get("rule", 0) + 1

    # -- 3. statements ------------------------------------------------------------------------
    statements_of: dict[str, list[Statement]] = defaultdict(list)
    applying_of: dict[str, list[Statement]] = defaultdict(list)
    targets = [*seg_props, *(k["id"] for k in keys), chain_id]
    for r in store.read(GAP_PRESENCE, {"targets": targets}, timeout_ms=timeout_ms):
        link = r["link"] or {}
        st = Statement(says=link.get("says") or "present", scope=r["scope"],
                       scope_name=r["scope_name"], count=link.get("count"),
                       sources=to_sources(link), **{
                           k: v for k, v in basis_of(link).items() if k != "reference"})
        statements_of[r["target"]].append(st)
        if _applies(st, r["level"], scope, own_district):
            applying_of[r["target"]].append(st)

    # -- candidates ----------------------------------------------------------------------------
    cands = _candidates(store, chains, seg_props, local_of, other_of, scope, is_local,
                        timeout_ms)
    reg_rank: dict[str, dict[str, int]] = defaultdict(dict)
    for sid, found in _registry_candidates(store, chains, seg_props, timeout_ms).items():
        known = {c.id for c in cands[sid]}
        cands[sid] = [*cands[sid], *(c for c in found if c.id not in known)]
        reg_rank[sid] = {c.id: i for i, c in enumerate(found)}

    # -- assemble segments -----------------------------------------------------------------------
    segments: list[SegmentGap] = []
    own = any(seg_chain[sid] == chain_id for sid in seg_props)
    for sid, p in seg_props.items():
        if own and seg_chain[sid] != chain_id:
            continue  # a chain with segments of its own reports those; else its key chains'
        ev = sorted(local_of[sid].values(), key=lambda e: (not e.leader, e.kind, e.id))
        by_basis = dict(counts_of[sid])
        n = sum(by_basis.values())
        st = _pick(applying_of[sid])
        status = status_of(n, st.says if st else None)
        support = sorted(support_of[sid].values(), key=lambda e: (e.kind, e.id))
        leaders = sum(1 for e in ev if e.leader)
        zh, en = explain(status, n, st, leaders=leaders, support=len(support),
                         basis=p.get("basis") or "stated")
        size = size_of.get(sid)
        if st is None and status == "covered" and set(by_basis) == {"registry"} and size \
                and registry_small(size):
            status = "weak"
            zh, en = explain_registry_small(n, size)
        # documents' candidates (quoted) before the registry's at the same score; the
        # registry's in the import's size order
        rank = reg_rank[sid]
        clist = sorted(cands[sid], key=lambda c: (-c.score, BASIS_STRENGTH.get(c.basis, 9),
                                                  rank.get(c.id, -1), c.id))
        segments.append(SegmentGap(
            id=sid, chain=seg_chain[sid], name=p.get("name") or sid, name_en=p.get("name_en"),
            stage=p.get("stage"), order=p.get("order"), status=status,
            status_zh=STATUS_ZH[status], explanation=zh, explanation_en=en,
            counts=Counts(firms=n, by_basis=by_basis, leaders=leaders, support=len(support),
                          statements=len(statements_of[sid]), others=len(other_of[sid]),
                          **_size_counts(size)),
            evidence=ev, statements=statements_of[sid],
            others=sorted(other_of[sid].values(), key=lambda e: e.id),
            candidates=clist[:candidates_per_segment], support=support,
            sources=to_sources(p), **basis_of(p)))
    chain_rank = {c: i for i, c in enumerate(chains)}
    segments.sort(key=lambda s: (chain_rank.get(s.chain, 0),
                                 s.order if s.order is not None else 10_000, s.id))

    # -- key chains --------------------------------------------------------------------------
    def local_chain_actors(cid: str) -> list[Evidence]:
        return [e for e in chain_level[cid].values()
                if e.kind in FIRM_KINDS and is_local(e.local, e.districts)]

    key_gaps = []
    for k in sorted(keys, key=lambda k: k["id"]):
        firms = {e.id: e for e in local_chain_actors(k["id"])}
        k_segs = [s for s in seg_props if seg_chain[s] == k["id"]]
        for sid in k_segs:
            firms.update(local_of[sid])
        ev = sorted(firms.values(), key=lambda e: (not e.leader, e.id))
        st = _pick(applying_of[k["id"]])
        if k_segs and st is None:
            ss = [s.status for s in segments if s.chain == k["id"]] or [
                status_of(sum(counts_of[s].values()),
                          (_pick(applying_of[s]).says if applying_of[s] else None))
                for s in k_segs]
            kstatus = overall_of({x: ss.count(x) for x in STATUSES})
            zh, en = (f"{STATUS_ZH[kstatus]}：按本链各环节汇总",
                      f"{STATUS_EN[kstatus].capitalize()}: from its segments")
        else:
            kstatus = status_of(len(ev), st.says if st else None)
            zh, en = explain(kstatus, len(ev), st, leaders=sum(1 for e in ev if e.leader))
        key_gaps.append(KeyChainGap(
            id=k["id"], name=k["name"] or k["id"], name_en=k.get("name_en"), status=kstatus,
            status_zh=STATUS_ZH[kstatus], explanation=zh, explanation_en=en,
            derived=bool(k.get("derived")), basis=k.get("basis") or "stated", actors=len(ev),
            evidence=ev, statements=statements_of[k["id"]],
            sources=[Source(doc=d, quote=q) for d, q in
                     zip(k.get("docs") or [], k.get("quotes") or [], strict=False)]))

    placed = {e.id for s in segments for e in s.evidence}
    unplaced = sorted((e for e in local_chain_actors(chain_id) if e.id not in placed),
                      key=lambda e: e.id)
    ranked = [RankedCandidate(segment=s.id, segment_name=s.name, status=s.status, candidate=c)
              for s in segments if s.status != "covered" for c in s.candidates]
    ranked.sort(key=lambda r: (STATUS_ORDER[r.status], -r.candidate.score, r.segment,
                               r.candidate.id))
    summary = {k: sum(1 for s in segments if s.status == k) for k in STATUSES}
    if segments:
        overall = overall_of(summary)
    elif key_gaps:
        ks = [k.status for k in key_gaps]
        overall = overall_of({x: ks.count(x) for x in STATUSES})
    else:
        st = _pick(applying_of[chain_id])
        overall = status_of(len(local_chain_actors(chain_id)), st.says if st else None)
    return GapReport(
        chain=Ref(id=chain_id, kind="chain", name=cprops.get("name") or chain_id,
                  name_en=cprops.get("name_en"), sources=to_sources(cprops),
                  **basis_of(cprops)),
        tier=cprops.get("tier"), derived=bool(cprops.get("derived")),
        scope=district if scope is not None else None, overall=overall,
        overall_zh=STATUS_ZH[overall], rule=OVERALL_RULE, summary=summary,
        coverage=chain_coverage(store, chain_id, chains, [*seg_props], scope,
                                timeout_ms=timeout_ms),
        segments=segments, key_chains=key_gaps, unplaced=unplaced, ranked=ranked)


def chain_coverage(store: GraphStore, chain_id: str, chains: list[str], segments: list[str],
                   scope: set[str] | None = None, *,
                   timeout_ms: int | None = None) -> Coverage:
    """Local firms the graph holds in a chain (chain level, key chains, segments; by basis)
    against the firm counts the documents state for it."""
    params = {"targets": [*chains, *segments], "chains": chains,
              "scope": sorted(scope) if scope else None, "doc_bases": DOC_BASES}
    by_basis: dict[str, int] = {}
    for cypher in (GAP_CHAIN_FIRMS, GAP_CHAIN_TALLIES):
        for r in store.read(cypher, params, timeout_ms=timeout_ms):
            if int(r["firms"] or 0):
                by_basis[r["basis"]] = by_basis.get(r["basis"], 0) + int(r["firms"])
    documented = []
    for r in store.read(GAP_FIRM_COUNTS, {"chains": [chain_id]}, timeout_ms=timeout_ms):
        m = r["metric"]
        if m.get("metric_kind") == "target":
            continue
        documented.append(DocumentedCount(indicator=m.get("indicator") or "", value=m.get("value"),
                                          unit=m.get("unit"), year=m.get("year"),
                                          scope=m.get("scope"), sources=to_sources(m)))
    documented.sort(key=lambda d: (-(d.value or 0), d.indicator))
    n = sum(by_basis.values())
    zh, en = coverage_note(n, documented)
    return Coverage(firms_in_graph=n, by_basis=by_basis, documented=documented, note=zh,
                    note_en=en)


def _candidates(store: GraphStore, chains: list[str], seg_props: dict[str, dict[str, Any]],
                local_of: dict[str, dict[str, Evidence]], other_of: dict[str, dict[str, Evidence]],
                scope: set[str] | None, is_local: Any,
                timeout_ms: int | None) -> dict[str, list[Candidate]]:
    """Firms outside the scope with a segment-level reason backed by a quote."""
    flows = store.read(SEGMENT_FLOWS, {"chains": chains}, timeout_ms=timeout_ms)
    feeds: dict[str, set[str]] = defaultdict(set)
    fed_by: dict[str, set[str]] = defaultdict(set)
    for f in flows:
        feeds[f["source"]].add(f["target"])
        fed_by[f["target"]].add(f["source"])
    cands: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)

    def add(seg: str, cid: str, info: dict[str, Any], reason: Reason) -> None:
        if cid in local_of[seg] or not reason.sources:
            return
        c = cands[seg].setdefault(cid, {**info, "reasons": {}})
        c["districts"] |= info["districts"]
        c["reasons"].setdefault((reason.kind, reason.via), reason)

    seg_name = {sid: p.get("name") or sid for sid, p in seg_props.items()}
    where = "济南以外" if scope is None else "辖区以外"
    for sid, others in other_of.items():
        for e in others.values():
            if e.kind != "enterprise":
                continue
            add(sid, e.id, {"name": e.name, "name_en": e.name_en, "local": e.local,
                            "location": e.location, "districts": set(e.districts)},
                Reason(kind="same_segment", via=sid, weight=WEIGHTS["same_segment"],
                       basis=e.basis,
                       text=f"已在“{seg_name[sid]}”环节，位于{where}",
                       text_en=f"Already in segment {seg_name[sid]}, outside "
                       + ("Jinan" if scope is None else "the district"), sources=e.sources))
    link_rows = store.read(GAP_FIRM_LINKS, {"chains": chains, "doc_bases": DOC_BASES},
                           timeout_ms=timeout_ms)
    firm_districts: dict[str, set[str]] = defaultdict(set)
    for r in link_rows:
        if r["district"]:
            firm_districts[r["id"]].add(r["district"])
    for r in link_rows:
        sid, firm = r["segment"], r["firm"]
        if firm not in local_of[sid] or is_local(r["local"], firm_districts[r["id"]]):
            continue  # only links of local firms, to firms outside the scope
        info = {"name": r["name"] or r["id"], "name_en": r["name_en"], "local": r["local"],
                "location": r["location"], "districts": set(firm_districts[r["id"]])}
        src = to_sources(r["link"])
        b = basis_of(r["link"])["basis"]
        fname = r["firm_name"] or firm
        if r["type"] == "PARTNERS_WITH":
            add(sid, r["id"], info, Reason(
                kind="partner_of_local", via=firm, weight=WEIGHTS["partner_of_local"], basis=b,
                text=f"与本环节本地企业{fname}有合作", text_en=f"Partner of local firm {fname}",
                sources=src))
        elif r["start"] == r["id"]:
            for up in fed_by[sid]:
                add(up, r["id"], info, Reason(
                    kind="supplies_local", via=firm, weight=WEIGHTS["supplies_local"], basis=b,
                    text=f"向下游本地企业{fname}供货", text_en=f"Supplies local firm {fname} "
                    "downstream", sources=src))
        else:
            for down in feeds[sid]:
                add(down, r["id"], info, Reason(
                    kind="buys_from_local", via=firm, weight=WEIGHTS["buys_from_local"],
                    basis=b, text=f"采购上游本地企业{fname}的产品",
                    text_en=f"Buys from local firm {fname} upstream", sources=src))
    out: dict[str, list[Candidate]] = defaultdict(list)
    for sid, by_id in cands.items():
        for cid, c in by_id.items():
            reasons = sorted(c["reasons"].values(), key=lambda x: (-x.weight, x.kind))
            if not any(r.kind in SEGMENT_REASONS for r in reasons):
                continue  # a partnership alone says nothing about the segment
            score = sum(max(r.weight for r in reasons if r.kind == k)
                        for k in {r.kind for r in reasons})
            basis = min((r.basis or "stated" for r in reasons if r.kind in SEGMENT_REASONS),
                        key=lambda b: BASIS_STRENGTH.get(b, len(BASIS_STRENGTH)))
            out[sid].append(Candidate(
                id=cid, name=c["name"], name_en=c["name_en"], local=c["local"],
                mark=OUTSIDE_ZH if c["local"] is False else None, location=c["location"],
                districts=sorted(c["districts"]), score=score, basis=basis, reasons=reasons))
    return out


def _registry_candidates(store: GraphStore, chains: list[str],
                         seg_props: dict[str, dict[str, Any]],
                         timeout_ms: int | None) -> dict[str, list[Candidate]]:
    """Registry firms outside Jinan to court, per segment, largest first (the import ranks and
    keeps them, :mod:`chainatlas.graph.tallies`). Their one reason is the classification rule
    that placed them (basis ``rule``, no quote: the registry row is their provenance)."""
    out: dict[str, list[Candidate]] = defaultdict(list)
    rows = store.read(GAP_REGISTRY_CANDIDATES, {"chains": chains}, timeout_ms=timeout_ms)
    for sid in seg_props:
        order = {cid: i for i, cid in enumerate(seg_props[sid].get("registry_court_ids") or [])}
        mine = sorted((r for r in rows if r["segment"] == sid),
                      key=lambda r: order.get(r["id"], len(order)))
        for r in mine:
            seg = seg_props[sid].get("name") or sid
            where = "".join(dict.fromkeys(x for x in (r["province"], r["city"], r["county"]) if x))
            size_zh = "".join([f"，注册资本{r['capital_wan']:g}万元" if r["capital_wan"] else "",
                               f"，参保{r['insured']}人" if r["insured"] else ""])
            size_en = "".join([f", capital {r['capital_wan']:g} 万元" if r["capital_wan"] else "",
                               f", {r['insured']} insured staff" if r["insured"] else ""])
            rule = r["rule"] or "规则 rule"
            reason = Reason(
                kind="same_segment", via=sid, via_name=seg, weight=WEIGHTS["same_segment"],
                basis="rule",
                text=f"企业登记：按{rule}归入“{seg}”环节，位于{where or '济南以外'}{size_zh}",
                text_en=f"Registry: placed in segment {seg} by {rule}, located in "
                f"{where or 'outside Jinan'}{size_en}")
            out[sid].append(Candidate(
                id=r["id"], name=r["name"] or r["id"], name_en=r["name_en"], local=False,
                mark=OUTSIDE_ZH, location=where or None, score=WEIGHTS["same_segment"],
                basis="rule", reasons=[reason]))
    return out


class ChainGapSummary(BaseModel):
    """One chain's gap counts, for the overview of all chains."""

    chain: Ref
    tier: str | None = None
    derived: bool = False
    overall: str
    overall_zh: str
    summary: dict[str, int]
    gap: list[Ref] = Field(default_factory=list, description="gap segments (缺链)")
    weak: list[Ref] = Field(default_factory=list, description="weak segments (弱链)")
    unknown: list[Ref] = Field(default_factory=list, description="segments without data (未掌握)")
    key_chains: dict[str, str] = Field(default_factory=dict,
                                       description="key chain id → status")
    coverage: Coverage
    candidates: int = Field(0, description="firms to court across its segments")


def summarise(rep: GapReport, tier: str | None = None) -> ChainGapSummary:
    """The overview row of one chain's report (the same statuses, nothing recomputed)."""

    def refs(status: str) -> list[Ref]:
        return [Ref(id=s.id, kind="segment", name=s.name, name_en=s.name_en,
                    sources=s.sources, basis=s.basis, basis_note=s.basis_note,
                    reference=s.reference) for s in rep.segments if s.status == status]

    return ChainGapSummary(
        chain=rep.chain, tier=tier or rep.tier, derived=rep.derived, overall=rep.overall,
        overall_zh=rep.overall_zh, summary=rep.summary, gap=refs("gap"), weak=refs("weak"),
        unknown=refs("unknown"), key_chains={k.id: k.status for k in rep.key_chains},
        coverage=rep.coverage,
        candidates=len({k.id for s in rep.segments for k in s.candidates}))


def gap_overview(store: GraphStore, *, tier: str | None = "flagship", district: str | None = None,
                 timeout_ms: int | None = None) -> list[ChainGapSummary]:
    """Which chains have the most gap and weak segments (in Jinan, or one district)?

    One :func:`gap_report` per chain of the tier (so the overview never disagrees with a
    chain's own report), ordered by gap, then weak, then unknown segments.
    """
    from chainatlas.queries.chains import list_chains

    out: list[ChainGapSummary] = []
    for c in list_chains(store, tier, timeout_ms=timeout_ms):
        rep = gap_report(store, c.id, district=district, candidates_per_segment=50,
                         timeout_ms=timeout_ms)
        if rep is not None:
            out.append(summarise(rep, c.tier))
    out.sort(key=lambda g: (-g.summary.get("gap", 0), -g.summary.get("weak", 0),
                            -g.summary.get("unknown", 0), g.chain.id))
    return out
