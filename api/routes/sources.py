"""``/sources``: the documents and what the graph cites from each."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from chainatlas.api.deps import SettingsDep, StoreDep
from chainatlas.api.models import PROBLEMS
from chainatlas.api.pagination import LimitQ, OffsetQ, Page, list_doc, page
from chainatlas.api.routes.common import found, resolve_or_404
from chainatlas.queries.sources import (
    DocumentCitations,
    DocumentSummary,
    document_citations,
    list_documents,
)

router = APIRouter(tags=["sources"], responses=PROBLEMS)


@router.get("/sources", response_model=Page[DocumentSummary], operation_id="list_sources",
            responses=list_doc({"id": "doc-13-34", "name": "济南市“13+34”产业链工作方案"},
                               total=5))
def get_sources(store: StoreDep, settings: SettingsDep, limit: LimitQ = 100,
                offset: OffsetQ = 0) -> Page[DocumentSummary]:
    """The source documents, with how many nodes and relationships cite each."""
    return page(list_documents(store, timeout_ms=settings.query_timeout_ms),
                limit=limit, offset=offset)


@router.get("/sources/{doc}", response_model=DocumentCitations, operation_id="get_source")
def get_source(
    doc: Annotated[str, Path(description="Document id or title")],
    store: StoreDep, settings: SettingsDep,
) -> DocumentCitations:
    """One document and everything the graph cites from it (nodes, relationships, quotes)."""
    t = settings.query_timeout_ms
    props = resolve_or_404(store, doc, "document", t)
    d = document_citations(store, props["id"], timeout_ms=t)
    return found(d, "document", doc)
