"""Related enterprises: for one enterprise, the others ranked by why they are connected.

One Cypher text (a ``UNION ALL`` of one branch per reason) returns every (other firm, reason,
via node, sources) row; Python scores and filters. The score of a firm is the sum, over the
distinct reason kinds it has, of the weight of that kind (a kind counts once, however many
via nodes): declared links weigh most, shared places least.

=================  ======  =========================================================
reason kind        weight  meaning
=================  ======  =========================================================
partner            5       declared partnership (PARTNERS_WITH, either direction)
supplier           5       the other supplies this firm (SUPPLIES →)
customer           5       this firm supplies the other
same_segment       3       both in the same segment (IN_SEGMENT)
upstream           2       the other is in a segment upstream of this firm's (UPSTREAM_OF)
downstream         2       the other is in a segment downstream of this firm's
same_cluster       2       members of the same cluster
same_park          2       in (or members of) the same park
shared_platform    1.5     both linked to the same platform (partner, member, operator)
same_chain         1       both in the same chain (chain level or different segments)
same_district      1       located in the same district (the city level is not counted)
=================  ======  =========================================================
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from pydantic import BaseModel, Field

from chainatlas.graph.model import BASES
from chainatlas.graph.store import GraphStore
from chainatlas.queries.models import Basis, Reason, Source, basis_of, pair_sources, weakest_basis

WEIGHTS: dict[str, float] = {
    "partner": 5.0,
    "supplier": 5.0,
    "customer": 5.0,
    "same_segment": 3.0,
    "upstream": 2.0,
    "downstream": 2.0,
    "same_cluster": 2.0,
    "same_park": 2.0,
    "shared_platform": 1.5,
    "same_chain": 1.0,
    "same_district": 1.0,
}
REASON_KINDS = tuple(WEIGHTS)

TEXTS: dict[str, tuple[str, str]] = {
    "partner": ("与之有合作关系", "Declared partner"),
    "supplier": ("为其供货（上游供应商）", "Supplies it (supplier)"),
    "customer": ("采购其产品（下游客户）", "Buys from it (customer)"),
    "same_segment": ("同属“{via}”环节", "Both in segment {via}"),
    "upstream": ("位于上游环节“{via}”", "In upstream segment {via}"),
    "downstream": ("位于下游环节“{via}”", "In downstream segment {via}"),
    "same_cluster": ("同属产业集群“{via}”", "Both in cluster {via}"),
    "same_park": ("同在园区“{via}”", "Both in park {via}"),
    "shared_platform": ("共同关联平台“{via}”", "Both linked to platform {via}"),
    "same_chain": ("同属产业链“{via}”", "Both in chain {via}"),
    "same_district": ("同在“{via}”", "Both located in {via}"),
}

_ROW = ("RETURN '{kind}' AS reason, {via}.id AS via, {via}.name AS via_name, "
        "{docs} AS docs, {quotes} AS quotes, [{bases}] AS bases, collect(o.id) AS others")
"""One row per (reason, via, sources, bases) with the other firms collected: the store
groups the up to ``CAP`` registry firms of a branch into one row (they share all but their
id), so the client decodes a list of ids instead of hundreds of rows."""

CAP = 300
"""Rows each high fan-out reason (same segment, chain, district, park …) returns at most.

A registry import puts thousands of firms in one segment or district; without a cap one
lookup returned every firm of the chain (30 s at 100k firms). Document firms are never capped;
registry firms are (the first ``CAP`` the store finds); declared links (partner, supplier,
customer) are never capped."""


def _branch(kind: str, match: str, via: str = "v", rels: tuple[str, ...] = ("r1", "r2"),
            capped: bool = True, docs_match: str | None = None) -> str:
    """One reason's branch; a capped one is split in two: document firms (all of them) and
    registry firms (at most ``$cap``, no sort, so the store stops early). ``docs_match`` finds
    the document firms from the via node's ``doc_firm_ids`` list
    (:mod:`chainatlas.graph.doc_firms`) instead of walking all its firms with ``match``.

    >>> print(_branch("partner", "MATCH (e)-[r1]-(o) WITH e, r1, o, o AS v", rels=("r1",),
    ...               capped=False))  # doctest: +NORMALIZE_WHITESPACE
    MATCH (e)-[r1]-(o) WITH e, r1, o, o AS v RETURN 'partner' AS reason, v.id AS via,
    v.name AS via_name, coalesce(r1.source_docs, []) AS docs,
    coalesce(r1.source_quotes, []) AS quotes, [coalesce(r1.basis, 'stated')] AS bases,
    collect(o.id) AS others
    """
    docs = " + ".join(f"coalesce({r}.source_docs, [])" for r in rels)
    quotes = " + ".join(f"coalesce({r}.source_quotes, [])" for r in rels)
    bases = ", ".join(f"coalesce({r}.basis, 'stated')" for r in rels)
    ret = _ROW.format(kind=kind, via=via, docs=docs, quotes=quotes, bases=bases)
    if not capped:
        return f"{match} {ret}"
    keep = ", ".join((*rels, via, "o"))
    return (f"{docs_match or match} AND coalesce(o.basis, '') <> $registry {ret} UNION ALL "
            f"{match} AND o.basis = $registry WITH {keep}{_CAP} {ret}")


_CAP = " LIMIT $cap"
# anchor on the unique Node.id index (only Node.id is indexed: `(:Enterprise {id})` scanned
# every firm), then check the label
_E = "MATCH (e:Node {id: $id}) WHERE e:Enterprise MATCH (e)"


def _listed(rel: str, to: str = "(w)") -> str:
    """The document firms of via node ``v`` from its list, each with its ``rel`` to ``v``:
    index lookups of a few ids, then each firm's own few relationships. (The far end is a new
    variable ``w`` compared by id: with ``v`` itself FalkorDB expands from ``v`` — the crowded
    side — and filters by ``o``.)"""
    return (f"UNWIND coalesce(v.doc_firm_ids, []) AS oid "
            f"MATCH (o:Node {{id: oid}})-[r2:{rel}]->{to} "
            "WHERE w.id = v.id AND o:Enterprise AND o.id <> e.id")


_SEG = f"{_E}-[r1:IN_SEGMENT]->(v:Segment)"
_DOWN = f"{_E}-[r1:IN_SEGMENT]->(:Segment)-[:UPSTREAM_OF]->(v:Segment)"
_UP = f"{_E}-[r1:IN_SEGMENT]->(:Segment)<-[:UPSTREAM_OF]-(v:Segment)"
_DISTRICT = f"{_E}-[r1:LOCATED_IN]->(v:District)"
_CHAIN_OF = (f"{_E}-[r1:IN_CHAIN|IN_SEGMENT]->(x:Node) "
             "OPTIONAL MATCH (x)-[:SEGMENT_OF]->(pc:Chain) WITH e, r1, x, coalesce(pc, x) AS v")
def _related(walk: bool) -> str:
    """The query text: document firms from the lists, or (``walk``) by walking."""
    def branch(*args: Any, docs_match: str | None = None, **kw: Any) -> str:
        return _branch(*args, docs_match=None if walk else docs_match, **kw)

    return " UNION ALL ".join([
        branch("same_segment", f"{_SEG}<-[r2:IN_SEGMENT]-(o:Enterprise) WHERE o.id <> e.id",
               docs_match=f"{_SEG} {_listed('IN_SEGMENT')}"),
        branch("downstream", f"{_DOWN}<-[r2:IN_SEGMENT]-(o:Enterprise) WHERE o.id <> e.id",
               docs_match=f"{_DOWN} {_listed('IN_SEGMENT')}"),
        branch("upstream", f"{_UP}<-[r2:IN_SEGMENT]-(o:Enterprise) WHERE o.id <> e.id",
               docs_match=f"{_UP} {_listed('IN_SEGMENT')}"),
        branch("partner", f"{_E}-[r1:PARTNERS_WITH]-(o:Enterprise) WITH e, r1, o, o AS v",
               rels=("r1",), capped=False),
        branch("customer", f"{_E}-[r1:SUPPLIES]->(o:Enterprise) WITH e, r1, o, o AS v",
               rels=("r1",), capped=False),
        branch("supplier", f"{_E}<-[r1:SUPPLIES]-(o:Enterprise) WITH e, r1, o, o AS v",
               rels=("r1",), capped=False),
        # clusters, parks and platforms hold document firms only (an import places firms in
        # segments and districts): walking them is cheap
        branch("same_cluster", f"{_E}-[r1:MEMBER_OF]->(v:Cluster)"
               "<-[r2:MEMBER_OF]-(o:Enterprise) WHERE o.id <> e.id"),
        branch("same_park", f"{_E}-[r1:LOCATED_IN|MEMBER_OF]->(v:Park)"
               "<-[r2:LOCATED_IN|MEMBER_OF]-(o:Enterprise) WHERE o.id <> e.id"),
        branch("same_district", f"{_DISTRICT}<-[r2:LOCATED_IN]-(o:Enterprise) "
               "WHERE o.id <> e.id AND coalesce(v.level, '') <> $city",
               docs_match=f"{_DISTRICT} WHERE coalesce(v.level, '') <> $city "
               f"{_listed('LOCATED_IN')}"),
        branch("shared_platform", f"{_E}-[r1:PARTNERS_WITH|MEMBER_OF|OPERATES]-(v:Platform)"
               "-[r2:PARTNERS_WITH|MEMBER_OF|OPERATES]-(o:Enterprise) WHERE o.id <> e.id"),
        # same chain: from the firm's chains (a segment's chain, or a chain it is in directly)
        # to the other firms of that chain, at chain level or in another segment
        branch("same_chain", f"{_CHAIN_OF} MATCH (o:Enterprise)-[r2:IN_CHAIN]->(v) "
               "WHERE o.id <> e.id AND (x.id <> v.id OR x.kind = $chain_kind)"),
        branch("same_chain", f"{_CHAIN_OF} "
               "MATCH (o:Enterprise)-[r2:IN_SEGMENT]->(y:Segment)-[:SEGMENT_OF]->(v) "
               "WHERE o.id <> e.id AND (x.id <> y.id OR x.kind = $chain_kind)",
               docs_match=f"{_CHAIN_OF} "
               f"{_listed('IN_SEGMENT', '(y:Segment)-[:SEGMENT_OF]->(w)')} "
               "AND (x.id <> y.id OR x.kind = $chain_kind)"),
    ])


RELATED = _related(walk=False)
"""Which enterprises are connected to this enterprise, through what, and why (one row per
(reason, via, sources, bases), the other firms collected in ``others``)?"""

RELATED_WALK = _related(walk=True)
""":data:`RELATED` for a store written before the ``doc_firm_ids`` lists existed: every place
walked (right, but slow at scale) until the next load or import writes the lists."""

ME = ("MATCH (e:Node {id: $id}) WHERE e:Enterprise OPTIONAL MATCH (s:Segment) "
      "WHERE s.doc_firm_ids IS NULL RETURN e.name AS name, count(s) AS unlisted")
"""Is this an enterprise (its name), and does the store lack the lists (a store written
before them; a load or import writes every place's list, so the segments tell)?"""

MEMBERSHIPS = (
    "UNWIND $ids AS oid MATCH (o:Node {id: oid}) WHERE o:Enterprise "
    "OPTIONAL MATCH (o)-[:IN_CHAIN|IN_SEGMENT]->(x:Node) "
    "OPTIONAL MATCH (o)-[:LOCATED_IN]->(d:District) "
    "OPTIONAL MATCH (d)-[:LOCATED_IN]->(pd:District) "
    "RETURN o.id AS id, properties(o) AS props, collect(DISTINCT coalesce(x.chain_id, x.id)) "
    "AS chains, collect(DISTINCT d.id) + collect(DISTINCT pd.id) AS districts"
)
"""Which chains and districts (with their parents) are these enterprises in?"""

PARENT_CHAINS = (
    "MATCH (k:Chain)-[:SUBCHAIN_OF]->(c:Chain) RETURN k.id AS key, c.id AS parent"
)
"""Which key chain belongs to which flagship chain?"""


class RelatedEnterprise(Basis):
    id: str
    name: str
    name_en: str | None = None
    local: bool | None = None
    chains: list[str] = Field(default_factory=list)
    districts: list[str] = Field(default_factory=list)
    score: float
    reasons: list[Reason]
    sources: list[Source] = Field(default_factory=list, description="the firm's own sources")


class RelatedResult(BaseModel):
    enterprise: str
    name: str
    weights: dict[str, float] = Field(default_factory=lambda: dict(WEIGHTS))
    total: int
    items: list[RelatedEnterprise]


def related_rows(store: GraphStore, enterprise_id: str, *, walk: bool | None = None,
                 timeout_ms: int | None = None) -> list[dict[str, Any]]:
    """The raw (other, reason, via, sources) rows of :data:`RELATED`, one per other firm
    (``walk``: use :data:`RELATED_WALK`; by default when the store has no lists)."""
    if walk is None:
        walk = any(r["unlisted"] for r in store.read(ME, {"id": enterprise_id},
                                                     timeout_ms=timeout_ms))
    rows = store.read(RELATED_WALK if walk else RELATED,
                      {"id": enterprise_id, "city": "city", "chain_kind": "chain", "cap": CAP,
                       "registry": "registry"}, timeout_ms=timeout_ms)
    return [{"reason": r["reason"], "other": other, "via": r["via"], "via_name": r["via_name"],
             "docs": r["docs"], "quotes": r["quotes"], "bases": r["bases"]}
            for r in rows for other in r["others"]]


def related_enterprises(store: GraphStore, enterprise_id: str, *, chain: str | None = None,
                        district: str | None = None, reasons: list[str] | None = None,
                        limit: int = 20, timeout_ms: int | None = None) -> RelatedResult | None:
    """Which enterprises are related to this one, ranked, each with reasons and sources?

    Filters: ``chain`` (the other firm is in it or in one of its key chains), ``district``
    (the other firm is located in it or in a district inside it), ``reasons`` (keep firms with
    at least one of these reason kinds; the score still counts all reasons).

    Scores are computed from the raw rows first; memberships and reason objects are built only
    for the firms shown (or, with a chain / district filter, for the firms to filter).
    """
    me = store.read(ME, {"id": enterprise_id}, timeout_ms=timeout_ms)
    if not me:
        return None
    raw: dict[str, dict[tuple[str, str | None], list[dict[str, Any]]]] = defaultdict(
        lambda: defaultdict(list))
    for r in related_rows(store, enterprise_id, walk=bool(me[0]["unlisted"]),
                          timeout_ms=timeout_ms):
        raw[r["other"]][(r["reason"], r["via"])].append(r)
    raw.pop(enterprise_id, None)
    kinds_of = {o: {k for k, _ in rs} for o, rs in raw.items()}
    if reasons:
        kinds_of = {o: k for o, k in kinds_of.items() if k & set(reasons)}
    score = {o: sum(WEIGHTS[k] for k in ks) for o, ks in kinds_of.items()}
    order = sorted(score, key=lambda o: (-score[o], -len(raw[o]), o))
    parents: dict[str, str] = {}
    if chain:
        parents = {r["key"]: r["parent"] for r in store.read(PARENT_CHAINS, {},
                                                             timeout_ms=timeout_ms)}
    wanted = order if (chain or district) else order[:limit]
    info = {r["id"]: r for r in store.read(MEMBERSHIPS, {"ids": wanted},
                                           timeout_ms=timeout_ms)} if wanted else {}
    items: list[RelatedEnterprise] = []
    total = 0
    for oid in wanted:
        row = info.get(oid)
        if row is None:
            continue
        chains = sorted({c for c in row["chains"] if c})
        districts = sorted({d for d in row["districts"] if d})
        if chain and not any(c == chain or parents.get(c) == chain for c in chains):
            continue
        if district and district not in districts:
            continue
        total += 1
        if len(items) >= limit:
            continue
        props = row["props"]
        items.append(RelatedEnterprise(
            id=oid, name=props.get("name") or oid, name_en=props.get("name_en"),
            local=props.get("local"), chains=chains, districts=districts,
            score=score[oid], reasons=_reasons(raw[oid]),
            sources=pair_sources(props.get("source_docs"), props.get("source_quotes")),
            **basis_of(props)))
    if not (chain or district):
        total = len(order)
    return RelatedResult(enterprise=enterprise_id, name=me[0]["name"] or enterprise_id,
                         total=total, items=items)


def _reasons(rows: dict[tuple[str, str | None], list[dict[str, Any]]]) -> list[Reason]:
    """One :class:`Reason` per (kind, via), sources merged, strongest first."""
    out = []
    for (kind, via), rs in rows.items():
        rs = sorted(rs, key=lambda r: (list(r["docs"] or []), list(r["quotes"] or [])))
        docs = [d for r in rs for d in (r["docs"] or [])]
        quotes = [q for r in rs for q in (r["quotes"] or [])]
        zh, en = TEXTS[kind]
        name = rs[0]["via_name"] or via or ""
        # one support is as strong as its weakest link; a reason as its best support
        supports = [weakest_basis(r["bases"] or []) for r in rs]
        basis = min(supports, key=lambda b: BASES.index(b) if b in BASES else len(BASES))
        out.append(Reason(kind=kind, text=zh.format(via=name), text_en=en.format(via=name),
                          via=via, via_name=rs[0]["via_name"], weight=WEIGHTS[kind],
                          sources=sorted(pair_sources(docs, quotes),
                                         key=lambda src: (src.doc, src.quote or "")),
                          basis=basis))
    return sorted(out, key=lambda x: (-x.weight, x.kind, x.via or ""))
