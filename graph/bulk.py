"""Bulk upserts applied atomically: a staged copy of the graph swapped in, or one transaction.

The registry import (and any other bulk change to a live graph) hands a list of
``(cypher, rows)`` statements to :func:`staged_apply`:

* **FalkorDB** (embedded): ``GRAPH.COPY`` the live graph to a staging key, run every statement on
  the copy, then ``RENAME`` the copy over the live key (atomic). Readers see the old graph until
  the swap; any failure drops the copy and leaves the live graph untouched. Writes made by
  another process between the copy and the swap are lost (imports are not meant to run
  alongside a seed load).
* **Neo4j**: every statement in one explicit transaction; a failure rolls back.

The Cypher builders below are the upsert texts of registry firms, one text per purpose, valid
on FalkorDB and Neo4j 5; values travel as parameters (``$rows``).

>>> print(upsert_firms())  # doctest: +NORMALIZE_WHITESPACE
UNWIND $rows AS row MERGE (n:Node:Enterprise {id: row.id}) SET n += row.props
>>> 'DELETE r' in drop_stale_rels("IN_SEGMENT", "Segment", "rule")
True
>>> drop_stale_rels("NOPE", "Segment", "rule")
Traceback (most recent call last):
...
ValueError: unknown relationship type: 'NOPE'
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from chainatlas.graph.cypher import check_label, check_rel_type
from chainatlas.graph.store import GraphStore, StoreError

Statement = tuple[str, list[dict[str, Any]]]
_FAILED = "Import failed, the graph is unchanged 导入失败，图谱未改动"


def upsert_firms() -> str:
    """Create or update enterprises by id; rows are ``{id, props}`` (null props are removed)."""
    return "UNWIND $rows AS row MERGE (n:Node:Enterprise {id: row.id}) SET n += row.props"


def drop_stale_rels(rel_type: str, target_label: str, basis: str) -> str:
    """Delete this basis's relationships of the firms in ``$rows`` to targets not in ``row.keep``.

    ``basis`` is a fixed word of the model (``rule``, ``registry``), not user input.
    """
    if basis not in ("rule", "registry"):
        raise ValueError(f"unknown basis {basis!r}")
    return (f"UNWIND $rows AS row MATCH (a:Node {{id: row.id}})-[r:{check_rel_type(rel_type)}]->"
            f"(t:{check_label(target_label)}) WHERE r.basis = '{basis}' AND NOT t.id IN row.keep "
            "DELETE r")


def merge_rule_rels(rel_type: str) -> str:
    """MERGE ``(src)-[rel_type]->(dst)`` placed by a rule or the registry.

    A relationship that already exists with another basis (e.g. ``stated`` in the seeds) keeps
    its basis; one made by this basis gets its note updated. Rows are
    ``{src, dst, basis, note, file}``.
    """
    return (
        "UNWIND $rows AS row MATCH (a:Node {id: row.src}) MATCH (b:Node {id: row.dst}) "
        f"MERGE (a)-[r:{check_rel_type(rel_type)}]->(b) "
        "ON CREATE SET r.basis = row.basis, r.basis_note = row.note, r.role = 'member', "
        "r.registry_file = row.file "
        "ON MATCH SET r.basis_note = CASE WHEN r.basis = row.basis THEN row.note "
        "ELSE r.basis_note END"
    )


def drop_registry_nodes() -> str:
    """Delete registry-only nodes (``basis: registry``) by id: rows ``{id}``."""
    return ("UNWIND $rows AS row MATCH (n:Node {id: row.id}) WHERE n.basis = 'registry' "
            "DETACH DELETE n")


def staged_apply(store: GraphStore, statements: Sequence[Statement], *,
                 progress: Callable[[int], None] | None = None) -> None:
    """Run ``statements`` so that either all of them take effect or none does."""
    if store.kind == "falkordb":
        _falkor_staged(store, statements, progress)
    elif store.kind == "neo4j":
        _neo4j_tx(store, statements, progress)
    else:  # pragma: no cover
        raise StoreError(f"no bulk path for store {store.kind!r}")


def _falkor_staged(store: Any, statements: Sequence[Statement],
                   progress: Callable[[int], None] | None) -> None:
    conn = store.db.connection
    live = store.graph_name
    staging = f"{live}__import"
    if conn.exists(staging):
        conn.execute_command("GRAPH.DELETE", staging)
    try:
        if conn.exists(live):
            conn.execute_command("GRAPH.COPY", live, staging)
        else:
            store._ensure_schema_on(staging)
        graph = store.db.select_graph(staging)
        for cypher, rows in statements:
            if rows:
                graph.query(cypher, {"rows": rows})
            if progress:
                progress(len(rows))
        conn.execute_command("RENAME", staging, live)
    except BaseException as e:
        if conn.exists(staging):
            conn.execute_command("GRAPH.DELETE", staging)
        if isinstance(e, Exception) and not isinstance(e, StoreError):
            raise StoreError(f"{_FAILED}: {e}") from e
        raise


def _neo4j_tx(store: Any, statements: Sequence[Statement],
              progress: Callable[[int], None] | None) -> None:
    with store.driver.session(database=store.database) as session:
        tx = session.begin_transaction()
        try:
            for cypher, rows in statements:
                if rows:
                    tx.run(cypher, {"rows": rows}).consume()
                if progress:
                    progress(len(rows))
            tx.commit()
        except BaseException as e:
            if not tx.closed():
                tx.rollback()
            if isinstance(e, Exception) and not isinstance(e, StoreError):
                raise StoreError(f"{_FAILED}: {e}") \
                    from e
            raise
        finally:
            tx.close()
