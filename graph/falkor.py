"""The embedded store: FalkorDB over a unix socket, server run by :mod:`embedded`."""

from __future__ import annotations

import contextlib
import errno
import logging
import threading
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import redis
from falkordb import FalkorDB
from falkordb.edge import Edge
from falkordb.node import Node
from falkordb.path import Path as FPath

from chainatlas.graph.cypher import DELETE_ALL, write_plan
from chainatlas.graph.embedded import EmbeddedServer, ProgressFn, StoreCorrupt, corrupt_message
from chainatlas.graph.model import (
    ALL_LABELS,
    BASE_LABEL,
    SEARCH_INDEXES,
    TEXT_INDEX,
    GraphData,
    label_to_kind,
)
from chainatlas.graph.params import params_prefix
from chainatlas.graph.store import (
    GraphStore,
    Progress,
    QueryRejected,
    QueryTimeout,
    Row,
    StoreBusy,
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


DISK_FULL = ("The disk under the data directory is full (redis: {text}). Free space (or move "
             "CHAINATLAS_DATA_DIR to a larger disk) and run the command again; the previous "
             "graph is unchanged.")


def _raise_for(error: Exception, cypher: str) -> None:
    text = str(error)
    if isinstance(error, redis.BusyLoadingError):
        raise StoreBusy("The embedded store is still reading its files; try again shortly.") \
            from error
    if isinstance(error, OSError) and error.errno == errno.ENOSPC:
        raise StoreError(DISK_FULL.format(text=text)) from error
    if isinstance(error, OSError) and error.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        raise StoreError(f"The data directory is not writable ({text}). Make it writable or "
                         "set CHAINATLAS_DATA_DIR; the previous graph is unchanged.") from error
    if isinstance(error, redis.ConnectionError | redis.TimeoutError | OSError):
        raise StoreUnavailable(
            f"The embedded FalkorDB store is not answering ({text}); it is being restarted, "
            "try again in a few seconds (see data/falkordb/server.log)."
        ) from error
    if "No space left" in text or "MISCONF" in text or "Errors writing to the AOF" in text:
        raise StoreError(DISK_FULL.format(text=text)) from error
    if "Max pending queries exceeded" in text:
        raise StoreBusy("The store's query queue is full; try again shortly.") from error
    if "mem consumption exceeded" in text.lower() or "memory capacity" in text.lower():
        raise QueryRejected("The query needs more memory than a query may use; narrow it "
                            "(add LIMIT, smaller range()).") from error
    if "timed out" in text.lower() or "timeout" in text.lower():
        raise QueryTimeout(f"Query timed out: {text}") from error
    if "read-only" in text or "RO_QUERY" in text:
        raise QueryRejected("Only read queries are allowed here.") from error
    raise StoreError(f"{text}") from error


def _with_rows(cypher: str, rows: list[dict[str, Any]]) -> str:
    """``cypher`` with its ``$rows`` written in front, as the client would send it."""
    return params_prefix({"rows": rows}) + cypher


class FalkorStore(GraphStore):
    """Embedded FalkorDB store; starts (or joins) the server under ``data_dir``."""

    kind = "falkordb"

    def __init__(self, data_dir: Path, graph_name: str = "chainatlas", *,
                 progress: ProgressFn | None = None, start_timeout: float | None = None) -> None:
        self.server = EmbeddedServer(data_dir, progress=progress, start_timeout=start_timeout)
        self.server.start()
        self.graph_name = graph_name
        self.db = FalkorDB(unix_socket_path=str(self.server.socket_path))
        if self.server.spawned:
            try:
                self.verify()
            except BaseException:
                self.close()
                raise

    # -- integrity -------------------------------------------------------------------------
    def counts(self, graph: str | None = None) -> dict[str, int]:
        """Total nodes and relationships of ``graph`` (zeros when it does not exist)."""
        g = graph or self.graph_name
        if not self.exists(g):
            return {"nodes": 0, "relationships": 0}
        n = self._run("MATCH (n) RETURN count(n) AS c", None, read_only=True,
                      timeout_ms=None, graph=g)
        r = self._run("MATCH ()-[r]->() RETURN count(r) AS c", None, read_only=True,
                      timeout_ms=None, graph=g)
        return {"nodes": int(n[0]["c"]), "relationships": int(r[0]["c"])}

    def verify(self) -> None:
        """Compare every graph with the counts its last load recorded; :class:`StoreCorrupt`
        when the files gave back less (or more) than was written."""
        for graph, want in self.server.read_manifest().items():
            got = self.counts(graph)
            if got != {"nodes": want.get("nodes"), "relationships": want.get("relationships")}:
                raise StoreCorrupt(corrupt_message(
                    self.server.dir,
                    f"graph {graph!r} holds {got['nodes']} nodes and {got['relationships']} "
                    f"relationships, but its last load wrote {want.get('nodes')} and "
                    f"{want.get('relationships')}"))

    def version(self) -> str | None:
        try:
            v = self.db.connection.get(f"chainatlas:version:{self.graph_name}")
        except (redis.RedisError, OSError) as e:
            _raise_for(e, "")
            raise
        return v.decode() if isinstance(v, bytes) else str(v or 0)

    def revive(self) -> None:
        """Restart the embedded server in the background (the API answers 503 meanwhile)."""
        threading.Thread(target=self.server.revive, name="falkordb-revive", daemon=True).start()

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
            if isinstance(e, redis.ConnectionError | OSError) and \
                    not isinstance(e, redis.BusyLoadingError):
                self.revive()
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
        # a write outside replace() changes the counts: forget the recorded ones
        if self.graph_name in self.server.read_manifest():
            with contextlib.suppress(OSError):
                self.server.write_manifest(self.graph_name, None)
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
        wanted += list(SEARCH_INDEXES)
        for label, prop in wanted:
            if (label, prop) not in existing:
                self._run(f"CREATE INDEX FOR (n:{label}) ON (n.{prop})", None,
                          read_only=False, timeout_ms=None, graph=graph)
        if TEXT_INDEX not in existing:  # no language / stop words: the label has range
            # indexes, and index-level options can be set only by the first full-text field
            self._run("CALL db.idx.fulltext.createNodeIndex({label: $label}, "
                      "{field: $field, nostem: true})",
                      {"label": TEXT_INDEX[0], "field": TEXT_INDEX[1]},
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

    def fulltext_call(self, param: str) -> str:
        """RediSearch through FalkorDB's procedure; it yields lazily, so ``LIMIT`` stops it.

        >>> FalkorStore.fulltext_call(None, "ft")  # type: ignore[arg-type]
        "CALL db.idx.fulltext.queryNodes('Enterprise', $ft) YIELD node AS n"
        """
        return f"CALL db.idx.fulltext.queryNodes('{TEXT_INDEX[0]}', ${param}) YIELD node AS n"

    def fulltext_query(self, terms: list[str], prefix: str | None = None) -> str:
        """RediSearch syntax: space-separated terms must all match; ``tok*`` is a prefix.

        >>> FalkorStore.fulltext_query(None, ["ga", "gb"], "qji")  # type: ignore[arg-type]
        'ga gb qji*'
        """
        return " ".join([*terms, *([prefix + "*"] if prefix else [])])

    def exists(self, graph: str | None = None) -> bool:
        try:
            return bool(self.db.connection.exists(graph or self.graph_name))
        except (redis.RedisError, OSError) as e:
            if isinstance(e, redis.ConnectionError | OSError):
                self.revive()
            _raise_for(e, "")
            raise

    # -- bulk replace ----------------------------------------------------------------------
    def replace(self, data: GraphData, *, batch_size: int = 500, progress: Progress | None = None):
        """Build the new graph under a staging key, then RENAME it over the live one.

        RENAME is atomic: readers see the old graph until the new one is complete, and a
        failure anywhere before it leaves the old graph untouched.
        """
        staging = f"{self.graph_name}__staging"
        try:
            self._drop(staging)
            self._ensure_schema_on(staging)
            plan = write_plan(data.nodes, data.rels, batch_size)
            # the client's parameter text, built by a second thread while the server runs the
            # previous batch (the same command: ``CYPHER `rows`=[…] `` + the query)
            with ThreadPoolExecutor(max_workers=1) as pool:
                ahead = [pool.submit(_with_rows, *step) for step in plan[:2]]
                for k, (_, rows) in enumerate(plan):
                    text = ahead[k].result()
                    if k + 2 < len(plan):
                        ahead.append(pool.submit(_with_rows, *plan[k + 2]))
                    ahead[k] = None  # type: ignore[call-overload]
                    self._run(text, None, read_only=False, timeout_ms=None, graph=staging)
                    if progress:
                        progress(len(rows))
            # forget the recorded counts until the new ones are on disk: a crash in between
            # must not make the next open call the (intact) new graph damaged
            self.server.write_manifest(self.graph_name, None)
            self.db.connection.execute_command("RENAME", staging, self.graph_name)
        except BaseException as first:
            # keep the first error: a cleanup failure (e.g. the disk is still full) is logged,
            # never raised over it
            try:
                self._drop(staging)
            except Exception as cleanup:
                log.warning("could not drop the staging graph after a failed load: %s", cleanup)
            if isinstance(first, redis.RedisError | OSError):
                _raise_for(first, "")
            raise
        self._after_write()

    def _after_write(self) -> None:
        """Bump the graph version, compact the append-only file, record the counts."""
        try:
            self.db.connection.incr(f"chainatlas:version:{self.graph_name}")
            self.server.compact(self.db.connection)
            self.server.write_manifest(self.graph_name, self.counts())
        except (redis.RedisError, OSError) as e:
            _raise_for(e, "")
            raise

    def _drop(self, graph: str) -> None:
        try:
            if self.db.connection.exists(graph):
                self.db.connection.execute_command("GRAPH.DELETE", graph)
        except (redis.RedisError, OSError) as e:
            _raise_for(e, "")

    def clear(self) -> None:
        if self.exists():
            self.write(DELETE_ALL)
        with contextlib.suppress(redis.RedisError, OSError):
            self.db.connection.incr(f"chainatlas:version:{self.graph_name}")
        with contextlib.suppress(OSError):
            self.server.write_manifest(self.graph_name, None)

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
