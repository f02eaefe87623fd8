"""``GET /search``: any node by name, alias, English name, partial input or pinyin."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

from fastapi import APIRouter, Query

from chainatlas.api.deps import SettingsDep, StoreDep
from chainatlas.api.models import PROBLEMS
from chainatlas.graph.model import NODE_KINDS
from chainatlas.queries.search import SearchResult, search

router = APIRouter(tags=["search"], responses={k: PROBLEMS[k] for k in (422, 503, 504)})

NodeKind = Enum("NodeKind", {k: k for k in NODE_KINDS}, type=str)  # type: ignore[misc]


@router.get("/search", response_model=SearchResult, operation_id="search_nodes")
def search_nodes(
    store: StoreDep,
    settings: SettingsDep,
    q: Annotated[str, Query(min_length=1, max_length=200, description="Name, alias, pinyin …")],
    kind: Annotated[NodeKind | None, Query(description="Only nodes of this kind")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
) -> SearchResult:
    """Find nodes ranked exact > prefix > contains > fuzzy (`q=电工`, `q=zhongqi`)."""
    return search(store, q, kind=kind.value if kind else None, limit=limit,
                  timeout_ms=settings.query_timeout_ms)
