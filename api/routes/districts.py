"""``/districts``: the districts and zones, and one district's profile."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from chainatlas.api.deps import CacheDep, SettingsDep, StoreDep
from chainatlas.api.models import PROBLEMS
from chainatlas.api.pagination import LimitQ, OffsetQ, Page, list_doc, page
from chainatlas.api.routes.common import found, resolve_or_404
from chainatlas.queries.districts import (
    DistrictProfile,
    DistrictSummary,
    district_profile,
    list_districts,
)

router = APIRouter(tags=["districts"], responses=PROBLEMS)


@router.get("/districts", response_model=Page[DistrictSummary], operation_id="list_districts",
            responses=list_doc({"id": "lixia", "name": "历下区", "level": "district"}, total=20))
def get_districts(store: StoreDep, settings: SettingsDep, cache: CacheDep, limit: LimitQ = 100,
                  offset: OffsetQ = 0) -> Page[DistrictSummary]:
    """The city, its districts and counties, and the functional zones."""
    districts = cache.get(store, ("districts",),  # counts every located node: kept per graph
                          lambda: list_districts(store, timeout_ms=settings.query_timeout_ms))
    return page(districts, limit=limit, offset=offset)


@router.get("/districts/{id}", response_model=DistrictProfile, operation_id="get_district")
def get_district(
    id: Annotated[str, Path(description="District id, Chinese name or alias")],
    store: StoreDep, settings: SettingsDep,
) -> DistrictProfile:
    """Chains present, actors by kind, clusters, projects and figures of one district."""
    t = settings.query_timeout_ms
    props = resolve_or_404(store, id, "district", t)
    prof = district_profile(store, props["id"], timeout_ms=t)
    return found(prof, "district", id)
