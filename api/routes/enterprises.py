"""``/enterprises``: the paginated list, one enterprise, and its related enterprises."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from chainatlas.api.deps import SettingsDep, StoreDep
from chainatlas.api.models import PROBLEMS
from chainatlas.api.routes.common import found, resolve_or_404, resolve_param, split_list
from chainatlas.queries.enterprises import (
    EnterpriseDetail,
    EnterprisePage,
    enterprise_detail,
    list_enterprises,
)
from chainatlas.queries.related import REASON_KINDS, RelatedResult, related_enterprises

router = APIRouter(tags=["enterprises"], responses=PROBLEMS)

EnterpriseKey = Annotated[str, Path(description="Enterprise id, Chinese name or alias")]


@router.get("/enterprises", response_model=EnterprisePage, operation_id="list_enterprises")
def get_enterprises(
    store: StoreDep, settings: SettingsDep,
    chain: Annotated[str | None, Query(description="Chain id or name (with key chains)")] = None,
    district: Annotated[str | None, Query(description="District id or name")] = None,
    segment: Annotated[str | None, Query(description="Segment id or name")] = None,
    q: Annotated[str | None, Query(max_length=200, description="Text in name / alias")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> EnterprisePage:
    """Enterprises filtered by chain, district, segment or text (paginated)."""
    t = settings.query_timeout_ms
    return list_enterprises(
        store, chain=resolve_param(store, "chain", chain, "chain", t),
        district=resolve_param(store, "district", district, "district", t),
        segment=resolve_param(store, "segment", segment, "segment", t),
        q=q, limit=limit, offset=offset, timeout_ms=t)


@router.get("/enterprises/{id}", response_model=EnterpriseDetail,
            operation_id="get_enterprise")
def get_enterprise(id: EnterpriseKey, store: StoreDep, settings: SettingsDep
                   ) -> EnterpriseDetail:
    """An enterprise with its chains, segments, places and every relationship, with sources."""
    t = settings.query_timeout_ms
    props = resolve_or_404(store, id, "enterprise", t)
    d = enterprise_detail(store, props["id"], timeout_ms=t)
    return found(d, "enterprise", id)


@router.get("/enterprises/{id}/related", response_model=RelatedResult,
            operation_id="get_related_enterprises")
def get_related(
    id: EnterpriseKey, store: StoreDep, settings: SettingsDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
    reason: Annotated[list[str] | None, Query(
        description="Keep firms with one of these reason kinds: " + ", ".join(REASON_KINDS))
    ] = None,
    chain: Annotated[str | None, Query(description="Only firms in this chain")] = None,
    district: Annotated[str | None, Query(description="Only firms in this district")] = None,
) -> RelatedResult:
    """Other enterprises ranked by a weighted score, each with reasons and sources."""
    t = settings.query_timeout_ms
    props = resolve_or_404(store, id, "enterprise", t)
    res = related_enterprises(
        store, props["id"], chain=resolve_param(store, "chain", chain, "chain", t),
        district=resolve_param(store, "district", district, "district", t),
        reasons=split_list("reason", reason, REASON_KINDS), limit=limit, timeout_ms=t)
    return found(res, "enterprise", id)
