"""``/enterprises``: the paginated list, one enterprise, and its related enterprises."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import Field

from chainatlas.api.deps import SettingsDep, StoreDep
from chainatlas.api.models import PROBLEMS
from chainatlas.api.pagination import LimitQ, OffsetQ, Page, list_doc
from chainatlas.api.routes.common import found, resolve_or_404, resolve_param, split_list
from chainatlas.queries.enterprises import (
    EnterpriseDetail,
    EnterprisePage,
    enterprise_detail,
    list_enterprises,
)
from chainatlas.queries.related import (
    REASON_KINDS,
    WEIGHTS,
    RelatedEnterprise,
    related_enterprises,
)

router = APIRouter(tags=["enterprises"], responses=PROBLEMS)

EnterpriseKey = Annotated[str, Path(description="Enterprise id, Chinese name or alias")]


@router.get("/enterprises", response_model=EnterprisePage, operation_id="list_enterprises",
            responses=list_doc({"id": "byd", "name": "比亚迪", "name_en": "BYD", "local": True,
                                "chains": ["new-energy-vehicles"], "segments": [],
                                "districts": ["jinan-hi-tech"], "sources": []}, total=120))
def get_enterprises(
    store: StoreDep, settings: SettingsDep,
    chain: Annotated[str | None, Query(description="Chain id or name (with key chains)")] = None,
    district: Annotated[str | None, Query(description="District id or name")] = None,
    segment: Annotated[str | None, Query(description="Segment id or name")] = None,
    q: Annotated[str | None, Query(max_length=200, description="Text in name / alias")] = None,
    limit: LimitQ = 50,
    offset: OffsetQ = 0,
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


class RelatedPage(Page[RelatedEnterprise]):
    """Related enterprises in the list envelope, with the firm they relate to."""

    enterprise: str
    name: str
    weights: dict[str, float] = Field(default_factory=lambda: dict(WEIGHTS))


@router.get("/enterprises/{id}/related", response_model=RelatedPage,
            operation_id="get_related_enterprises",
            responses=list_doc({"id": "sicc", "name": "天岳先进", "score": 3.0, "reasons": [
                {"kind": "same_segment", "text": "同在环节：衬底材料", "weight": 3.0}]},
                enterprise="byd", name="比亚迪"))
def get_related(
    id: EnterpriseKey, store: StoreDep, settings: SettingsDep,
    limit: LimitQ = 20,
    offset: OffsetQ = 0,
    reason: Annotated[list[str] | None, Query(
        description="Keep firms with one of these reason kinds: " + ", ".join(REASON_KINDS))
    ] = None,
    chain: Annotated[str | None, Query(description="Only firms in this chain")] = None,
    district: Annotated[str | None, Query(description="Only firms in this district")] = None,
) -> RelatedPage:
    """Other enterprises ranked by a weighted score, each with reasons and sources."""
    t = settings.query_timeout_ms
    props = resolve_or_404(store, id, "enterprise", t)
    res = found(related_enterprises(
        store, props["id"], chain=resolve_param(store, "chain", chain, "chain", t),
        district=resolve_param(store, "district", district, "district", t),
        reasons=split_list("reason", reason, REASON_KINDS), limit=offset + limit,
        timeout_ms=t), "enterprise", id)
    return RelatedPage(enterprise=res.enterprise, name=res.name, weights=res.weights,
                       items=res.items[offset:offset + limit], total=res.total,
                       limit=limit, offset=offset)
