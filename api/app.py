"""The FastAPI application: store lifecycle, problem+json errors, one router per resource."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from fastapi_offline import FastAPIOffline

from chainatlas import __version__
from chainatlas.api import problems
from chainatlas.api.pagination import reject_unknown_params
from chainatlas.api.routes import ROUTERS
from chainatlas.graph.factory import open_store
from chainatlas.graph.store import GraphStore, StoreError
from chainatlas.settings import Settings, get_settings

log = logging.getLogger("chainatlas.api")

TAGS = [
    {"name": "health", "description": "Service status"},
    {"name": "search", "description": "Find any node by name, alias, English name or pinyin"},
    {"name": "chains", "description": "Chains, their segments and gaps"},
    {"name": "enterprises", "description": "Enterprises and related enterprises"},
    {"name": "districts", "description": "Districts and functional zones"},
    {"name": "graph", "description": "Nodes, neighbourhoods and paths"},
    {"name": "sources", "description": "Source documents and what the graph cites"},
    {"name": "console", "description": "Read-only Cypher console for analysts"},
    {"name": "viz", "description": "Network pictures and briefing packs"},
]


def seed_if_empty(store: GraphStore, settings: Settings) -> None:
    """Load the project's seeds when the store holds nothing yet."""
    from chainatlas.loaders.load import load

    if settings.load_on_start and store.is_empty():
        log.info("store is empty: loading seeds from %s", settings.seeds_dir)
        report = load(settings.seeds_dir, store, batch_size=settings.batch_size)
        log.info("loaded %s nodes and %s relationships", report.nodes, report.relationships)
    store.ensure_schema()


def create_app(settings: Settings | None = None, store: GraphStore | None = None) -> FastAPI:
    """Build the app; it opens (and on exit closes) the configured store unless one is given."""
    s = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own = store is None
        try:
            app.state.store = store or open_store(s)
        except StoreError as e:
            log.error("cannot open the %s store: %s", s.store_kind, e)
            raise
        try:
            seed_if_empty(app.state.store, s)
            yield
        finally:
            if own:
                app.state.store.close()

    app = FastAPIOffline(  # /docs from packaged assets (no CDN); /redoc: routes/explorer.py
        redoc_url=None,
        title="ChainAtlas 链图",
        version=__version__,
        description="Jinan's 13+34 industrial chains as a knowledge graph: chain gaps, related "
        "enterprises, neighbourhoods, search, and network pictures.",
        openapi_tags=TAGS,
        lifespan=lifespan,
    )
    app.state.settings = s
    problems.install(app)
    for router in ROUTERS:
        app.include_router(router, dependencies=[Depends(reject_unknown_params)])
    return app
