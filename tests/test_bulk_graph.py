"""The registry import's GRAPH.BULK path (graph/bulk_graph.py, graph/bulk.py) on the real
embedded store: the bytes it sends, the graph it builds (equal to the UNWIND path's), and its
failures (the previous graph intact, the store reopens)."""

from __future__ import annotations

import copy
import math
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pyarrow as pa
import pytest
from falkordb_bulk_loader.entity_file import Type, typed_prop_to_binary

from chainatlas.graph import bulk, bulk_graph
from chainatlas.graph.store import StoreError
from chainatlas.loaders.load import load
from chainatlas.loaders.registry import import_registry
from chainatlas.loaders.registry_gen import generate, write_frame
from tests.conftest import seeds_dir
from tests.test_registry_import import special_rows

SEEDS = seeds_dir()
NEVER = 10**12  # bulk_min that keeps the UNWIND path


# -- the encoder against the falkordb-bulk-loader package --------------------------------------
@pytest.mark.parametrize(("value", "arrow_type", "loader_type"), [
    ("济南 Jinan", pa.string(), Type.STRING), ("", pa.string(), None),
    (-42, pa.int64(), Type.LONG), (7, pa.int32(), Type.LONG), (1.25, pa.float64(), Type.DOUBLE),
    (True, pa.bool_(), Type.BOOL), (False, pa.bool_(), Type.BOOL),
])
def test_values_encode_like_the_bulk_loader(value: Any, arrow_type: pa.DataType,
                                            loader_type: Any) -> None:
    got = encode_one(value, arrow_type)
    if loader_type is None:  # the loader reads "" as null; we keep the empty string
        assert got == b"\x03\x00"
    else:
        assert got == typed_prop_to_binary(str(value).lower() if isinstance(value, bool)
                                           else str(value), loader_type)


def encode_one(value: Any, t: pa.DataType) -> bytes:
    return bytes(bulk_graph.encode_values(pa.array([value], t))[0].as_py())


def test_lists_nulls_and_typed_strings() -> None:
    # the loader's schemaless arrays would turn "123" into an integer: strings stay strings
    assert encode_one(["123", "true"], pa.list_(pa.string())) == (
        b"\x05" + (2).to_bytes(8, "little") + b"\x03123\x00\x03true\x00")
    assert encode_one([], pa.list_(pa.string())) == b"\x05" + bytes(8)
    assert encode_one([1.5, None], pa.list_(pa.float64())) == (
        b"\x05" + (2).to_bytes(8, "little") + b"\x02" + np.float64(1.5).tobytes() + b"\x00")
    for t in (pa.string(), pa.int64(), pa.float64(), pa.bool_(), pa.list_(pa.string())):
        assert encode_one(None, t) == b"\x00"
    with pytest.raises(TypeError, match="cannot store"):
        bulk_graph.encode_values(pa.array([{"a": 1}]))


def test_tokens_split_by_size_and_keep_every_row() -> None:
    rows = bulk_graph.encode_rows(pa.table({"s": [f"{i:05d}" for i in range(1000)]}))
    head = bulk_graph.header("Node", ["s"])
    toks = list(bulk_graph.tokens(head, rows, max_bytes=len(head) + 7 * 100))
    assert [c for c, _ in toks] == [100] * 10
    assert all(t.startswith(head) and len(t) == len(head) + 700 for _, t in toks)
    assert b"".join(t[len(head):] for _, t in toks) == b"".join(
        bytes(b.as_py()) for b in rows)


# -- the graph it builds ------------------------------------------------------------------------
def _graph(falkor: Any, name: str) -> Any:
    s = copy.copy(falkor)
    s.graph_name = name
    load(SEEDS, s)
    return s


@pytest.fixture()
def pair(falkor: Any, tmp_path: Path) -> Any:
    """Two fresh graphs holding the seeds: one imported by GRAPH.BULK, one by UNWIND."""
    tag = tmp_path.name[-10:]
    stores = (_graph(falkor, f"bulk_{tag}"), _graph(falkor, f"unwind_{tag}"))
    yield stores
    for s in stores:
        for key in (s.graph_name, f"{s.graph_name}__import"):
            if s.db.connection.exists(key):
                s.db.connection.execute_command("GRAPH.DELETE", key)


def typed(v: Any) -> Any:
    """A value with its type spelled out (True ≠ 1, 1 ≠ 1.0), lists element by element."""
    if isinstance(v, list):
        return ["list", [typed(x) for x in v]]
    if isinstance(v, float) and math.isnan(v):
        return ["float", "nan"]
    return [type(v).__name__, v]


def dump(store: Any) -> dict[str, Any]:
    """Every node (labels, typed properties), relationship, index and constraint."""
    nodes = store.read("MATCH (n) RETURN n.id AS id, labels(n) AS l, properties(n) AS p")
    rels = store.read("MATCH (a)-[r]->(b) RETURN a.id AS a, type(r) AS t, b.id AS b, "
                      "properties(r) AS p")
    indexes = store.read("CALL db.indexes() YIELD label, properties, types, entitytype, status "
                         "RETURN label, properties, types, entitytype, status")
    constraints = store.read("CALL db.constraints() YIELD type, label, properties, status "
                             "RETURN type, label, properties, status")
    return {
        "nodes": sorted((r["id"], sorted(r["l"]), sorted((k, typed(v)) for k, v in
                                                         r["p"].items())) for r in nodes),
        "rels": sorted((r["a"], r["t"], r["b"], sorted((k, typed(v)) for k, v in
                                                       r["p"].items())) for r in rels),
        "indexes": sorted((r["label"], sorted(r["properties"]), r["entitytype"], r["status"],
                           str(r["types"])) for r in indexes),
        "constraints": sorted(str(r) for r in constraints),
    }


def imported(path: Path, store: Any, links: Path, bulk_min: int) -> Any:
    return import_registry(path, store, seeds_dir=SEEDS, links_path=links, bulk_min=bulk_min)


def test_bulk_graph_equals_unwind_graph(pair: Any, tmp_path: Path) -> None:
    """Same extract, same graph — nodes, labels, property types, relationships, indexes,
    constraints — after a first import, a newer extract (updates, moves, new firms) and a
    re-import that writes nothing."""
    by_bulk, by_unwind = pair
    first = write_frame(pl.concat([generate(300, 3).cast(pl.String), special_rows()]),
                        tmp_path / "a.parquet")
    newer_df = pl.concat([generate(450, 3).cast(pl.String), special_rows()])
    newer_df = newer_df.with_columns(  # some firms change status and capital
        pl.when(pl.int_range(pl.len()) % 7 == 0).then(pl.lit("注销"))
        .otherwise(pl.col("登记状态")).alias("登记状态"))
    newer = write_frame(newer_df, tmp_path / "b.parquet")
    for path in (first, newer):
        rb = imported(path, by_bulk, tmp_path / "lb.yaml", 0)
        ru = imported(path, by_unwind, tmp_path / "lu.yaml", NEVER)
        assert (rb.new, rb.updated, rb.unchanged) == (ru.new, ru.updated, ru.unchanged)
        a, b = dump(by_bulk), dump(by_unwind)
        assert a == b
    assert rb.new > 100 and rb.updated > 0
    assert all(i[3] == "OPERATIONAL" for i in a["indexes"]) and a["constraints"]
    firm = next(n for n in a["nodes"] if n[0] and n[0].startswith("uscc-"))
    assert {k for k, _ in firm[2]} >= {"uscc", "active", "local", "search_keys", "key_name"}
    again = imported(newer, by_bulk, tmp_path / "lb.yaml", 0)
    assert again.statements == 0 and dump(by_bulk) == a


def test_bulk_fills_free_slots_and_matches_unwind(pair: Any, tmp_path: Path) -> None:
    """Deleted firms leave free node slots; the bulk path fills them by Cypher first (new
    firms' ids are predicted from the end of the id range) and still equals the UNWIND path."""
    rows = generate(400, 5).cast(pl.String)
    first = write_frame(rows.head(200), tmp_path / "a.parquet")
    second = write_frame(rows, tmp_path / "b.parquet")
    for s, bulk_min, links in ((pair[0], 0, "lb"), (pair[1], NEVER, "lu")):
        imported(first, s, tmp_path / f"{links}.yaml", bulk_min)
        s.write("MATCH (n:Enterprise {basis: 'registry'}) WITH n ORDER BY n.id LIMIT 30 "
                "DETACH DELETE n")
        slots = s.read("MATCH (n) RETURN count(n) AS c, max(ID(n)) AS m")[0]
        assert slots["m"] + 1 - slots["c"] > 0  # free slots the bulk path must fill first
        r = imported(second, s, tmp_path / f"{links}.yaml", bulk_min)
        assert r.new == 230
    assert dump(pair[0]) == dump(pair[1])


# -- failures ---------------------------------------------------------------------------------
def _firm_rows(n: int, start: int = 0) -> pl.DataFrame:
    return pl.DataFrame({
        "id": [f"uscc-bulk{i}" for i in range(start, start + n)],
        "props": [{"name": f"批量{i}", "basis": "registry", "kind": "enterprise",
                   "capital_wan": float(i), "active": True, "aliases": [f"别名{i}"]}
                  for i in range(start, start + n)],
    })


def test_failure_after_bulk_leaves_graph_intact_and_store_reopens(tmp_path: Path,
                                                                  monkeypatch: Any) -> None:
    from chainatlas.graph.falkor import FalkorStore

    data = tmp_path / "db"
    s = FalkorStore(data, graph_name="bulkfail")
    try:
        load(SEEDS, s)
        bulk.staged_apply(s, [bulk.Create.nodes(_firm_rows(50))], bulk_min=0)
        before = dump(s)
        assert len(before["nodes"]) == len(s.read("MATCH (n) RETURN n.id AS id"))
        rels = pl.DataFrame({"src": ["uscc-bulk50"], "dst": ["lixia"], "basis": ["rule"],
                             "note": ["x"], "role": ["member"], "file": ["f"]})
        # 1. a later statement fails after GRAPH.BULK wrote nodes and relationships
        bad = ("UNWIND $rows AS row MATCH (n:Node {id: row.id}) SET n.bad = row.nested",
               [{"id": "uscc-bulk0", "nested": {"a": {"b": 1}}}])
        with pytest.raises(StoreError, match="unchanged"):
            bulk.staged_apply(s, [bulk.Create.nodes(_firm_rows(40, 50)),
                                  bulk.Create.rels("LOCATED_IN", rels), bad], bulk_min=0)
        assert dump(s) == before
        # 2. the connection drops between two GRAPH.BULK calls
        sent = []
        real = bulk_graph.bulk_send

        def flaky(*a: Any, **k: Any) -> Any:
            if sent:
                raise ConnectionError("lost the server mid-bulk")
            sent.append(1)
            return real(*a, **k)

        monkeypatch.setattr(bulk_graph, "bulk_send", flaky)
        with pytest.raises(StoreError, match="unchanged"):
            bulk.staged_apply(s, [bulk.Create.nodes(_firm_rows(40, 50)),
                                  bulk.Create.nodes(_firm_rows(40, 90))], bulk_min=0)
        monkeypatch.undo()
        assert sent and dump(s) == before
        assert not s.db.connection.exists("bulkfail__import")
        # automatic AOF rewrites (paused around GRAPH.COPY, which hangs the server if a
        # rewrite child is running) are back on after a failure too
        assert s.db.connection.config_get("auto-aof-rewrite-percentage") == {
            "auto-aof-rewrite-percentage": "100"}
    finally:
        s.close()
    again = FalkorStore(data, graph_name="bulkfail")
    try:
        again.verify()
        assert dump(again) == before
        bulk.staged_apply(again, [bulk.Create.nodes(_firm_rows(10, 200))], bulk_min=0)
        assert again.read("MATCH (n:Node {id: 'uscc-bulk209'}) RETURN n.aliases AS a")[0]["a"] \
            == ["别名209"]
    finally:
        again.close()
    third = FalkorStore(data, graph_name="bulkfail")
    try:
        third.verify()
        assert third.read("MATCH (n:Enterprise) WHERE n.id STARTS WITH 'uscc-bulk' "
                          "RETURN count(n) AS c")[0]["c"] == 60
    finally:
        third.close()


def test_create_statements_run_as_cypher_below_the_threshold(pair: Any) -> None:
    s = pair[0]
    bulk.staged_apply(s, [bulk.Create.nodes(_firm_rows(3))], bulk_min=4)
    bulk.staged_apply(pair[1], [bulk.Create.nodes(_firm_rows(3))], bulk_min=0)
    assert dump(s) == dump(pair[1])


def test_a_wrong_id_prediction_is_caught_and_redone_by_cypher(pair: Any,
                                                              monkeypatch: Any) -> None:
    """If GRAPH.BULK's nodes ever got other ids than predicted, the relationships would join
    the wrong firms: the check after each batch drops the staged copy and redoes it by Cypher."""
    rows = _firm_rows(20)
    rels = pl.DataFrame({"src": ["uscc-bulk3"], "dst": ["lixia"], "basis": ["registry"],
                         "note": ["区县"], "role": [None], "file": ["f"]})
    plan = [bulk.Create.nodes(rows), bulk.Create.rels("LOCATED_IN", rels)]
    real = bulk._BulkWriter._free_slots
    calls: list[int] = []

    def off_by_seven(self: Any) -> tuple[int, int]:
        count, holes = real(self)
        calls.append(count)
        return count + 7, holes

    monkeypatch.setattr(bulk._BulkWriter, "_free_slots", off_by_seven)
    bulk.staged_apply(pair[0], plan, bulk_min=0)
    monkeypatch.undo()
    bulk.staged_apply(pair[1], plan, bulk_min=NEVER)
    assert calls and dump(pair[0]) == dump(pair[1])
    assert pair[0].read("MATCH (:Node {id: 'uscc-bulk3'})-[r:LOCATED_IN]->(d) "
                        "RETURN d.id AS d")[0]["d"] == "lixia"
