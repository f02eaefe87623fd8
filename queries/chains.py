"""Chains: the list of chains and one chain's overview.

The overview runs a few named texts (each valid on FalkorDB and Neo4j 5) and assembles them:
the chain with its parent and key chains, its segments in order with counts of enterprises /
platforms / projects and their leaders, every actor attached at chain level (leaders, members,
serving platforms, parks and clusters, overseeing offices and agencies, chain chiefs, policies),
the districts where it (or its key chains) is present and its metrics.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from pydantic import BaseModel, Field

from chainatlas.graph.model import DOC_BASES, REL_TYPES
from chainatlas.graph.store import GraphStore
from chainatlas.queries.models import (
    Basis,
    GraphEdge,
    GraphNode,
    Ref,
    Source,
    basis_of,
    edge_from,
    node_from_props,
    ref_from,
    to_sources,
)

CHAINS = (
    "MATCH (c:Chain) WHERE $tier IS NULL OR c.tier = $tier "
    "OPTIONAL MATCH (c)-[pr:SUBCHAIN_OF]->(p:Chain) "
    "OPTIONAL MATCH (s:Segment)-[:SEGMENT_OF]->(c) "
    "WITH c, p, pr, count(DISTINCT s) AS segments "
    "OPTIONAL MATCH (k:Chain)-[:SUBCHAIN_OF]->(c) "
    "WITH c, p, pr, segments, count(DISTINCT k) AS key_chains "
    "OPTIONAL MATCH (e1:Enterprise)-[:IN_CHAIN]->(c) "
    "WITH c, p, pr, segments, key_chains, collect(DISTINCT e1.id) AS direct "
    "OPTIONAL MATCH (e2:Enterprise)-[:IN_SEGMENT]->(:Segment)-[:SEGMENT_OF]->(c) "
    "WHERE NOT e2.id IN direct "
    "WITH c, p, pr, segments, key_chains, direct, count(DISTINCT e2) AS via "
    "RETURN properties(c) AS props, p.id AS parent_id, p.name AS parent_name, "
    "properties(pr) AS parent_link, segments, key_chains, size(direct) + via AS enterprises"
)
"""Which chains are there (optionally of one tier), with parent, segment, key-chain and
enterprise counts? Firms are counted in the store (a chain may hold 100,000 registry firms):
those at chain level, plus those of its segments not already counted."""

CHAIN_SEGMENTS = (
    "MATCH (s:Segment)-[:SEGMENT_OF]->(c:Chain {id: $id}) "
    "OPTIONAL MATCH (a:Node)-[r:IN_SEGMENT]->(s) WHERE coalesce(a.basis, 'stated') <> 'registry' "
    "RETURN properties(s) AS segment, a.id AS actor_id, a.kind AS actor_kind, "
    "a.name AS actor_name, a.name_en AS actor_name_en, properties(r) AS link"
)
"""Which segments does this chain have, and which actors of the document graph sit in each
(one row per pair)? Registry firms are counted (:data:`CHAIN_SEGMENT_REGISTRY`), not listed."""

CHAIN_SEGMENT_REGISTRY = (
    "MATCH (s:Segment)-[:SEGMENT_OF]->(c:Chain {id: $id}) "
    "MATCH (a:Enterprise)-[:IN_SEGMENT]->(s) "
    "RETURN s.id AS segment, count(a) AS firms, "
    "size([x IN coalesce(s.doc_firm_ids, []) WHERE x IS NOT NULL]) AS docs"
)
"""How many enterprises sit in each segment of this chain, and how many of them are the
document graph's (``doc_firm_ids``, kept by every load and import)? The difference is its
registry firms. Counting placements reads no firm's properties: 4 ms for a chain of 100k
registry firms at 1M, where filtering them on ``basis`` took 1.6 s."""

SEGMENT_FLOWS = (
    "MATCH (s:Segment)-[r:UPSTREAM_OF]->(t:Segment) WHERE s.chain_id IN $chains "
    "RETURN s.id AS source, t.id AS target, properties(r) AS props"
)
"""Which segments of these chains feed which (UPSTREAM_OF)?"""

CHAIN_LINKS = (
    "MATCH (c:Chain {id: $id}) WITH c MATCH (c)-[r]-(x:Node) WHERE type(r) IN $types "
    "RETURN type(r) AS type, startNode(r).id = $id AS outgoing, properties(r) AS link, "
    "properties(x) AS props"
)
"""What is attached to this chain directly (actors, offices, chiefs, metrics, policies …)?"""

CHAIN_DISTRICTS = (
    "MATCH (a:Node) WHERE a.basis IN $doc_bases "
    "MATCH (a)-[:IN_CHAIN|IN_SEGMENT]->(x:Node) "
    "WHERE x.id IN $chains OR x.chain_id IN $chains "
    "MATCH (a)-[:LOCATED_IN]->(d:District) "
    "RETURN d.id AS id, properties(d) AS props, count(DISTINCT a) AS actors, "
    "collect(DISTINCT a.id) AS actor_ids ORDER BY actors DESC, id"
)
"""In which districts are the document graph's actors of these chains located, and how many in
each? Starts from the ``Node.basis`` index: a chain's registry firms (up to 100k) are never
walked; they come from the import's per-chain tallies (:data:`CHAIN_DISTRICT_TALLIES`)."""

CHAIN_DISTRICT_TALLIES = (
    "MATCH (c:Chain) WHERE c.id IN $chains "
    "WITH coalesce(c.registry_count_districts, []) AS ds, "
    "coalesce(c.registry_count_firms, []) AS ns "
    "UNWIND range(0, size(ds) - 1) AS i WITH ds[i] AS district, ns[i] AS firms "
    "WHERE district <> '' "
    "MATCH (d:District {id: district}) "
    "RETURN d.id AS id, properties(d) AS props, sum(firms) AS firms ORDER BY id"
)
"""How many active local registry firms of these chains does each district hold (the import's
per-chain tallies, :mod:`chainatlas.graph.tallies`)?"""


LINK_TYPES = [t for t in REL_TYPES if t not in {"MENTIONS", "SEGMENT_OF"}]


class ChainSummary(Basis):
    id: str
    name: str
    name_en: str | None = None
    tier: str | None = None
    order: int | None = Field(None, description="position in the official list (专栏1)")
    derived: bool = False
    parent: Ref | None = None
    segments: int = 0
    key_chains: int = 0
    enterprises: int = 0
    sources: list[Source] = Field(default_factory=list)


class SegmentSummary(Basis):
    id: str
    name: str
    name_en: str | None = None
    stage: str | None = None
    order: int | None = None
    enterprises: int = Field(0, description="all of them, registry firms included")
    registry_firms: int = Field(0, description="registry firms (counted, not in actors)")
    platforms: int = 0
    projects: int = 0
    others: int = 0
    leaders: list[Ref] = Field(default_factory=list)
    actors: list[Ref] = Field(default_factory=list, description=(
        "the document graph's actors (registry firms are counted in registry_firms)"))
    feeds: list[str] = Field(default_factory=list, description="downstream segments (UPSTREAM_OF)")
    feed_links: list[GraphEdge] = Field(default_factory=list,
                                        description="the UPSTREAM_OF links, with basis and sources")
    sources: list[Source] = Field(default_factory=list)


class DistrictPresence(Basis):
    id: str
    name: str
    level: str | None = None
    actors: int
    actor_ids: list[str]
    registry_firms: int = Field(0, description="active local registry firms of the chain "
                                "located here (counted by the import, not in actor_ids)")
    sources: list[Source] = Field(default_factory=list)


class MetricOut(Basis):
    id: str
    name: str
    indicator: str | None = None
    value: float | None = None
    unit: str | None = None
    year: int | None = None
    metric_kind: str | None = None
    scope: str | None = None
    text: str | None = None
    sources: list[Source] = Field(default_factory=list)


class ChainOverview(BaseModel):
    """Everything the graph knows about one chain, grouped for a briefing."""

    chain: GraphNode
    parent: Ref | None = None
    key_chains: list[Ref] = Field(default_factory=list)
    segments: list[SegmentSummary] = Field(default_factory=list)
    leaders: list[Ref] = Field(default_factory=list, description="链主 enterprises of the chain")
    members: list[Ref] = Field(default_factory=list, description="actors at chain level")
    platforms: list[Ref] = Field(default_factory=list)
    parks: list[Ref] = Field(default_factory=list)
    clusters: list[Ref] = Field(default_factory=list)
    agencies: list[Ref] = Field(default_factory=list, description="offices and agencies")
    chiefs: list[Ref] = Field(default_factory=list, description="链长")
    projects: list[Ref] = Field(default_factory=list)
    policies: list[Ref] = Field(default_factory=list)
    districts: list[DistrictPresence] = Field(default_factory=list)
    metrics: list[MetricOut] = Field(default_factory=list)


def list_chains(store: GraphStore, tier: str | None = None, *,
                timeout_ms: int | None = None) -> list[ChainSummary]:
    """Which chains are there (optionally of one tier: flagship, key, district)?"""
    out = []
    for r in store.read(CHAINS, {"tier": tier}, timeout_ms=timeout_ms):
        p = r["props"]
        parent = (Ref(id=r["parent_id"], kind="chain", name=r["parent_name"] or r["parent_id"],
                      sources=to_sources(r["parent_link"]), **basis_of(r["parent_link"]))
                  if r["parent_id"] else None)
        out.append(ChainSummary(
            id=p["id"], name=p.get("name") or p["id"], name_en=p.get("name_en"),
            tier=p.get("tier"), order=p.get("order"), derived=bool(p.get("derived")),
            parent=parent,
            segments=r["segments"], key_chains=r["key_chains"], enterprises=r["enterprises"],
            sources=to_sources(p), **basis_of(p)))
    tiers = {"flagship": 0, "key": 1, "district": 2}
    rank = {c.id: c.order for c in out if c.order is not None}
    out.sort(key=lambda c: (tiers.get(c.tier or "", 3),
                            rank.get(c.parent.id, 999) if c.parent else 0,
                            c.order if c.order is not None else 999, c.id))
    return out


def chain_segments(store: GraphStore, chain_id: str, *,
                   timeout_ms: int | None = None) -> list[SegmentSummary]:
    """Which segments does this chain have, in order, with the actors in each?"""
    segs: dict[str, dict[str, Any]] = {}
    actors: dict[str, list[tuple[dict[str, Any], dict[str, Any]]]] = defaultdict(list)
    for r in store.read(CHAIN_SEGMENTS, {"id": chain_id}, timeout_ms=timeout_ms):
        seg = r["segment"]
        segs[seg["id"]] = seg
        if r["actor_id"]:
            a = {"id": r["actor_id"], "kind": r["actor_kind"], "name": r["actor_name"],
                 "name_en": r["actor_name_en"]}
            actors[seg["id"]].append((a, r["link"] or {}))
    registry = {r["segment"]: max(0, int(r["firms"]) - int(r["docs"] or 0)) for r in store.read(
        CHAIN_SEGMENT_REGISTRY, {"id": chain_id}, timeout_ms=timeout_ms)}
    feeds: dict[str, list[GraphEdge]] = defaultdict(list)
    for r in store.read(SEGMENT_FLOWS, {"chains": [chain_id]}, timeout_ms=timeout_ms):
        feeds[r["source"]].append(edge_from(r["source"], r["target"], "UPSTREAM_OF", r["props"]))
    out = []
    for sid, s in segs.items():
        refs = sorted((ref_from(a, role=link.get("role"), link=link) for a, link in actors[sid]),
                      key=lambda x: (x.role != "leader", x.kind, x.id))
        kinds = [x.kind for x in refs]
        out.append(SegmentSummary(
            id=sid, name=s.get("name") or sid, name_en=s.get("name_en"), stage=s.get("stage"),
            order=s.get("order"), **basis_of(s),
            enterprises=kinds.count("enterprise") + registry.get(sid, 0),
            registry_firms=registry.get(sid, 0), platforms=kinds.count("platform"),
            projects=kinds.count("project"),
            others=len(kinds) - kinds.count("enterprise") - kinds.count("platform")
            - kinds.count("project"),
            leaders=[x for x in refs if x.role == "leader"], actors=refs,
            feeds=sorted(e.target for e in feeds[sid]),
            feed_links=sorted(feeds[sid], key=lambda e: e.target), sources=to_sources(s)))
    out.sort(key=lambda s: (s.order if s.order is not None else 10_000, s.id))
    return out


def _metric(p: dict[str, Any]) -> MetricOut:
    return MetricOut(id=p["id"], name=p.get("name") or p["id"], indicator=p.get("indicator"),
                     value=p.get("value"), unit=p.get("unit"), year=p.get("year"),
                     metric_kind=p.get("metric_kind"), scope=p.get("scope"), text=p.get("text"),
                     sources=to_sources(p), **basis_of(p))


def chain_overview(store: GraphStore, chain_id: str, *,
                   timeout_ms: int | None = None) -> ChainOverview | None:
    """What does the graph hold about this chain: parent, key chains, segments with counts,
    leaders, platforms, parks, clusters, offices, districts where present and metrics?"""
    rows = store.read("MATCH (c:Chain {id: $id}) RETURN properties(c) AS props",
                      {"id": chain_id}, timeout_ms=timeout_ms)
    if not rows:
        return None
    ov = ChainOverview(chain=node_from_props(rows[0]["props"]))
    ov.segments = chain_segments(store, chain_id, timeout_ms=timeout_ms)
    links = store.read(CHAIN_LINKS, {"id": chain_id, "types": LINK_TYPES}, timeout_ms=timeout_ms)
    seen: set[tuple[str, str]] = set()
    for r in links:
        t, x, link, outgoing = r["type"], r["props"], r["link"] or {}, r["outgoing"]
        kind = x.get("kind")
        if (t, x["id"]) in seen:
            continue
        seen.add((t, x["id"]))
        ref = ref_from(x, role=link.get("role"), link=link)
        if t == "SUBCHAIN_OF":
            if outgoing:
                ov.parent = ref
            else:
                ov.key_chains.append(ref)
        elif t == "METRIC_OF":
            ov.metrics.append(_metric(x))
        elif t == "CHAIN_CHIEF_OF":
            ov.chiefs.append(ref)
        elif t == "APPLIES_TO":
            ov.policies.append(ref)
        elif t == "LOCATED_IN":
            continue  # reported with the districts below
        elif t == "IN_CHAIN" and link.get("role") == "leader":
            ov.leaders.append(ref)
        elif kind == "platform":
            ov.platforms.append(ref)
        elif kind == "park":
            ov.parks.append(ref)
        elif kind == "cluster":
            ov.clusters.append(ref)
        elif kind == "agency" or (kind == "district" and t == "OVERSEES"):
            ov.agencies.append(ref)
        elif kind == "project":
            ov.projects.append(ref)
        else:
            ov.members.append(ref)
    chains = [chain_id, *(k.id for k in ov.key_chains)]
    present: dict[str, DistrictPresence] = {}
    for r in store.read(CHAIN_DISTRICTS, {"chains": chains, "doc_bases": DOC_BASES},
                        timeout_ms=timeout_ms):
        p = r["props"]
        present[r["id"]] = DistrictPresence(
            id=r["id"], name=p.get("name") or r["id"], level=p.get("level"),
            actors=r["actors"], actor_ids=sorted(r["actor_ids"]), sources=to_sources(p),
            **basis_of(p))
    for r in store.read(CHAIN_DISTRICT_TALLIES, {"chains": chains}, timeout_ms=timeout_ms):
        p = r["props"]
        d = present.setdefault(r["id"], DistrictPresence(
            id=r["id"], name=p.get("name") or r["id"], level=p.get("level"), actors=0,
            actor_ids=[], sources=to_sources(p), **basis_of(p)))
        d.registry_firms = int(r["firms"] or 0)
        d.actors += d.registry_firms
    if any(d.registry_firms for d in present.values()):
        present = dict(sorted(present.items(), key=lambda kv: (-kv[1].actors, kv[0])))
    for r in links:  # a chain of a district (LOCATED_IN) is present there by definition
        if r["type"] == "LOCATED_IN" and r["props"]["id"] not in present:
            p = r["props"]
            present[p["id"]] = DistrictPresence(
                id=p["id"], name=p.get("name") or p["id"], level=p.get("level"), actors=0,
                actor_ids=[], sources=to_sources(r["link"]), **basis_of(r["link"]))
    ov.districts = list(present.values())
    for lst in (ov.key_chains, ov.leaders, ov.members, ov.platforms, ov.parks, ov.clusters,
                ov.agencies, ov.chiefs, ov.projects, ov.policies):
        lst.sort(key=lambda x: x.id)
    ov.metrics.sort(key=lambda m: (m.year or 0, m.id))
    return ov
