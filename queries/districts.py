"""Districts: the list of districts and zones, and one district's profile.

A profile gathers what is located in the district (actors by kind, sub-districts), the chains
present there (chains located in it and the chains of its actors, with counts), its clusters,
projects, and the figures (metrics), policies and agencies attached to it.

At registry scale a district holds tens of thousands of firms: the profile lists every node of
the document graph located there, and at most :data:`ACTOR_CAP` actors per kind (the registry
firms after the document firms, largest registered capital first); ``counts`` always gives the
whole number per kind, counted in the store. Each chain present names at most
:data:`ACTOR_CAP` of its actor ids (``actors`` is the whole number).
"""

from __future__ import annotations

from collections import defaultdict

from pydantic import BaseModel, Field

from chainatlas.graph.model import DOC_BASES
from chainatlas.graph.store import GraphStore
from chainatlas.queries.chains import MetricOut, _metric
from chainatlas.queries.models import (
    Basis,
    GraphNode,
    Ref,
    Source,
    basis_of,
    node_from_props,
    pair_sources,
    ref_from,
    to_sources,
)

DISTRICTS = (
    "MATCH (d:District) OPTIONAL MATCH (d)-[:LOCATED_IN]->(p:District) "
    "OPTIONAL MATCH (a:Node)-[:LOCATED_IN]->(d) "
    "RETURN properties(d) AS props, p.id AS parent, count(a) AS located"
)
"""Which districts and zones are there, with their parent and how many things are in each?"""


ACTOR_CAP = 100
"""At most this many actors of one kind in a profile (and actor ids per chain present)."""

DISTRICT_COUNTS = (
    "MATCH (a:Node)-[:LOCATED_IN]->(d:District {id: $id}) RETURN a.kind AS kind, count(a) AS n"
)
"""How many nodes of each kind are located in this district?"""

DISTRICT_LOCATED = (
    "MATCH (a:Node) WHERE a.basis IN $doc_bases "
    "MATCH (a)-[r:LOCATED_IN]->(d:District {id: $id}) "
    "RETURN properties(a) AS props, properties(r) AS link"
)
"""What of the document graph is located in this district (actors, sub-districts, district
chains)? Registry firms are read apart, capped (:data:`DISTRICT_REGISTRY`)."""

DISTRICT_REGISTRY = (
    "MATCH (a:Enterprise)-[r:LOCATED_IN]->(d:District {id: $id}) WHERE a.basis = 'registry' "
    "WITH a, r ORDER BY CASE WHEN coalesce(a.active, true) THEN 0 ELSE 1 END, "
    "coalesce(a.capital_wan, 0.0) DESC, a.id LIMIT $cap "
    "RETURN properties(a) AS props, properties(r) AS link"
)
"""The largest registry firms of this district (active first, by registered capital), sorted
here: for a store written before :data:`DISTRICT_REGISTRY_TOP`'s lists."""

DISTRICT_REGISTRY_TOP = (
    "MATCH (d:District {id: $id}) WITH d, coalesce(d.registry_top_ids, []) AS top "
    "UNWIND range(0, size(top) - 1) AS i WITH d, i, top[i] AS aid "
    "MATCH (a:Node {id: aid})-[r:LOCATED_IN]->(t:District) WHERE t.id = d.id "
    "RETURN properties(a) AS props, properties(r) AS link ORDER BY i LIMIT $cap"
)
"""The same firms, as the import ranked them (``registry_top_ids``,
:mod:`chainatlas.graph.tallies`): read by id, never sorting the district's 100k firms."""

DISTRICT_CHAINS = (
    "MATCH (a:Node) WHERE a.basis IN $doc_bases "
    "MATCH (a)-[:LOCATED_IN]->(d:District) WHERE d.id IN $ids "
    "MATCH (a)-[:IN_CHAIN|IN_SEGMENT]->(x:Node) "
    "WITH coalesce(x.chain_id, x.id) AS cid, a "
    "MATCH (c:Chain {id: cid}) "
    "RETURN c.id AS id, c.name AS name, c.name_en AS name_en, c.tier AS tier, "
    "c.source_docs AS docs, c.source_quotes AS quotes, c.basis AS basis, "
    "c.basis_note AS basis_note, c.reference AS reference, count(DISTINCT a) AS actors, "
    "collect(DISTINCT a.id)[..$cap] AS actor_ids ORDER BY actors DESC, id"
)
"""Which chains have document-graph actors located in these districts, and how many? Starts
from the ``Node.basis`` index (a district holds up to 100k registry firms: never walked; they
come from the chains' tallies, :data:`DISTRICT_CHAIN_TALLIES`)."""

DISTRICT_CHAIN_TALLIES = (
    "MATCH (c:Chain) WITH c, coalesce(c.registry_count_districts, []) AS ds, "
    "coalesce(c.registry_count_firms, []) AS ns "
    "WITH c, reduce(n = 0, i IN range(0, size(ds) - 1) | "
    "n + CASE WHEN ds[i] IN $ids THEN ns[i] ELSE 0 END) AS firms WHERE firms > 0 "
    "RETURN c.id AS id, c.name AS name, c.name_en AS name_en, c.tier AS tier, "
    "c.source_docs AS docs, c.source_quotes AS quotes, c.basis AS basis, "
    "c.basis_note AS basis_note, c.reference AS reference, firms ORDER BY id"
)
"""How many active local registry firms of each chain do these districts hold (the import's
per-chain tallies, :mod:`chainatlas.graph.tallies`)?"""

_LINK_ROW = "RETURN type(r) AS type, properties(r) AS link, properties(x) AS props"
DISTRICT_LINKS = " UNION ALL ".join([
    "MATCH (d:District {id: $id})-[r:METRIC_OF|APPLIES_TO|ISSUED|OVERSEES|HEADS]-(x:Node) "
    + _LINK_ROW,
    f"MATCH (d:District {{id: $id}})-[r:LOCATED_IN]->(x:Node) {_LINK_ROW}",
    "MATCH (x:Node) WHERE x.basis IN $doc_bases AND x.kind IN ['agency', 'person', 'policy'] "
    f"MATCH (x)-[r:LOCATED_IN]->(t:District) WHERE t.id = $id {_LINK_ROW}",
])
"""Which figures, policies, agencies and parents are attached to this district? (Of what is
``LOCATED_IN`` it only agencies, persons and policies, from the ``Node.basis`` index: the
district's firms — up to 100k registry firms — are read apart, capped, and never walked here.)"""


class DistrictSummary(Basis):
    id: str
    name: str
    name_en: str | None = None
    level: str | None = None
    parent: str | None = None
    located: int = Field(0, description="number of nodes located in it")
    sources: list[Source] = Field(default_factory=list)


class ChainPresence(Basis):
    id: str
    name: str
    name_en: str | None = None
    tier: str | None = None
    actors: int
    actor_ids: list[str] = Field(description=f"at most {ACTOR_CAP} of them")
    registry_firms: int = Field(0, description="active local registry firms of the chain here "
                                "(counted by the import, included in actors, not in actor_ids)")
    located: bool = Field(False, description="a chain of this district (LOCATED_IN)")
    sources: list[Source] = Field(default_factory=list)


class DistrictProfile(BaseModel):
    district: GraphNode
    parent: Ref | None = None
    sub_districts: list[Ref] = Field(default_factory=list)
    chains: list[ChainPresence] = Field(default_factory=list)
    actors: dict[str, list[Ref]] = Field(default_factory=dict, description=(
        f"by kind; at most {ACTOR_CAP} per kind (document firms first, then registry firms by "
        "registered capital)"))
    counts: dict[str, int] = Field(default_factory=dict, description="all of each kind")
    clusters: list[Ref] = Field(default_factory=list)
    projects: list[Ref] = Field(default_factory=list)
    metrics: list[MetricOut] = Field(default_factory=list)
    policies: list[Ref] = Field(default_factory=list)
    agencies: list[Ref] = Field(default_factory=list)


def list_districts(store: GraphStore, *, timeout_ms: int | None = None) -> list[DistrictSummary]:
    """Which districts and functional zones does the graph hold?"""
    out = [DistrictSummary(id=r["props"]["id"], name=r["props"].get("name") or r["props"]["id"],
                           name_en=r["props"].get("name_en"), level=r["props"].get("level"),
                           parent=r["parent"], located=r["located"],
                           sources=to_sources(r["props"]), **basis_of(r["props"]))
           for r in store.read(DISTRICTS, {}, timeout_ms=timeout_ms)]
    order = {"province": 0, "city": 1, "district": 2, "county": 3, "zone": 4}
    out.sort(key=lambda d: (order.get(d.level or "", 5), d.id))
    return out


def district_profile(store: GraphStore, district_id: str, *,
                     timeout_ms: int | None = None) -> DistrictProfile | None:
    """What is in this district: chains present, actors by kind, clusters, projects, figures?"""
    rows = store.read("MATCH (d:District {id: $id}) RETURN properties(d) AS props",
                      {"id": district_id}, timeout_ms=timeout_ms)
    if not rows:
        return None
    prof = DistrictProfile(district=node_from_props(rows[0]["props"]))
    by_kind: dict[str, list[Ref]] = defaultdict(list)
    located_chains: dict[str, Ref] = {}
    chain_tier: dict[str, str | None] = {}
    for r in store.read(DISTRICT_LOCATED, {"id": district_id, "doc_bases": DOC_BASES},
                        timeout_ms=timeout_ms):
        ref = ref_from(r["props"], link=r["link"])
        if ref.kind == "district":
            prof.sub_districts.append(ref)
        elif ref.kind == "chain":
            located_chains[ref.id] = ref
            chain_tier[ref.id] = r["props"].get("tier")
        else:
            by_kind[ref.kind].append(ref)
    for lst in by_kind.values():
        lst.sort(key=lambda x: x.id)
    counts = {r["kind"] or "node": r["n"] for r in
              store.read(DISTRICT_COUNTS, {"id": district_id}, timeout_ms=timeout_ms)}
    firms = by_kind.get("enterprise", [])
    if counts.get("enterprise", 0) > len(firms) and len(firms) < ACTOR_CAP:
        ranked = "registry_top_ids" in rows[0]["props"]  # kept by the import since issue 14
        firms += [ref_from(r["props"], link=r["link"]) for r in store.read(
            DISTRICT_REGISTRY_TOP if ranked else DISTRICT_REGISTRY,
            {"id": district_id, "cap": ACTOR_CAP - len(firms)}, timeout_ms=timeout_ms)]
        by_kind["enterprise"] = firms
    prof.actors = {k: v[:ACTOR_CAP] for k, v in sorted(by_kind.items())}
    prof.counts = {k: counts.get(k, len(v)) for k, v in prof.actors.items()}
    prof.clusters = by_kind.get("cluster", [])
    prof.projects = by_kind.get("project", [])
    ids = [district_id, *(d.id for d in prof.sub_districts)]
    chains: dict[str, ChainPresence] = {}
    for r in store.read(DISTRICT_CHAINS, {"ids": ids, "cap": ACTOR_CAP, "doc_bases": DOC_BASES},
                        timeout_ms=timeout_ms):
        chains[r["id"]] = ChainPresence(id=r["id"], name=r["name"] or r["id"],
                                        name_en=r["name_en"], tier=r["tier"], actors=r["actors"],
                                        actor_ids=sorted(r["actor_ids"]),
                                        sources=pair_sources(r["docs"], r["quotes"]),
                                        **basis_of(r))
    for r in store.read(DISTRICT_CHAIN_TALLIES, {"ids": ids}, timeout_ms=timeout_ms):
        c = chains.setdefault(r["id"], ChainPresence(
            id=r["id"], name=r["name"] or r["id"], name_en=r["name_en"], tier=r["tier"],
            actors=0, actor_ids=[], sources=pair_sources(r["docs"], r["quotes"]),
            **basis_of(r)))
        c.registry_firms = int(r["firms"] or 0)
        c.actors += c.registry_firms
    for cid, ref in located_chains.items():
        c = chains.setdefault(cid, ChainPresence(id=cid, name=ref.name, name_en=ref.name_en,
                                                 tier=chain_tier.get(cid), actors=0,
                                                 actor_ids=[], sources=ref.sources,
                                                 basis=ref.basis, basis_note=ref.basis_note,
                                                 reference=ref.reference))
        c.located = True
    prof.chains = sorted(chains.values(), key=lambda c: (not c.located, -c.actors, c.id))
    for r in store.read(DISTRICT_LINKS, {"id": district_id, "doc_bases": DOC_BASES},
                        timeout_ms=timeout_ms):
        p, t = r["props"], r["type"]
        if t == "METRIC_OF":
            prof.metrics.append(_metric(p))
        elif p.get("kind") == "policy":
            prof.policies.append(ref_from(p, link=r["link"]))
        elif t == "LOCATED_IN" and p.get("kind") == "district" and p["id"] not in ids:
            prof.parent = ref_from(p, link=r["link"])
        elif p.get("kind") in {"agency", "person"}:
            prof.agencies.append(ref_from(p, link=r["link"]))
    prof.metrics.sort(key=lambda m: (m.year or 0, m.id))
    # the store returns links in its own order (FalkorDB and Neo4j differ): sort by id
    prof.policies.sort(key=lambda x: x.id)
    prof.agencies.sort(key=lambda x: x.id)
    return prof
