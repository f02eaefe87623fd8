"""Chain gaps (缺链 / 弱链): each segment's status, its evidence and the firms to court.

Status of a segment, counting only *local* actors (enterprises, platforms, projects … with an
IN_SEGMENT link):

* ``missing`` (缺链) — no local actor;
* ``weak`` (弱链) — one local actor only, or none of them leads (链主, role ``leader``);
* ``covered`` — two or more local actors, at least one leading.

"Local" means ``local`` is not false (platforms and projects count as local) — or, when a
district scope is given, located in that district or one of its sub-districts (a city-level
scope means all of Jinan, as without scope).

Candidates (whom to court, 补链/强链/延链) are enterprises outside the scope that the graph
already connects to the segment, each with its reasons and their sources. Reason weights:

=====================  ======  ==================================================
reason                 weight  meaning
=====================  ======  ==================================================
same_segment           3       works in this very segment, outside Jinan (or scope)
partner_of_local       2       declared partner of a local firm of this segment
supplies_local         2       supplies a local firm of a segment this one feeds
buys_from_local        1.5     buys from a local firm of a segment feeding this one
=====================  ======  ==================================================

Key chains (重点产业链) have their own segments that do not map onto their flagship's, so
their actors do not fill the flagship's segments; instead the flagship's report lists each key
chain with its own status (over all its actors, chain level and segments), and they count in
the flagship's ``overall`` status. A chain without segments of its own (a flagship whose
segments are all encoded under its key chains) reports its key chains' segments instead. The
chain-level actors (IN_CHAIN without a segment) are listed as ``unplaced``.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from pydantic import BaseModel, Field

from chainatlas.graph.store import GraphStore
from chainatlas.queries.models import Reason, Ref, Source, to_sources

WEIGHTS: dict[str, float] = {
    "same_segment": 3.0,
    "partner_of_local": 2.0,
    "supplies_local": 2.0,
    "buys_from_local": 1.5,
}
STATUS_ORDER = {"missing": 0, "weak": 1, "covered": 2}

GAP_CHAIN = (
    "MATCH (c:Chain {id: $id}) OPTIONAL MATCH (k:Chain)-[:SUBCHAIN_OF]->(c) "
    "RETURN properties(c) AS props, collect({id: k.id, name: k.name, name_en: k.name_en}) AS keys"
)
"""Which chain is this, and which key chains does it have?"""

GAP_SEGMENT_ACTORS = (
    "MATCH (s:Segment) WHERE s.chain_id IN $chains "
    "OPTIONAL MATCH (a:Node)-[r:IN_SEGMENT]->(s) "
    "OPTIONAL MATCH (a)-[:LOCATED_IN]->(d:District) "
    "RETURN s.chain_id AS chain, properties(s) AS segment, a.id AS actor_id, a.kind AS kind, "
    "a.name AS name, a.name_en AS name_en, a.local AS local, properties(r) AS link, "
    "d.id AS district"
)
"""Which segments do these chains have, which actors sit in each, and where are they?"""

GAP_CHAIN_ACTORS = (
    "MATCH (a:Node)-[r:IN_CHAIN]->(c:Chain) WHERE c.id IN $chains "
    "OPTIONAL MATCH (a)-[:LOCATED_IN]->(d:District) "
    "RETURN c.id AS chain, a.id AS actor_id, a.kind AS kind, a.name AS name, "
    "a.name_en AS name_en, a.local AS local, properties(r) AS link, d.id AS district"
)
"""Which actors belong to these chains at chain level (IN_CHAIN), and where are they?"""

GAP_FIRM_LINKS = (
    "MATCH (a:Enterprise)-[:IN_SEGMENT]->(s:Segment) WHERE s.chain_id IN $chains "
    "MATCH (a)-[p:PARTNERS_WITH|SUPPLIES]-(b:Enterprise) "
    "OPTIONAL MATCH (b)-[:LOCATED_IN]->(d:District) "
    "RETURN a.id AS firm, a.name AS firm_name, s.id AS segment, type(p) AS type, "
    "startNode(p).id AS start, properties(p) AS link, b.id AS id, b.name AS name, "
    "b.name_en AS name_en, b.local AS local, b.location AS location, d.id AS district"
)
"""Which enterprises partner with, supply or buy from the firms of these chains' segments?"""

GAP_SEGMENT_SUPPORT = (
    "MATCH (a:Node)-[r:SERVES]->(s:Segment) WHERE s.chain_id IN $chains "
    "RETURN s.id AS segment, a.id AS id, a.kind AS kind, a.name AS name, "
    "a.name_en AS name_en, properties(r) AS link"
)
"""Which platforms, parks, clusters or agencies serve each segment of these chains?

They support a segment (中试平台, 园区 …) but do not fill it: a segment served only by a
platform is still missing its firms, and the report says it has support.
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


class Evidence(BaseModel):
    """A local actor of a segment, with the sources that put it there."""

    id: str
    kind: str
    name: str
    name_en: str | None = None
    role: str | None = None
    districts: list[str] = Field(default_factory=list)
    sources: list[Source] = Field(default_factory=list)


class Candidate(BaseModel):
    """A firm to court for a segment, with why."""

    id: str
    name: str
    name_en: str | None = None
    local: bool | None = None
    location: str | None = None
    districts: list[str] = Field(default_factory=list)
    score: float
    reasons: list[Reason]


class SegmentGap(BaseModel):
    id: str
    chain: str
    name: str
    name_en: str | None = None
    stage: str | None = None
    order: int | None = None
    status: str = Field(description="missing, weak or covered")
    explanation: str
    explanation_en: str
    evidence: list[Evidence] = Field(default_factory=list)
    others: list[Evidence] = Field(default_factory=list,
                                   description="actors of the segment outside the scope")
    candidates: list[Candidate] = Field(default_factory=list)
    support: list[Evidence] = Field(
        default_factory=list,
        description="platforms, parks, clusters serving the segment (do not fill it)")
    sources: list[Source] = Field(default_factory=list)


class KeyChainGap(BaseModel):
    id: str
    name: str
    status: str
    actors: int
    evidence: list[Evidence] = Field(default_factory=list)


class RankedCandidate(BaseModel):
    segment: str
    segment_name: str
    status: str
    candidate: Candidate


class GapReport(BaseModel):
    """A chain's segments with status, evidence and candidates, plus a ranked to-do list."""

    chain: Ref
    scope: str | None = Field(None, description="district id when scoped, else all of Jinan")
    overall: str = Field(description="status of the chain as a whole, over all its local actors "
                         "and its key chains' (missing / weak / covered)")
    summary: dict[str, int]
    segments: list[SegmentGap]
    key_chains: list[KeyChainGap] = Field(default_factory=list)
    unplaced: list[Evidence] = Field(default_factory=list)
    ranked: list[RankedCandidate] = Field(default_factory=list)


def status_of(actors: list[Evidence]) -> str:
    """Missing, weak or covered, from the local actors of a segment.

    >>> status_of([])
    'missing'
    >>> e = Evidence(id="a", kind="enterprise", name="A", role="leader")
    >>> status_of([e]), status_of([e, e.model_copy(update={"role": "member"})])
    ('weak', 'covered')
    """
    if not actors:
        return "missing"
    if len(actors) == 1 or not any(a.role == "leader" for a in actors):
        return "weak"
    return "covered"


def _explain(status: str, n: int, support: int = 0) -> tuple[str, str]:
    """The status in words.

    >>> _explain("missing", 0, 1)[0]
    '缺链：本地尚无企业或项目在此环节（已有1个服务平台或载体）'
    """
    if status == "missing" and support:
        return (f"缺链：本地尚无企业或项目在此环节（已有{support}个服务平台或载体）",
                f"Missing: no local firm or project in this segment "
                f"({support} serving platform(s) or carrier(s))")
    if status == "missing":
        return "缺链：本地尚无企业、平台或项目", "Missing: no local enterprise, platform or project"
    if status == "weak" and n == 1:
        return "弱链：本地仅有一家主体", "Weak: only one local actor"
    if status == "weak":
        return (f"弱链：本地有{n}家主体但无链主企业",
                f"Weak: {n} local actors but no chain leader")
    return f"已覆盖：本地有{n}家主体且有链主", f"Covered: {n} local actors including a leader"


def gap_report(store: GraphStore, chain_id: str, *, district: str | None = None,
               candidates_per_segment: int = 10,
               timeout_ms: int | None = None) -> GapReport | None:
    """Where is this chain missing or weak (in Jinan or one district), who is there, and
    which firms outside does the graph know that could fill each segment?"""
    rows = store.read(GAP_CHAIN, {"id": chain_id}, timeout_ms=timeout_ms)
    if not rows:
        return None
    cprops = rows[0]["props"]
    keys = [k for k in rows[0]["keys"] if k.get("id")]
    chains = [chain_id, *(k["id"] for k in keys)]
    scope: set[str] | None = None
    if district:
        d = store.read(SUB_DISTRICTS, {"id": district}, timeout_ms=timeout_ms)
        if d and d[0]["level"] != "city":
            scope = {district, *d[0]["children"]}

    def is_local(local: Any, districts: set[str]) -> bool:
        if scope is None:
            return local is not False
        return bool(districts & scope)

    # -- actors per segment ------------------------------------------------------------
    seg_props: dict[str, dict[str, Any]] = {}
    seg_chain: dict[str, str] = {}
    actor_rows: dict[tuple[str, str], dict[str, Any]] = {}
    for r in store.read(GAP_SEGMENT_ACTORS, {"chains": chains}, timeout_ms=timeout_ms):
        sid = r["segment"]["id"]
        seg_props[sid], seg_chain[sid] = r["segment"], r["chain"]
        if r["actor_id"]:
            row = actor_rows.setdefault((sid, r["actor_id"]), {**r, "districts": set()})
            if r["district"]:
                row["districts"].add(r["district"])
    local_of: dict[str, list[Evidence]] = defaultdict(list)
    other_of: dict[str, list[Evidence]] = defaultdict(list)
    local_ids: dict[str, set[str]] = defaultdict(set)
    for (sid, aid), r in actor_rows.items():
        link = r["link"] or {}
        ev = Evidence(id=aid, kind=r["kind"], name=r["name"] or aid, name_en=r["name_en"],
                      role=link.get("role"), districts=sorted(r["districts"]),
                      sources=to_sources(link))
        if is_local(r["local"], r["districts"]):
            local_of[sid].append(ev)
            local_ids[sid].add(aid)
        else:
            other_of[sid].append(ev)

    support_of: dict[str, dict[str, Evidence]] = defaultdict(dict)
    for r in store.read(GAP_SEGMENT_SUPPORT, {"chains": chains}, timeout_ms=timeout_ms):
        if r["id"] not in local_ids[r["segment"]]:
            support_of[r["segment"]][r["id"]] = Evidence(
                id=r["id"], kind=r["kind"], name=r["name"] or r["id"], name_en=r["name_en"],
                sources=to_sources(r["link"] or {}))

    # -- candidates --------------------------------------------------------------------
    flows = store.read(SEGMENT_FLOWS, {"chains": chains}, timeout_ms=timeout_ms)
    feeds: dict[str, set[str]] = defaultdict(set)  # s -> segments s is upstream of
    fed_by: dict[str, set[str]] = defaultdict(set)
    for f in flows:
        feeds[f["source"]].add(f["target"])
        fed_by[f["target"]].add(f["source"])
    cands: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)  # seg -> id -> info

    def add(seg: str, cid: str, info: dict[str, Any], reason: Reason) -> None:
        if cid in local_ids[seg]:
            return
        c = cands[seg].setdefault(cid, {**info, "reasons": {}})
        c["districts"] |= info["districts"]
        key = (reason.kind, reason.via)
        if key not in c["reasons"]:
            c["reasons"][key] = reason

    seg_name = {sid: p.get("name") or sid for sid, p in seg_props.items()}
    for (sid, aid), r in actor_rows.items():
        if r["kind"] != "enterprise" or aid in local_ids[sid]:
            continue
        where = "济南以外" if scope is None else "辖区以外"
        add(sid, aid, {"name": r["name"] or aid, "name_en": r["name_en"], "local": r["local"],
                       "location": None, "districts": set(r["districts"])},
            Reason(kind="same_segment", via=sid, weight=WEIGHTS["same_segment"],
                   text=f"已在“{seg_name[sid]}”环节，位于{where}",
                   text_en=f"Already in segment {seg_name[sid]}, outside "
                   + ("Jinan" if scope is None else "the district"),
                   sources=to_sources(r["link"])))
    link_rows = store.read(GAP_FIRM_LINKS, {"chains": chains}, timeout_ms=timeout_ms)
    firm_districts: dict[str, set[str]] = defaultdict(set)
    for r in link_rows:
        if r["district"]:
            firm_districts[r["id"]].add(r["district"])
    for r in link_rows:
        sid, firm = r["segment"], r["firm"]
        if firm not in local_ids[sid] or is_local(r["local"], firm_districts[r["id"]]):
            continue  # only links of local firms, to firms outside the scope
        info = {"name": r["name"] or r["id"], "name_en": r["name_en"], "local": r["local"],
                "location": r["location"], "districts": set(firm_districts[r["id"]])}
        src = to_sources(r["link"])
        fname = r["firm_name"] or firm
        if r["type"] == "PARTNERS_WITH":
            add(sid, r["id"], info, Reason(
                kind="partner_of_local", via=firm, weight=WEIGHTS["partner_of_local"],
                text=f"与本环节本地企业{fname}有合作", text_en=f"Partner of local firm {fname}",
                sources=src))
        elif r["start"] == r["id"]:  # candidate supplies the local firm: fills upstream
            for up in fed_by[sid]:
                add(up, r["id"], info, Reason(
                    kind="supplies_local", via=firm, weight=WEIGHTS["supplies_local"],
                    text=f"向下游本地企业{fname}供货", text_en=f"Supplies local firm {fname} "
                    "downstream", sources=src))
        else:  # the local firm supplies the candidate: extends the chain downstream
            for down in feeds[sid]:
                add(down, r["id"], info, Reason(
                    kind="buys_from_local", via=firm, weight=WEIGHTS["buys_from_local"],
                    text=f"采购上游本地企业{fname}的产品", text_en=f"Buys from local firm "
                    f"{fname} upstream", sources=src))

    # -- assemble ----------------------------------------------------------------------
    segments: list[SegmentGap] = []
    own = any(seg_chain[sid] == chain_id for sid in seg_props)
    for sid, p in seg_props.items():
        if own and seg_chain[sid] != chain_id:
            continue  # a chain with segments of its own reports those; else its key chains'
        ev = sorted(local_of[sid], key=lambda e: (e.role != "leader", e.kind, e.id))
        status = status_of(ev)
        support = sorted(support_of[sid].values(), key=lambda e: (e.kind, e.id))
        zh, en = _explain(status, len(ev), len(support))
        clist = []
        for cid, c in cands[sid].items():
            reasons = sorted(c["reasons"].values(), key=lambda x: (-x.weight, x.kind))
            score = sum(max(r.weight for r in reasons if r.kind == k)
                        for k in {r.kind for r in reasons})
            clist.append(Candidate(id=cid, name=c["name"], name_en=c["name_en"],
                                   local=c["local"], location=c["location"],
                                   districts=sorted(c["districts"]), score=score,
                                   reasons=reasons))
        clist.sort(key=lambda c: (-c.score, c.id))
        segments.append(SegmentGap(
            id=sid, chain=seg_chain[sid], name=seg_name[sid], name_en=p.get("name_en"),
            stage=p.get("stage"), order=p.get("order"), status=status, explanation=zh,
            explanation_en=en, evidence=ev, others=sorted(other_of[sid], key=lambda e: e.id),
            candidates=clist[:candidates_per_segment], support=support,
            sources=to_sources(p)))
    chain_rank = {c: i for i, c in enumerate(chains)}
    segments.sort(key=lambda s: (chain_rank.get(s.chain, 0),
                                 s.order if s.order is not None else 10_000, s.id))

    # -- key chains and chain-level actors -----------------------------------------------
    chain_level: dict[str, dict[str, Evidence]] = defaultdict(dict)
    local_flag: dict[str, Any] = {}
    for r in store.read(GAP_CHAIN_ACTORS, {"chains": chains}, timeout_ms=timeout_ms):
        ev = chain_level[r["chain"]].get(r["actor_id"])
        if ev is None:
            link = r["link"] or {}
            ev = Evidence(id=r["actor_id"], kind=r["kind"], name=r["name"] or r["actor_id"],
                          name_en=r["name_en"], role=link.get("role"), sources=to_sources(link))
            chain_level[r["chain"]][r["actor_id"]] = ev
            local_flag[r["actor_id"]] = r["local"]
        if r["district"] and r["district"] not in ev.districts:
            ev.districts.append(r["district"])

    def local_chain_actors(cid: str) -> list[Evidence]:
        return [e for e in chain_level[cid].values()
                if is_local(local_flag.get(e.id), set(e.districts))]

    key_gaps = []
    for k in sorted(keys, key=lambda k: k["id"]):
        actors = {e.id: e for e in local_chain_actors(k["id"])}
        for sid in seg_props:
            if seg_chain[sid] == k["id"]:
                actors.update({e.id: e for e in local_of[sid]})
        ev = sorted(actors.values(), key=lambda e: (e.role != "leader", e.id))
        key_gaps.append(KeyChainGap(id=k["id"], name=k["name"] or k["id"], status=status_of(ev),
                                    actors=len(ev), evidence=ev))
    placed = {e.id for s in segments for e in s.evidence}
    unplaced = sorted((e for e in local_chain_actors(chain_id) if e.id not in placed),
                      key=lambda e: e.id)
    ranked = [RankedCandidate(segment=s.id, segment_name=s.name, status=s.status, candidate=c)
              for s in segments if s.status != "covered" for c in s.candidates]
    ranked.sort(key=lambda r: (STATUS_ORDER[r.status], -r.candidate.score, r.segment,
                               r.candidate.id))
    summary = {k: sum(1 for s in segments if s.status == k) for k in STATUS_ORDER}
    everyone: dict[str, Evidence] = {e.id: e for c in chains for e in local_chain_actors(c)}
    for sid in seg_props:
        everyone.update({e.id: e for e in local_of[sid]})
    return GapReport(
        overall=status_of(list(everyone.values())),
        chain=Ref(id=chain_id, kind="chain", name=cprops.get("name") or chain_id,
                  name_en=cprops.get("name_en"), sources=to_sources(cprops)),
        scope=district if scope is not None else None, summary=summary, segments=segments,
        key_chains=key_gaps, unplaced=unplaced, ranked=ranked)




class ChainGapSummary(BaseModel):
    """One chain's gap counts, for the overview of all chains."""

    chain: Ref
    tier: str | None = None
    overall: str
    summary: dict[str, int]
    missing: list[Ref] = Field(default_factory=list, description="missing segments")
    weak: list[Ref] = Field(default_factory=list, description="weak segments")
    candidates: int = Field(0, description="firms to court across its segments")


def gap_overview(store: GraphStore, *, tier: str | None = "flagship", district: str | None = None,
                 timeout_ms: int | None = None) -> list[ChainGapSummary]:
    """Which chains have the most missing and weak segments (in Jinan, or one district)?

    One :func:`gap_report` per chain of the tier, ordered by missing, then weak segments.
    """
    from chainatlas.queries.chains import list_chains

    out: list[ChainGapSummary] = []
    for c in list_chains(store, tier, timeout_ms=timeout_ms):
        rep = gap_report(store, c.id, district=district, candidates_per_segment=50,
                         timeout_ms=timeout_ms)
        if rep is None:
            continue

        def refs(status: str, rep: GapReport = rep) -> list[Ref]:
            return [Ref(id=s.id, kind="segment", name=s.name, name_en=s.name_en,
                        sources=s.sources) for s in rep.segments if s.status == status]

        out.append(ChainGapSummary(
            chain=Ref(id=c.id, kind="chain", name=c.name, name_en=c.name_en, sources=c.sources),
            tier=c.tier, overall=rep.overall, summary=rep.summary,
            missing=refs("missing"), weak=refs("weak"),
            candidates=len({k.id for s in rep.segments for k in s.candidates})))
    out.sort(key=lambda g: (-g.summary.get("missing", 0), -g.summary.get("weak", 0),
                            g.chain.id))
    return out
