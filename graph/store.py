"""The store interface both back ends implement, and the errors they raise.

A store runs read queries with parameters and returns plain rows (``list[dict]``) in which
nodes are dicts of their properties plus ``kind`` and relationships are dicts of their
properties plus ``type``; it replaces the whole graph atomically from a :class:`GraphData`,
creates its constraints and indexes, clears, and counts.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from typing import Any

from chainatlas.graph.model import GraphData

Row = dict[str, Any]
Progress = Callable[[int], None]
"""Called with the number of rows just written (for progress bars)."""


class StoreError(RuntimeError):
    """The store failed; the message says what to do next."""


class StoreUnavailable(StoreError):
    """The store cannot be reached (API: 503)."""


class StoreBusy(StoreUnavailable):
    """The store's query queue is full (API: 503 with Retry-After)."""


class QueryTimeout(StoreError):
    """A query ran past its timeout (API: 504)."""


class QueryRejected(StoreError):
    """A console query was refused (write, schema or multi-statement) or is invalid (API: 400)."""


class GraphStore(ABC):
    """Common interface of the embedded FalkorDB store and the Neo4j store."""

    kind: str = "abstract"

    @abstractmethod
    def read(
        self, cypher: str, params: Mapping[str, Any] | None = None, *, timeout_ms: int | None = None
    ) -> list[Row]:
        """Run a read query and return its rows as plain dicts."""

    @abstractmethod
    def read_only(
        self, cypher: str, params: Mapping[str, Any] | None = None, *, timeout_ms: int | None = None
    ) -> list[Row]:
        """Run an untrusted query, refusing anything that is not a single read-only statement."""

    @abstractmethod
    def write(self, cypher: str, params: Mapping[str, Any] | None = None) -> None:
        """Run one write query."""

    @abstractmethod
    def replace(self, data: GraphData, *, batch_size: int = 500, progress: Progress | None = None):
        """Replace the whole graph with ``data``, all or nothing.

        On any failure the previous graph stays exactly as it was.
        """

    @abstractmethod
    def ensure_schema(self) -> None:
        """Create the unique constraint on ``id`` and the name indexes (idempotent)."""

    @abstractmethod
    def clear(self) -> None:
        """Delete every node and relationship."""

    @abstractmethod
    def ping(self) -> bool:
        """True when the store answers."""

    @abstractmethod
    def close(self) -> None:
        """Release connections (and stop an embedded server this process started)."""

    def stats(self) -> dict[str, dict[str, int]]:
        """Counts of nodes per label and relationships per type."""
        from chainatlas.graph.cypher import count_nodes_by_label, count_rels_by_type

        nodes = {r["label"]: int(r["count"]) for r in self.read(count_nodes_by_label())}
        rels = {r["type"]: int(r["count"]) for r in self.read(count_rels_by_type())}
        return {"nodes": nodes, "relationships": rels}

    @abstractmethod
    def fulltext_call(self, param: str) -> str:
        """The clause binding ``n`` to the registry firms whose ``key_grams`` match the
        full-text query in parameter ``param`` (:data:`~chainatlas.graph.model.TEXT_INDEX`):
        the procedure and its name differ per store, the rest of the query does not."""

    @abstractmethod
    def fulltext_query(self, terms: list[str], prefix: str | None = None) -> str:
        """The full-text query string (this store's syntax) matching every token of ``terms``
        and, when given, a token starting with ``prefix``."""

    def version(self) -> str | None:
        """A token that changes whenever the graph is replaced (None: unknown, do not cache)."""
        return None

    def revive(self) -> None:
        """Try to bring a dead store back (the embedded store restarts its server)."""
        return None

    def is_empty(self) -> bool:
        return not self.read("MATCH (n) RETURN n.id AS id LIMIT 1")

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
