"""Open the configured store: Neo4j when ``NEO4J_URI`` is set, else the embedded FalkorDB."""

from __future__ import annotations

from collections.abc import Callable

from chainatlas.graph.store import GraphStore
from chainatlas.settings import Settings, get_settings


def open_store(settings: Settings | None = None,
               progress: Callable[[str], None] | None = None) -> GraphStore:
    """Open (and for the embedded store, start) the store the settings choose.

    ``progress`` is told what a long start-up waits for (reading a large embedded store).
    """
    s = settings or get_settings()
    if s.neo4j_uri:
        from chainatlas.graph.neo4j_store import Neo4jStore

        return Neo4jStore(
            s.neo4j_uri, s.neo4j_user, s.neo4j_password.get_secret_value(), s.neo4j_database
        )
    from chainatlas.graph.falkor import FalkorStore

    return FalkorStore(s.data_dir, s.graph_name, progress=progress,
                       start_timeout=s.start_timeout)
