"""``/sources``: the documents and what the graph cites from each."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from chainatlas.api.deps import SettingsDep, StoreDep
from chainatlas.api.models import PROBLEMS
from chainatlas.api.routes.common import found, resolve_or_404
from chainatlas.queries.sources import (
    DocumentCitations,
    DocumentSummary,
    document_citations,
    list_documents,
)

router = APIRouter(tags=["sources"], responses=PROBLEMS)


@router.get("/sources", response_model=list[DocumentSummary], operation_id="list_sources")
def get_sources(store: StoreDep, settings: SettingsDep) -> list[DocumentSummary]:
    """The source documents, with how many nodes and relationships cite each."""
    return list_documents(store, timeout_ms=settings.query_timeout_ms)


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
