"""Enterprises: the filtered, paginated list, and one enterprise's profile.

The list reads every enterprise with its chains, segments and districts in one text and
filters in Python (a few thousand firms at most): ``chain`` includes the chain's key chains,
``district`` includes the districts inside it.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from chainatlas.graph.names import normalise
from chainatlas.graph.store import GraphStore
from chainatlas.queries.models import Basis, Ref, Source, basis_of, to_sources
from chainatlas.queries.nodes import NodeDetail, node_detail

ENTERPRISES = (
    "MATCH (e:Enterprise) "
    "OPTIONAL MATCH (e)-[:IN_CHAIN|IN_SEGMENT]->(x:Node) "
    "WITH e, collect(DISTINCT coalesce(x.chain_id, x.id)) AS chains, "
    "collect(DISTINCT x.id) AS memberships "
    "OPTIONAL MATCH (e)-[:LOCATED_IN]->(d:District) "
    "RETURN properties(e) AS props, chains, memberships, collect(DISTINCT d.id) AS districts"
)
"""Which enterprises are there, with the chains, segments and districts of each?"""

CHAIN_FAMILY = (
    "MATCH (c:Chain {id: $id}) OPTIONAL MATCH (k:Chain)-[:SUBCHAIN_OF]->(c) "
    "RETURN collect(k.id) AS keys"
)
"""Which key chains does this chain have?"""

DISTRICT_FAMILY = (
    "MATCH (d:District {id: $id}) OPTIONAL MATCH (c:District)-[:LOCATED_IN]->(d) "
    "RETURN collect(c.id) AS children"
)
"""Which districts lie inside this district?"""


class EnterpriseSummary(Basis):
    id: str
    name: str
    name_en: str | None = None
    aliases: list[str] = Field(default_factory=list)
    local: bool | None = None
    tags: list[str] = Field(default_factory=list)
    chains: list[str] = Field(default_factory=list)
    segments: list[str] = Field(default_factory=list)
    districts: list[str] = Field(default_factory=list)
    sources: list[Source] = Field(default_factory=list)


class EnterprisePage(BaseModel):
    items: list[EnterpriseSummary]
    total: int
    limit: int
    offset: int


class EnterpriseDetail(NodeDetail):
    """An enterprise with its relationships, and its chains / segments / places at a glance."""

    chains: list[Ref] = Field(default_factory=list)
    segments: list[Ref] = Field(default_factory=list)
    districts: list[Ref] = Field(default_factory=list)
    parks: list[Ref] = Field(default_factory=list)
    clusters: list[Ref] = Field(default_factory=list)


def list_enterprises(store: GraphStore, *, chain: str | None = None,
                     district: str | None = None, segment: str | None = None,
                     q: str | None = None, limit: int = 50, offset: int = 0,
                     timeout_ms: int | None = None) -> EnterprisePage:
    """Which enterprises are in this chain / district / segment, or match this text?"""
    chains = districts = None
    if chain:
        rows = store.read(CHAIN_FAMILY, {"id": chain}, timeout_ms=timeout_ms)
        chains = {chain, *(rows[0]["keys"] if rows else [])}
    if district:
        rows = store.read(DISTRICT_FAMILY, {"id": district}, timeout_ms=timeout_ms)
        districts = {district, *(rows[0]["children"] if rows else [])}
    nq = normalise(q) if q else ""
    items = []
    for r in store.read(ENTERPRISES, {}, timeout_ms=timeout_ms):
        p = r["props"]
        cs = sorted({c for c in r["chains"] if c})
        segs = sorted(m for m in r["memberships"] if m and m not in cs)
        ds = sorted(d for d in r["districts"] if d)
        if chains is not None and not chains & set(cs):
            continue
        if districts is not None and not districts & set(ds):
            continue
        if segment and segment not in segs:
            continue
        if nq and not (nq in p["id"].lower() or any(nq in k for k in p.get("search_keys") or [])):
            continue
        items.append(EnterpriseSummary(
            id=p["id"], name=p.get("name") or p["id"], name_en=p.get("name_en"),
            aliases=list(p.get("aliases") or []), local=p.get("local"),
            tags=list(p.get("tags") or []), chains=cs, segments=segs, districts=ds,
            sources=to_sources(p), **basis_of(p)))
    items.sort(key=lambda e: e.id)
    return EnterprisePage(items=items[offset:offset + limit], total=len(items), limit=limit,
                          offset=offset)


def enterprise_detail(store: GraphStore, enterprise_id: str, *,
                      timeout_ms: int | None = None) -> EnterpriseDetail | None:
    """What is this enterprise: its chains, segments, places and every relationship?"""
    d = node_detail(store, enterprise_id, timeout_ms=timeout_ms)
    if d is None or d.node.kind != "enterprise":
        return None
    out = EnterpriseDetail(**d.model_dump())
    for r in d.relationships:
        if r.direction != "out":
            continue
        ref = Ref(id=r.other_id, kind=r.other_kind or "node", name=r.other_name or r.other_id,
                  name_en=r.other_name_en, role=r.role, sources=r.sources, basis=r.basis,
                  basis_note=r.basis_note, reference=r.reference)
        if r.type == "IN_CHAIN":
            out.chains.append(ref)
        elif r.type == "IN_SEGMENT":
            out.segments.append(ref)
        elif r.type == "LOCATED_IN" and ref.kind == "district":
            out.districts.append(ref)
        elif ref.kind == "park":
            out.parks.append(ref)
        elif ref.kind == "cluster":
            out.clusters.append(ref)
    return out
