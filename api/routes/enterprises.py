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
    EnterpriseSummary,
    enterprise_detail,
    list_enterprises,
)
from chainatlas.queries.lineage import Lineage, lineages
from chainatlas.queries.related import (
    REASON_KINDS,
    WEIGHTS,
    RelatedEnterprise,
    related_enterprises,
)

router = APIRouter(tags=["enterprises"], responses=PROBLEMS)

LINEAGE_DOC = ("Flagship › key chain › segment of each place, e.g. "
               "电子信息 › 先进计算 › 服务器与信息装备")


class EnterpriseItem(EnterpriseSummary):
    lineage: list[Lineage] = Field(default_factory=list, description=LINEAGE_DOC)


class EnterpriseListPage(Page[EnterpriseItem]):
    """Enterprises in the list envelope."""


class EnterpriseWithLineage(EnterpriseDetail):
    lineage: list[Lineage] = Field(default_factory=list, description=LINEAGE_DOC)


class RelatedItem(RelatedEnterprise):
    lineage: list[Lineage] = Field(default_factory=list, description=LINEAGE_DOC)


EnterpriseKey = Annotated[str, Path(description="Enterprise id, Chinese name or alias")]


@router.get("/enterprises", response_model=EnterpriseListPage, operation_id="list_enterprises",
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
) -> EnterpriseListPage:
    """Enterprises filtered by chain, district, segment or text (paginated), each with the
    lineage of its chains."""
    t = settings.query_timeout_ms
    res = list_enterprises(
        store, chain=resolve_param(store, "chain", chain, "chain", t),
        district=resolve_param(store, "district", district, "district", t),
        segment=resolve_param(store, "segment", segment, "segment", t),
        q=q, limit=limit, offset=offset, timeout_ms=t)
    lines = lineages(store, [e.id for e in res.items], timeout_ms=t)
    return EnterpriseListPage(
        items=[EnterpriseItem(**e.model_dump(), lineage=lines.get(e.id, [])) for e in res.items],
        total=res.total, limit=res.limit, offset=res.offset)


@router.get("/enterprises/{id}", response_model=EnterpriseWithLineage,
            operation_id="get_enterprise")
def get_enterprise(id: EnterpriseKey, store: StoreDep, settings: SettingsDep
                   ) -> EnterpriseWithLineage:
    """An enterprise with its chains, segments, places and every relationship, with sources;
    ``lineage`` names the flagship chain above each segment."""
    t = settings.query_timeout_ms
    props = resolve_or_404(store, id, "enterprise", t)
    d = found(enterprise_detail(store, props["id"], timeout_ms=t), "enterprise", id)
    lines = lineages(store, [d.node.id], timeout_ms=t).get(d.node.id, [])
    return EnterpriseWithLineage(**d.model_dump(), lineage=lines)


class RelatedPage(Page[RelatedItem]):
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
    chosen = res.items[offset:offset + limit]
    lines = lineages(store, [r.id for r in chosen], timeout_ms=t)
    return RelatedPage(enterprise=res.enterprise, name=res.name, weights=res.weights,
                       items=[RelatedItem(**r.model_dump(), lineage=lines.get(r.id, []))
                              for r in chosen], total=res.total, limit=limit, offset=offset)
