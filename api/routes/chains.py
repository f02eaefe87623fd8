"""``/chains``: the chains, one chain's overview, and its gaps."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query

from chainatlas.api.deps import CacheDep, SettingsDep, StoreDep
from chainatlas.api.models import PROBLEMS
from chainatlas.api.pagination import LimitQ, OffsetQ, Page, list_doc, page
from chainatlas.api.routes.common import found, resolve_or_404, resolve_param
from chainatlas.queries.chains import ChainOverview, ChainSummary, chain_overview, list_chains
from chainatlas.queries.gaps import ChainGapSummary, GapReport, gap_overview, gap_report

router = APIRouter(tags=["chains"], responses=PROBLEMS)

ChainKey = Annotated[str, Path(description="Chain id, Chinese name or alias (URL-encoded)")]


@router.get("/chains", response_model=Page[ChainSummary], operation_id="list_chains",
            responses=list_doc({"id": "integrated-circuits", "name": "集成电路", "tier": "key",
                                "parent": {"id": "electronic-info", "kind": "chain",
                                           "name": "电子信息"}}, total=60))
def get_chains(
    store: StoreDep, settings: SettingsDep, cache: CacheDep,
    tier: Annotated[Literal["flagship", "key", "district"] | None, Query()] = None,
    limit: LimitQ = 100, offset: OffsetQ = 0,
) -> Page[ChainSummary]:
    """The chains (13 flagship, their key chains, district chain groups) with counts."""
    chains = cache.get(store, ("chains", tier),
                       lambda: list_chains(store, tier, timeout_ms=settings.query_timeout_ms))
    return page(chains, limit=limit, offset=offset)


@router.get("/chains/{id}", response_model=ChainOverview, operation_id="get_chain")
def get_chain(id: ChainKey, store: StoreDep, settings: SettingsDep) -> ChainOverview:
    """A chain with its parent, key chains, segments (with counts), leaders, platforms,
    parks, clusters, offices, districts where present and metrics."""
    t = settings.query_timeout_ms
    props = resolve_or_404(store, id, "chain", t)
    ov = chain_overview(store, props["id"], timeout_ms=t)
    return found(ov, "chain", id)


@router.get("/chains/{id}/gaps", response_model=GapReport, operation_id="get_chain_gaps")
def get_chain_gaps(
    id: ChainKey, store: StoreDep, settings: SettingsDep, cache: CacheDep,
    district: Annotated[str | None, Query(description="Scope: district id or name")] = None,
    candidates: Annotated[int, Query(ge=0, le=50, description="Candidates per segment")] = 10,
) -> GapReport:
    """Each segment gap / weak / covered / unknown (未掌握, no data — not a gap), with its
    reason, evidence (local firms once each, document statements with quotes), basis, the
    chain's coverage (graph firms vs documented counts), its key chains and the firms to court."""
    t = settings.query_timeout_ms
    props = resolve_or_404(store, id, "chain", t)
    d = resolve_param(store, "district", district, "district", t)
    rep = cache.get(store, ("gap_report", props["id"], d, candidates),
                    lambda: gap_report(store, props["id"], district=d,
                                       candidates_per_segment=candidates, timeout_ms=t))
    return found(rep, "chain", id)


@router.get("/gaps", response_model=Page[ChainGapSummary], operation_id="list_chain_gaps",
            responses=list_doc({"chain": {"id": "integrated-circuits", "name": "集成电路"},
                                "summary": {"missing": 2, "weak": 1, "covered": 5}}, total=13))
def get_gaps(
    store: StoreDep, settings: SettingsDep, cache: CacheDep,
    tier: Annotated[Literal["flagship", "key", "district"] | None, Query()] = "flagship",
    district: Annotated[str | None, Query(description="Scope: district id or name")] = None,
    limit: LimitQ = 100, offset: OffsetQ = 0,
) -> Page[ChainGapSummary]:
    """Every chain of a tier with its gap, weak and unknown segments and coverage, most gaps
    first: the same statuses as each chain's own report."""
    t = settings.query_timeout_ms
    d = resolve_param(store, "district", district, "district", t)
    overview = cache.get(store, ("gaps", tier, d),
                         lambda: gap_overview(store, tier=tier, district=d, timeout_ms=t))
    return page(overview, limit=limit, offset=offset)
