"""The production store: Neo4j through the official ``neo4j`` driver (5.28+ / 6.x).

Kept thin on purpose: the same Cypher texts as the embedded store; reads routed as reads;
``database_=`` on every call; the bulk replace runs in one transaction so a failure rolls back.
Every session shares the driver's ``execute_query`` bookmark manager, so on a cluster
(``neo4j://`` routing) a read after a load sees the loaded graph (causal consistency).

What differs from FalkorDB, and is handled here rather than in the query texts:

* property lists must be homogeneous and free of nulls — :func:`storable_problem` refuses
  such a graph before anything is written, naming the node or relationship and the property;
* the console's read-only check is the planner's own verdict (``EXPLAIN`` query type ``r``),
  then a read transaction with the timeout;
* a timeout is ``QueryTimeout`` (504), not a rejected query.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import neo4j
from neo4j import GraphDatabase, NotificationDisabledClassification, Query, RoutingControl
from neo4j.exceptions import ClientError, Neo4jError, ServiceUnavailable, SessionExpired
from neo4j.graph import Node, Path, Relationship

from chainatlas.graph.cypher import DELETE_ALL, write_plan
from chainatlas.graph.model import (
    ALL_LABELS,
    BASE_LABEL,
    SEARCH_INDEXES,
    TEXT_INDEX,
    GraphData,
    label_to_kind,
)
from chainatlas.graph.store import (
    GraphStore,
    Progress,
    QueryRejected,
    QueryTimeout,
    Row,
    StoreError,
    StoreUnavailable,
)


def to_plain(value: Any) -> Any:
    """Turn driver values into plain Python, the same shapes as the FalkorDB store."""
    if isinstance(value, Node):
        props = dict(value.items())
        kinds = [label_to_kind(x) for x in value.labels if x in ALL_LABELS]
        props.setdefault("kind", kinds[0] if kinds else None)
        return props
    if isinstance(value, Relationship):
        return {"type": value.type, **dict(value.items())}
    if isinstance(value, Path):
        return {"nodes": [to_plain(n) for n in value.nodes],
                "relationships": [to_plain(r) for r in value.relationships]}
    if isinstance(value, Mapping):
        return {k: to_plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_plain(v) for v in value]
    return value


def schema_statements() -> list[str]:
    """Named, idempotent DDL: unique id, name indexes, a CJK full-text index on names.

    >>> schema_statements()[0]
    'CREATE CONSTRAINT node_id_unique IF NOT EXISTS FOR (n:Node) REQUIRE n.id IS UNIQUE'
    """
    stmts = [
        f"CREATE CONSTRAINT node_id_unique IF NOT EXISTS FOR (n:{BASE_LABEL}) "
        "REQUIRE n.id IS UNIQUE",
        f"CREATE INDEX node_name IF NOT EXISTS FOR (n:{BASE_LABEL}) ON (n.name)",
    ]
    stmts += [
        f"CREATE INDEX {label.lower()}_name IF NOT EXISTS FOR (n:{label}) ON (n.name)"
        for label in ALL_LABELS
    ]
    stmts += [
        f"CREATE INDEX {label.lower()}_{prop} IF NOT EXISTS FOR (n:{label}) ON (n.{prop})"
        for label, prop in SEARCH_INDEXES
    ]
    stmts.append(
        f"CREATE FULLTEXT INDEX node_names IF NOT EXISTS FOR (n:{BASE_LABEL}) "
        "ON EACH [n.name, n.name_en, n.aliases_text] "
        "OPTIONS {indexConfig: {`fulltext.analyzer`: 'cjk'}}"
    )
    stmts.append(
        f"CREATE FULLTEXT INDEX {TEXT_INDEX_NAME} IF NOT EXISTS FOR (n:{TEXT_INDEX[0]}) "
        f"ON EACH [n.{TEXT_INDEX[1]}] "
        "OPTIONS {indexConfig: {`fulltext.analyzer`: 'whitespace'}}"
    )
    return stmts


TEXT_INDEX_NAME = "enterprise_key_grams"
"""Neo4j's name of :data:`~chainatlas.graph.model.TEXT_INDEX` (tokens split on spaces only)."""
FULLTEXT_LIMIT = 2000
"""Lucene answers by score, gathering every match first: at most this many candidates per
full-text lookup (the Cypher check after it keeps those that really match)."""


def storable_problem(value: Any) -> str | None:
    """Why Neo4j cannot store ``value`` as a property, or ``None`` when it can.

    Neo4j stores scalars and homogeneous lists of scalars without nulls (ints and floats may
    mix: they become floats); FalkorDB is more lenient, so the common contract is Neo4j's.

    >>> storable_problem(["a", "b"]) is None and storable_problem([1, 2.5]) is None
    True
    >>> storable_problem([]) is None
    True
    >>> storable_problem(["a", None])
    'a list with a null in it'
    >>> storable_problem(["a", 1])
    'a list mixing str and int'
    >>> storable_problem({"a": 1})
    'a map'
    """
    if isinstance(value, Mapping):
        return "a map"
    if isinstance(value, list | tuple):
        if any(v is None for v in value):
            return "a list with a null in it"
        if any(isinstance(v, Mapping | list | tuple) for v in value):
            return "a list of lists or maps"
        kinds = {"number" if isinstance(v, int | float) and not isinstance(v, bool)
                 else type(v).__name__ for v in value}
        if len(kinds) > 1:
            names = dict.fromkeys(type(v).__name__ for v in value)
            return "a list mixing " + " and ".join(names)
    return None


def check_storable(data: GraphData) -> None:
    """Raise :class:`StoreError` naming the first node/relationship property Neo4j cannot store.

    >>> bad = GraphData(nodes={"Chain": [{"id": "c1", "props": {"aliases": ["x", None]}}]})
    >>> check_storable(bad)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    chainatlas.graph.store.StoreError: Neo4j cannot store property 'aliases' of node c1 ...
    """
    for label, rows in data.nodes.items():
        for row in rows:
            for key, value in row.get("props", {}).items():
                if (why := storable_problem(value)) is not None:
                    raise StoreError(f"Neo4j cannot store property {key!r} of node {row['id']} "
                                     f"({label}): {why}. Fix the seed or the loader; nothing "
                                     "was written.")
    for rel_type, rows in data.rels.items():
        for row in rows:
            for key, value in row.get("props", {}).items():
                if (why := storable_problem(value)) is not None:
                    raise StoreError(f"Neo4j cannot store property {key!r} of relationship "
                                     f"{row['src']}-[{rel_type}]->{row['dst']}: {why}. Fix the "
                                     "seed or the loader; nothing was written.")


def _translate(error: Exception) -> StoreError:
    if isinstance(error, ServiceUnavailable | SessionExpired | OSError):
        return StoreUnavailable(
            f"Neo4j is not answering ({error}). Check NEO4J_URI and the server."
        )
    if _is_timeout(error):
        return QueryTimeout(f"Query timed out: {getattr(error, 'message', None) or error}")
    return StoreError(f"Neo4j: {getattr(error, 'message', None) or error}")


def _is_timeout(error: Exception) -> bool:
    code = getattr(error, "code", "") or ""
    return "TransactionTimedOut" in code or "Timeout" in code


class Neo4jStore(GraphStore):
    """Neo4j store; chosen when ``NEO4J_URI`` is set."""

    kind = "neo4j"

    def __init__(self, uri: str, user: str, password: str, database: str = "neo4j") -> None:
        self.database = database
        self._schema_ready = False
        # "property key does not exist" (UNRECOGNIZED) is normal for optional properties such
        # as a registry firm's uscc before the first import: not a warning for the user
        self.driver = GraphDatabase.driver(
            uri, auth=(user, password),
            notifications_disabled_classifications=[
                NotificationDisabledClassification.UNRECOGNIZED])
        try:
            self.driver.verify_connectivity()
        except Exception as e:
            self.driver.close()
            raise _translate(e) from e

    def _query(self, cypher: str, timeout_ms: int | None) -> Query:
        return Query(cypher, timeout=(timeout_ms / 1000) if timeout_ms else None)

    def read(self, cypher, params=None, *, timeout_ms=None) -> list[Row]:
        try:
            records, _, keys = self.driver.execute_query(
                self._query(cypher, timeout_ms), dict(params or {}),
                database_=self.database, routing_=RoutingControl.READ,
            )
        except Neo4jError as e:
            raise _translate(e) from e
        except (ServiceUnavailable, SessionExpired, OSError) as e:
            raise _translate(e) from e
        return [{k: to_plain(r[k]) for k in keys} for r in records]

    def read_only(self, cypher, params=None, *, timeout_ms=None) -> list[Row]:
        """EXPLAIN first: run only when the planner says the query type is exactly read.

        Then the query runs in a read transaction (the server refuses writes in it too) with
        the timeout; a timeout is :class:`QueryTimeout`, any other client error a rejection.
        """
        params = dict(params or {})
        timeout = (timeout_ms / 1000) if timeout_ms else None
        try:
            with self._session(neo4j.READ_ACCESS) as session:
                summary = session.run(f"EXPLAIN {cypher}", params).consume()
                if summary.query_type != "r":
                    raise QueryRejected(
                        f"Only read queries are allowed (this one is {summary.query_type!r})."
                    )

                @neo4j.unit_of_work(timeout=timeout)
                def work(tx):
                    result = tx.run(cypher, params)
                    return [{k: to_plain(v) for k, v in rec.items()} for rec in result]

                return session.execute_read(work)
        except ClientError as e:
            if _is_timeout(e):
                raise _translate(e) from e
            raise QueryRejected(str(e.message or e)) from e
        except Neo4jError as e:
            raise _translate(e) from e
        except (ServiceUnavailable, SessionExpired, OSError) as e:
            raise _translate(e) from e

    def _session(self, access_mode: str = neo4j.WRITE_ACCESS) -> neo4j.Session:
        """A session on the configured database sharing ``execute_query``'s bookmarks."""
        return self.driver.session(
            database=self.database, default_access_mode=access_mode,
            bookmark_manager=self.driver.execute_query_bookmark_manager,
        )

    def write(self, cypher, params=None) -> None:
        try:
            self.driver.execute_query(cypher, dict(params or {}), database_=self.database,
                                      routing_=RoutingControl.WRITE)
        except (Neo4jError, ServiceUnavailable, SessionExpired, OSError) as e:
            raise _translate(e) from e

    def fulltext_call(self, param: str) -> str:
        """Lucene through Neo4j's procedure, at most :data:`FULLTEXT_LIMIT` candidates.

        >>> print(Neo4jStore.fulltext_call(None, "ft"))  # type: ignore[arg-type]
        ... # doctest: +NORMALIZE_WHITESPACE
        CALL db.index.fulltext.queryNodes('enterprise_key_grams', $ft, {limit: 2000})
        YIELD node AS n
        """
        return (f"CALL db.index.fulltext.queryNodes('{TEXT_INDEX_NAME}', ${param}, "
                f"{{limit: {FULLTEXT_LIMIT}}}) YIELD node AS n")

    def fulltext_query(self, terms: list[str], prefix: str | None = None) -> str:
        """Lucene syntax: every term required (``AND``); ``tok*`` is a prefix.

        >>> Neo4jStore.fulltext_query(None, ["ga", "gb"], "qji")  # type: ignore[arg-type]
        'ga AND gb AND qji*'
        """
        return " AND ".join([*terms, *([prefix + "*"] if prefix else [])])

    def ensure_schema(self) -> None:
        for stmt in schema_statements():
            self.write(stmt)
        self._schema_ready = True

    def replace(self, data: GraphData, *, batch_size: int = 500, progress: Progress | None = None):
        """Delete and rewrite the graph in one transaction: all or nothing.

        Values Neo4j cannot store are refused before anything is written
        (:func:`check_storable`); any failure during the write rolls the transaction back,
        so readers keep seeing the previous graph until the commit.
        """
        check_storable(data)
        if not self._schema_ready:  # the DDL costs ~0.4 s; once per store object is enough
            self.ensure_schema()
        try:
            with self._session() as session:
                tx = session.begin_transaction()
                try:
                    tx.run(DELETE_ALL).consume()
                    for cypher, rows in write_plan(data.nodes, data.rels, batch_size):
                        tx.run(cypher, {"rows": rows}).consume()
                        if progress:
                            progress(len(rows))
                    tx.commit()
                except BaseException:
                    if not tx.closed():
                        tx.rollback()
                    raise
                finally:
                    tx.close()
        except (Neo4jError, ServiceUnavailable, SessionExpired, OSError) as e:
            err = _translate(e)
            raise type(err)(f"{err} — the load was rolled back; the previous graph is "
                            "unchanged.") from e

    def clear(self) -> None:
        self.write(DELETE_ALL)

    def ping(self) -> bool:
        try:
            self.driver.verify_connectivity()
            return True
        except Exception:
            return False

    def close(self) -> None:
        self.driver.close()
