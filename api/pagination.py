"""One envelope for every list the API answers: ``{items, total, limit, offset}``.

Every list endpoint takes ``limit`` and ``offset`` (:data:`LimitQ`, :data:`OffsetQ`) and
answers a :class:`Page` (or a subclass adding context such as the query). Unknown query
parameters are refused with problem+json naming them (:func:`reject_unknown_params`), so a
typo (``?ofset=20``) is never silently ignored.

>>> page([1, 2, 3, 4, 5], limit=2, offset=2).model_dump()
{'items': [3, 4], 'total': 5, 'limit': 2, 'offset': 2}
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Query, Request
from pydantic import BaseModel, Field

from chainatlas.api.problems import Problem

T = TypeVar("T")

MAX_LIMIT = 500
MAX_OFFSET = 1_000_000

LimitQ = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="How many items to return")]
OffsetQ = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="How many items to skip")]


class Page(BaseModel, Generic[T]):
    """A page of a list: ``items`` from ``offset``, at most ``limit``, of ``total``."""

    items: list[T]
    total: int = Field(description="How many items the whole list has")
    limit: int = Field(description="The page size asked for")
    offset: int = Field(description="How many items were skipped")


def page(items: Sequence[T], *, limit: int, offset: int, total: int | None = None,
         sliced: bool = False) -> Page[T]:
    """The page ``[offset, offset + limit)`` of ``items`` (already sliced when ``sliced``)."""
    chosen = list(items) if sliced else list(items[offset:offset + limit])
    return Page[Any](items=chosen, total=len(items) if total is None else total,
                     limit=limit, offset=offset)  # type: ignore[return-value]


def list_doc(example_item: dict[str, Any], total: int = 1, **extra: Any) -> dict[int | str, Any]:
    """The OpenAPI ``responses`` entry documenting the envelope with an example."""
    return {200: {"content": {"application/json": {"example": {
        **extra, "items": [example_item], "total": total, "limit": 20, "offset": 0}}}}}


def _query_names(dependant: Any) -> set[str]:
    names = {p.alias for p in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


def _known(request: Request) -> set[str] | None:
    dependant = getattr(request.scope.get("route"), "dependant", None)
    return None if dependant is None else _query_names(dependant)


PAGES = ("/", "/redoc")
"""Pages a browser opens (tracking or cache-busting parameters must not break them)."""


async def reject_unknown_params(request: Request) -> None:
    """Refuse query parameters the route does not declare (422 naming each one); the
    explorer's pages and assets take any."""
    path = request.url.path
    if path in PAGES or path.startswith("/ui/"):
        return
    known = _known(request)
    if known is None:
        return
    unknown = sorted({k for k in request.query_params if k not in known})
    if unknown:
        allowed = ", ".join(sorted(known)) or "none"
        raise Problem(422, "Invalid parameter",
                      f"Unknown parameter(s): {', '.join(unknown)}. Allowed: {allowed}. "
                      f"未知参数：{'、'.join(unknown)}。",
                      errors=[{"parameter": k, "in": "query", "message": "unknown parameter"}
                              for k in unknown])
