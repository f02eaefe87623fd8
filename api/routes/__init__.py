"""One router per resource; :data:`ROUTERS` is the order they are mounted in."""

from chainatlas.api.routes import (
    chains,
    console,
    districts,
    enterprises,
    graph,
    health,
    search,
    sources,
)

ROUTERS = [
    health.router,
    search.router,
    chains.router,
    enterprises.router,
    districts.router,
    graph.router,
    sources.router,
    console.router,
]

# Network pictures, briefing packs and the web explorer (``/``) — mounted last.
from chainatlas.api.routes import explorer, viz  # noqa: E402

ROUTERS += [viz.router, explorer.router]
