"""``GET /search``: any node by name, alias, English name, partial input or pinyin."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

from fastapi import APIRouter, Query

from chainatlas.api.deps import SettingsDep, StoreDep
from chainatlas.api.models import PROBLEMS
from chainatlas.api.pagination import MAX_OFFSET, LimitQ, OffsetQ, Page, list_doc
from chainatlas.graph.model import NODE_KINDS
from chainatlas.queries.search import SearchHit, search

router = APIRouter(tags=["search"], responses={k: PROBLEMS[k] for k in (422, 503, 504)})

NodeKind = Enum("NodeKind", {k: k for k in NODE_KINDS}, type=str)  # type: ignore[misc]


class SearchPage(Page[SearchHit]):
    """Search hits in the list envelope, with the query they answer."""

    query: str
    kind: str | None = None


@router.get("/search", response_model=SearchPage, operation_id="search_nodes",
            responses=list_doc({"id": "byd", "kind": "enterprise", "name": "比亚迪",
                                "name_en": "BYD", "aliases": ["比亚迪济南"], "match": "exact",
                                "matched": "byd", "score": 45.0, "sources": []},
                               query="BYD", kind=None))
def search_nodes(
    store: StoreDep,
    settings: SettingsDep,
    q: Annotated[str, Query(min_length=1, max_length=200, description="Name, alias, pinyin …")],
    kind: Annotated[NodeKind | None, Query(description="Only nodes of this kind")] = None,
    limit: LimitQ = 20,
    offset: OffsetQ = 0,
) -> SearchPage:
    """Find nodes ranked exact > prefix > contains > fuzzy (`q=电工`, `q=zhongqi`); matches
    on pinyin initials only rank below name / alias matches and are capped."""
    res = search(store, q, kind=kind.value if kind else None,
                 limit=min(offset + limit, MAX_OFFSET + 500),
                 timeout_ms=settings.query_timeout_ms)
    return SearchPage(query=res.query, kind=res.kind, items=res.items[offset:offset + limit],
                      total=res.total, limit=limit, offset=offset)
