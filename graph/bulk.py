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
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import polars as pl

from chainatlas.graph.cypher import check_label, check_rel_type
from chainatlas.graph.store import GraphStore, StoreError

Statement = tuple[str, "list[dict[str, Any]] | pl.DataFrame"]
_FAILED = "Import failed, the graph is unchanged 导入失败，图谱未改动"


def _quote(e: pl.Expr) -> pl.Expr:
    """A string expression as a FalkorDB parameter literal (the client's ``quote_string``)."""
    return pl.lit('"') + e.str.replace_all("\\", "\\\\", literal=True) \
        .str.replace_all('"', '\\"', literal=True) + pl.lit('"')


def literal_expr(name: str, dtype: pl.DataType) -> pl.Expr:
    """An expression rendering column ``name`` as Cypher parameter literals, row by row.

    Strings are quoted like the ``falkordb`` client does; nulls become ``null``; lists and
    structs become ``[…]`` and ``{`key`:…}``.
    """
    col = pl.col(name)
    return _literal(col, dtype)


def _literal(e: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    if dtype == pl.Null:
        return pl.lit("null")
    if dtype == pl.String:
        out = _quote(e)
    elif dtype == pl.Boolean:
        out = pl.when(e).then(pl.lit("true")).otherwise(pl.lit("false"))
    elif dtype.is_numeric():
        out = e.cast(pl.String)
    elif isinstance(dtype, pl.List):
        inner = dtype.inner
        if inner != pl.String:
            raise TypeError(f"lists of {inner} are not supported (keep lists of strings)")
        out = pl.lit("[") + e.list.eval(_quote(pl.element())).list.join(",") + pl.lit("]")
    elif isinstance(dtype, pl.Struct):
        parts: list[pl.Expr] = []
        for i, f in enumerate(dtype.fields):
            parts.append(pl.lit(("," if i else "") + f"`{f.name}`:"))
            parts.append(_literal(e.struct.field(f.name), f.dtype))
        out = pl.concat_str([pl.lit("{"), *parts, pl.lit("}")])
    else:
        raise TypeError(f"no Cypher literal for {dtype}")
    return pl.when(e.is_null()).then(pl.lit("null")).otherwise(out)


def row_literals(df: pl.DataFrame) -> list[str]:
    r"""Each row of ``df`` as a Cypher map literal (``{`id`:"a",`props`:{…}}``).

    >>> print(row_literals(pl.DataFrame({"id": ['a"b'], "n": [1.5], "ok": [True],
    ...                                  "l": [["x"]], "s": [{"k": None}]}))[0])
    {`id`:"a\"b",`n`:1.5,`ok`:true,`l`:["x"],`s`:{`k`:null}}
    """
    struct = pl.struct(pl.all())
    return df.select(_literal(struct, df.select(struct).to_series().dtype)
                     .alias("lit")).to_series().to_list()


def upsert_firms() -> str:
    """Create or update enterprises by id; rows are ``{id, props}`` (null props are removed)."""
    return "UNWIND $rows AS row MERGE (n:Node:Enterprise {id: row.id}) SET n += row.props"


def create_firms() -> str:
    """Create enterprises known not to exist yet (no lookup); rows are ``{id, props}``."""
    return "UNWIND $rows AS row CREATE (n:Node:Enterprise {id: row.id}) SET n += row.props"


def create_rule_rels(rel_type: str) -> str:
    """CREATE relationships of new firms; rows are ``{src, dst, basis, note, role, file}``."""
    return (
        "UNWIND $rows AS row MATCH (a:Node {id: row.src}) MATCH (b:Node {id: row.dst}) "
        f"CREATE (a)-[r:{check_rel_type(rel_type)}]->(b) "
        "SET r.basis = row.basis, r.basis_note = row.note, r.role = row.role, "
        "r.registry_file = row.file"
    )


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
    ``{src, dst, basis, note, role, file}``.
    """
    return (
        "UNWIND $rows AS row MATCH (a:Node {id: row.src}) MATCH (b:Node {id: row.dst}) "
        f"MERGE (a)-[r:{check_rel_type(rel_type)}]->(b) "
        "ON CREATE SET r.basis = row.basis, r.basis_note = row.note, r.role = row.role, "
        "r.registry_file = row.file "
        "ON MATCH SET r.basis_note = CASE WHEN r.basis = row.basis THEN row.note "
        "ELSE r.basis_note END"
    )


def drop_registry_nodes() -> str:
    """Delete registry-only nodes (``basis: registry``) by id: rows ``{id}``."""
    return ("UNWIND $rows AS row MATCH (n:Node {id: row.id}) WHERE n.basis = 'registry' "
            "DETACH DELETE n")


def read_rows(store: GraphStore, cypher: str, rows: pl.DataFrame) -> list[dict[str, Any]]:
    """Run a read query over ``$rows`` given as a DataFrame (serialised column-wise on
    FalkorDB, as a list of maps on Neo4j)."""
    if store.kind == "falkordb":
        header = "CYPHER rows=[" + ",".join(row_literals(rows)) + "] " if rows.height else \
            "CYPHER rows=[] "
        return store.read(header + cypher)
    return store.read(cypher, {"rows": rows.to_dicts()})


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
        # build the next batch's literal (polars, GIL released) while the server runs this one
        with ThreadPoolExecutor(max_workers=1) as pool:
            pending = pool.submit(_header, statements[0][1]) if statements else None
            for k, (cypher, rows) in enumerate(statements):
                header = pending.result() if pending else None
                pending = pool.submit(_header, statements[k + 1][1]) \
                    if k + 1 < len(statements) else None
                if isinstance(rows, pl.DataFrame):
                    if header:
                        conn.execute_command("GRAPH.QUERY", staging, header + cypher,
                                             "--compact")
                elif rows:
                    graph.query(cypher, {"rows": rows})
                if progress:
                    progress(len(rows))
        # as a load does: forget the recorded counts until the new ones are on disk, swap,
        # then bump the version, compact the append-only file and record the new counts
        store.server.write_manifest(live, None)
        conn.execute_command("RENAME", staging, live)
    except BaseException as e:
        if conn.exists(staging):
            conn.execute_command("GRAPH.DELETE", staging)
        if isinstance(e, Exception) and not isinstance(e, StoreError):
            raise StoreError(f"{_FAILED}: {e}") from e
        raise
    store._after_write()


def _header(rows: Any) -> str | None:
    """The ``CYPHER rows=[…]`` parameter header of a DataFrame batch (None if empty / not one)."""
    if isinstance(rows, pl.DataFrame) and rows.height:
        return "CYPHER rows=[" + ",".join(row_literals(rows)) + "] "
    return None


def _neo4j_tx(store: Any, statements: Sequence[Statement],
              progress: Callable[[int], None] | None) -> None:
    with store.driver.session(database=store.database) as session:
        tx = session.begin_transaction()
        try:
            for cypher, rows in statements:
                if isinstance(rows, pl.DataFrame):
                    rows = rows.to_dicts()
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
