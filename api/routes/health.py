"""``GET /health``: store kind, counts, version."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from chainatlas import __version__
from chainatlas.api.deps import StoreDep

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str
    version: str
    store: str
    nodes: int
    relationships: int
    counts: dict[str, dict[str, int]]


@router.get("/health", response_model=Health, operation_id="get_health")
def health(store: StoreDep) -> Health:
    """Liveness and what the graph holds."""
    counts = store.stats()
    return Health(
        status="ok",
        version=__version__,
        store=store.kind,
        nodes=sum(counts["nodes"].values()),
        relationships=sum(counts["relationships"].values()),
        counts=counts,
    )
