"""The FastAPI application: store lifecycle, problem+json errors, one router per resource."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Depends, FastAPI
from fastapi_offline import FastAPIOffline

from chainatlas import __version__
from chainatlas.api import problems
from chainatlas.api.cache import GraphCache
from chainatlas.api.docs_zh import bilingual
from chainatlas.api.pagination import reject_unknown_params
from chainatlas.api.render import RenderGate
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
    """Load the project's seeds when the store holds nothing yet (quotes checked, as by
    ``chainatlas load``: without the source documents nothing is loaded, loudly)."""
    from chainatlas.loaders.load import SourcesMissing, load

    if settings.load_on_start and store.is_empty():
        log.info("store is empty: loading seeds from %s", settings.seeds_dir)
        try:
            report = load(settings.seeds_dir, store, batch_size=settings.batch_size,
                          sources_dir=settings.sources_dir, require_quotes=settings.quote_check)
        except SourcesMissing as e:
            log.error("%s The API serves the empty store.", e)
        else:
            log.info("loaded %s nodes and %s relationships", report.nodes, report.relationships)
    store.ensure_schema()


def _constrain_schema(app: FastAPI) -> None:
    """Make the OpenAPI schema say what the API refuses with 422, so no input the schema allows
    is refused: no control characters in string parameters, and known values only in the
    ``kinds`` / ``rel_types`` / ``reason`` filters (comma-separated lists allowed)."""
    from chainatlas.graph.model import NODE_KINDS, REL_TYPES
    from chainatlas.queries.related import REASON_KINDS

    def listing(values: list[str]) -> str:
        one = "(" + "|".join(re.escape(v) for v in values) + ")"
        return rf"^\s*({one}\s*)?(,\s*({one}\s*)?)*$"

    allowed = {"kinds": listing(list(NODE_KINDS)), "rel_types": listing(list(REL_TYPES)),
               "reason": listing(list(REASON_KINDS))}
    original = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = bilingual(original())
        for path in schema.get("paths", {}).values():
            for op in path.values():
                for param in op.get("parameters", []) if isinstance(op, dict) else []:
                    _constrain(param.get("schema", {}), allowed.get(param.get("name", "")))
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def _constrain(schema: dict[str, Any], values_pattern: str | None) -> None:
    for sub in schema.get("anyOf", []):
        _constrain(sub, values_pattern)
    if schema.get("type") == "string" and "enum" not in schema and "format" not in schema:
        schema.setdefault("pattern", values_pattern or problems.NO_CONTROL_PATTERN)
    if schema.get("type") == "array":
        _constrain(schema.get("items", {}), values_pattern)


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
    app.state.cache = GraphCache()  # whole-graph answers until a load / import (api/cache.py)
    app.add_middleware(RenderGate, slots=s.render_slots)
    problems.install(app)
    _constrain_schema(app)
    for router in ROUTERS:
        app.include_router(router, dependencies=[Depends(reject_unknown_params)])
    return app
