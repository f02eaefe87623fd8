"""The embedded store: FalkorDB over a unix socket, server run by :mod:`embedded`."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import redis
from falkordb import FalkorDB
from falkordb.edge import Edge
from falkordb.node import Node
from falkordb.path import Path as FPath

from chainatlas.graph.cypher import DELETE_ALL, write_plan
from chainatlas.graph.embedded import EmbeddedServer
from chainatlas.graph.model import ALL_LABELS, BASE_LABEL, GraphData, label_to_kind
from chainatlas.graph.store import (
    GraphStore,
    Progress,
    QueryRejected,
    QueryTimeout,
    Row,
    StoreError,
    StoreUnavailable,
)

log = logging.getLogger(__name__)


def to_plain(value: Any) -> Any:
    """Turn FalkorDB result values into plain Python (dicts, lists, scalars)."""
    if isinstance(value, Node):
        props = dict(value.properties)
        kinds = [label_to_kind(x) for x in value.labels or [] if x in ALL_LABELS]
        props.setdefault("kind", kinds[0] if kinds else None)
        return props
    if isinstance(value, Edge):
        return {"type": value.relation, **dict(value.properties)}
    if isinstance(value, FPath):
        return {"nodes": [to_plain(n) for n in value.nodes()],
                "relationships": [to_plain(e) for e in value.edges()]}
    if isinstance(value, Mapping):
        return {k: to_plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_plain(v) for v in value]
    return value


def _raise_for(error: Exception, cypher: str) -> None:
    text = str(error)
    if isinstance(error, redis.ConnectionError | redis.TimeoutError | OSError):
        raise StoreUnavailable(
            f"The embedded FalkorDB store is not answering ({text}). "
            "Restart `chainatlas serve`; see data/falkordb/server.log."
        ) from error
    if "timed out" in text.lower() or "timeout" in text.lower():
        raise QueryTimeout(f"Query timed out: {text}") from error
    if "read-only" in text or "RO_QUERY" in text:
        raise QueryRejected("Only read queries are allowed here.") from error
    raise StoreError(f"{text}") from error


class FalkorStore(GraphStore):
    """Embedded FalkorDB store; starts (or joins) the server under ``data_dir``."""

    kind = "falkordb"

    def __init__(self, data_dir: Path, graph_name: str = "chainatlas") -> None:
        self.server = EmbeddedServer(data_dir)
        self.server.start()
        self.graph_name = graph_name
        self.db = FalkorDB(unix_socket_path=str(self.server.socket_path))

    # A fresh Graph object per call: the client caches label/type ids per object, and an atomic
    # swap (RENAME) by another process would make a long-lived cache decode wrong labels.
    def _graph(self, name: str | None = None):
        return self.db.select_graph(name or self.graph_name)

    def _run(self, cypher: str, params: Mapping[str, Any] | None, *, read_only: bool,
             timeout_ms: int | None, graph: str | None = None) -> list[Row]:
        g = self._graph(graph)
        try:
            fn = g.ro_query if read_only else g.query
            result = fn(cypher, dict(params or {}), timeout=timeout_ms)
        except redis.ResponseError as e:
            if "empty key" in str(e) or "Invalid graph operation on empty key" in str(e):
                return []
            _raise_for(e, cypher)
            raise  # unreachable
        except (redis.RedisError, OSError) as e:
            _raise_for(e, cypher)
            raise
        header = [h[1] if isinstance(h, list | tuple) else h for h in result.header or []]
        return [dict(zip(header, (to_plain(v) for v in row), strict=False))
                for row in result.result_set or []]

    def read(self, cypher, params=None, *, timeout_ms=None):
        return self._run(cypher, params, read_only=True, timeout_ms=timeout_ms)

    def read_only(self, cypher, params=None, *, timeout_ms=None):
        # GRAPH.RO_QUERY refuses any write or schema change; FalkorDB refuses multi-statement.
        try:
            return self._run(cypher, params, read_only=True, timeout_ms=timeout_ms)
        except StoreError as e:
            if isinstance(e, StoreUnavailable | QueryTimeout):
                raise
            raise QueryRejected(str(e)) from e

    def write(self, cypher, params=None):
        self._run(cypher, params, read_only=False, timeout_ms=None)

    # -- schema ----------------------------------------------------------------------------
    def _ensure_schema_on(self, graph: str) -> None:
        existing = {
            (r["label"], prop)
            for r in self._run("CALL db.indexes() YIELD label, properties "
                               "RETURN label, properties", None,
                               read_only=True, timeout_ms=None, graph=graph)
            for prop in r["properties"]
        } if self.exists(graph) else set()
        wanted = [(BASE_LABEL, "id"), (BASE_LABEL, "name")] + [(lb, "name") for lb in ALL_LABELS]
        for label, prop in wanted:
            if (label, prop) not in existing:
                self._run(f"CREATE INDEX FOR (n:{label}) ON (n.{prop})", None,
                          read_only=False, timeout_ms=None, graph=graph)
        try:
            self.db.connection.execute_command(
                "GRAPH.CONSTRAINT", "CREATE", graph, "UNIQUE", "NODE", BASE_LABEL,
                "PROPERTIES", "1", "id")
        except redis.ResponseError as e:
            if "already exists" not in str(e):
                raise StoreError(f"Could not create the unique constraint on id: {e}") from e

    def ensure_schema(self) -> None:
        self._ensure_schema_on(self.graph_name)

    def exists(self, graph: str | None = None) -> bool:
        return bool(self.db.connection.exists(graph or self.graph_name))

    # -- bulk replace ----------------------------------------------------------------------
    def replace(self, data: GraphData, *, batch_size: int = 500, progress: Progress | None = None):
        """Build the new graph under a staging key, then RENAME it over the live one.

        RENAME is atomic: readers see the old graph until the new one is complete, and a
        failure anywhere before it leaves the old graph untouched.
        """
        staging = f"{self.graph_name}__staging"
        self._drop(staging)
        try:
            self._ensure_schema_on(staging)
            for cypher, rows in write_plan(data.nodes, data.rels, batch_size):
                self._run(cypher, {"rows": rows}, read_only=False, timeout_ms=None,
                          graph=staging)
                if progress:
                    progress(len(rows))
            self.db.connection.execute_command("RENAME", staging, self.graph_name)
        except BaseException:
            self._drop(staging)
            raise

    def _drop(self, graph: str) -> None:
        if self.db.connection.exists(graph):
            self.db.connection.execute_command("GRAPH.DELETE", graph)

    def clear(self) -> None:
        if self.exists():
            self.write(DELETE_ALL)

    def ping(self) -> bool:
        try:
            return bool(self.db.connection.ping())
        except (redis.RedisError, OSError):
            return False

    def close(self) -> None:
        try:
            self.db.connection.close()
        finally:
            self.server.stop()
