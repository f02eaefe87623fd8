"""Enterprises: the filtered, paginated list, and one enterprise's profile.

The list filters, counts, orders and pages in the store (a graph may hold a million registry
firms), then reads the chains, segments and districts of the page's firms only: ``chain``
includes the chain's key chains and their segments, ``district`` includes the districts
inside it. A filter starts from its nodes (``Node.id`` index); text alone scans every firm.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from chainatlas.graph.names import normalise
from chainatlas.graph.store import GraphStore
from chainatlas.queries.models import Basis, Ref, Source, basis_of, to_sources
from chainatlas.queries.nodes import NodeDetail, node_detail

ENTERPRISES = (
    "UNWIND $ids AS i MATCH (e:Node {id: i}) WHERE e.kind = 'enterprise' "
    "OPTIONAL MATCH (e)-[:IN_CHAIN|IN_SEGMENT]->(x:Node) "
    "WITH e, collect(DISTINCT coalesce(x.chain_id, x.id)) AS chains, "
    "collect(DISTINCT x.id) AS memberships "
    "OPTIONAL MATCH (e)-[:LOCATED_IN]->(d:District) "
    "RETURN properties(e) AS props, chains, memberships, collect(DISTINCT d.id) AS districts"
)
"""These enterprises (a page of ids), with the chains, segments and districts of each."""

CHAIN_SEGMENT_IDS = "MATCH (s:Segment) WHERE s.chain_id IN $chains RETURN s.id AS id"
"""Which segments do these chains have?"""


def enterprise_filter(*, targets: bool = False, districts: bool = False, q: bool = False) -> str:
    """The head of a listing: the distinct enterprises ``e`` placed in one of ``$targets``
    (chains or segments, by ``IN_CHAIN|IN_SEGMENT``), located in one of ``$districts``, whose
    id or search keys contain ``$q`` — each part only when asked for.

    >>> enterprise_filter()
    'MATCH (e:Enterprise)'
    >>> enterprise_filter(targets=True, q=True)  # doctest: +NORMALIZE_WHITESPACE
    'UNWIND $targets AS t MATCH (:Node {id: t})<-[:IN_CHAIN|IN_SEGMENT]-(e:Enterprise)
     WITH DISTINCT e WHERE (toLower(e.id) CONTAINS $q OR
     any(k IN coalesce(e.search_keys, []) WHERE k CONTAINS $q))'
    """
    where = []
    if targets:
        head = ("UNWIND $targets AS t MATCH (:Node {id: t})<-[:IN_CHAIN|IN_SEGMENT]-"
                "(e:Enterprise)" + ("-[:LOCATED_IN]->(d:District) WHERE d.id IN $districts"
                                    if districts else "") + " WITH DISTINCT e")
    elif districts:
        head = ("UNWIND $districts AS t MATCH (:Node {id: t})<-[:LOCATED_IN]-(e:Enterprise) "
                "WITH DISTINCT e")
    else:
        head = "MATCH (e:Enterprise)"
    if q:
        where.append("(toLower(e.id) CONTAINS $q OR "
                     "any(k IN coalesce(e.search_keys, []) WHERE k CONTAINS $q))")
    if not where:
        return head
    return head + " WHERE " + " AND ".join(where)


def enterprise_count(**parts: bool) -> str:
    """How many enterprises the listing holds.

    >>> enterprise_count()
    'MATCH (e:Enterprise) RETURN count(e) AS total'
    """
    return enterprise_filter(**parts) + " RETURN count(e) AS total"


def enterprise_page(**parts: bool) -> str:
    """The ids of one page of the listing, in id order.

    >>> enterprise_page(districts=True).split(" RETURN ")[1]
    'e.id AS id ORDER BY id SKIP $offset LIMIT $limit'

    """
    return enterprise_filter(**parts) + " RETURN e.id AS id ORDER BY id SKIP $offset LIMIT $limit"

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
    targets: list[str] | None = None
    if chain:
        rows = store.read(CHAIN_FAMILY, {"id": chain}, timeout_ms=timeout_ms)
        family = [chain, *(rows[0]["keys"] if rows else [])]
        targets = family + [r["id"] for r in store.read(CHAIN_SEGMENT_IDS, {"chains": family},
                                                        timeout_ms=timeout_ms)]
    if segment:
        targets = [segment] if targets is None or segment in targets else []
    districts = None
    if district:
        rows = store.read(DISTRICT_FAMILY, {"id": district}, timeout_ms=timeout_ms)
        districts = [district, *(rows[0]["children"] if rows else [])]
    nq = normalise(q) if q else ""
    if targets == []:
        return EnterprisePage(items=[], total=0, limit=limit, offset=offset)
    parts = {"targets": targets is not None, "districts": districts is not None, "q": bool(nq)}
    params = {"targets": targets, "districts": districts, "q": nq, "offset": offset,
              "limit": limit}
    total = store.read(enterprise_count(**parts), params, timeout_ms=timeout_ms)[0]["total"]
    ids = [r["id"] for r in store.read(enterprise_page(**parts), params, timeout_ms=timeout_ms)]
    found = {}
    for r in store.read(ENTERPRISES, {"ids": ids}, timeout_ms=timeout_ms) if ids else []:
        p = r["props"]
        cs = sorted({c for c in r["chains"] if c})
        found[p["id"]] = EnterpriseSummary(
            id=p["id"], name=p.get("name") or p["id"], name_en=p.get("name_en"),
            aliases=list(p.get("aliases") or []), local=p.get("local"),
            tags=list(p.get("tags") or []), chains=cs,
            segments=sorted(m for m in r["memberships"] if m and m not in cs),
            districts=sorted(d for d in r["districts"] if d), sources=to_sources(p),
            **basis_of(p))
    return EnterprisePage(items=[found[i] for i in ids if i in found], total=int(total),
                          limit=limit, offset=offset)


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
