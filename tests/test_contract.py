"""The store contract and every query function, on each back end.

Runs on the embedded FalkorDB store always and on Neo4j when ``NEO4J_URI`` is set (the
``neo4j`` parameter is skipped otherwise). The same Cypher texts must give the same answers.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from chainatlas.graph.model import GraphData
from chainatlas.graph.store import QueryRejected, QueryTimeout, StoreError
from chainatlas.graph.textkeys import grams_text
from chainatlas.queries import (
    chains,
    console,
    districts,
    enterprises,
    gaps,
    lineage,
    neighbourhood,
    nodes,
    paths,
    related,
    search,
    sources,
)

SMALL = GraphData(
    nodes={"Chain": [{"id": "k1", "props": {"kind": "chain", "name": "小链",
                                             "search_keys": ["小链"]}}],
           "Enterprise": [{"id": "f1", "props": {"kind": "enterprise", "name": "甲",
                                                  "search_keys": ["甲"]}}]},
    rels={"IN_CHAIN": [{"src": "f1", "dst": "k1", "props": {"role": "leader"}}]},
)


def ids(store: Any) -> set[str]:
    return {r["id"] for r in store.read("MATCH (n:Node) RETURN n.id AS id")}


def test_store_operations(contract_store: Any) -> None:
    s = contract_store
    s.ensure_schema()
    s.ensure_schema()  # idempotent
    s.replace(SMALL)
    assert ids(s) == {"k1", "f1"}
    rows = s.read("MATCH (a:Node {id: $id})-[r:IN_CHAIN]->(c:Chain) "
                  "RETURN c.id AS chain, r.role AS role", {"id": "f1"})
    assert rows == [{"chain": "k1", "role": "leader"}]
    stats = s.stats()
    assert stats["nodes"] == {"Chain": 1, "Enterprise": 1}
    assert stats["relationships"] == {"IN_CHAIN": 1}
    s.write("MATCH (n:Node {id: $id}) SET n.extra = $v", {"id": "f1", "v": 7})
    assert s.read("MATCH (n:Node {id: 'f1'}) RETURN n.extra AS x") == [{"x": 7}]
    for q in ("CREATE (n:Node {id: 'evil'})", "MATCH (n) DETACH DELETE n",
              "MATCH (n:Node) SET n.name = 'x'", "CREATE INDEX FOR (n:Chain) ON (n.evil)"):
        with pytest.raises(QueryRejected):
            s.read_only(q)
    assert ids(s) == {"k1", "f1"}
    assert s.read_only("MATCH (n:Node) RETURN count(n) AS n") == [{"n": 2}]
    assert s.ping()


def test_replace_is_atomic(contract_store: Any) -> None:
    s = contract_store
    s.replace(SMALL)
    bad = copy.deepcopy(SMALL)
    bad.nodes["Enterprise"] = [{"id": f"g{i}", "props": {"kind": "enterprise", "name": "x"}}
                               for i in range(30)]
    bad.rels["IN_CHAIN"].append({"src": "g1", "dst": "k1", "props": {"role": {"bad": "map"}}})
    with pytest.raises((StoreError, Exception)):
        s.replace(bad, batch_size=5)
    assert ids(s) == {"k1", "f1"}  # the previous graph, intact


def test_clear(contract_store: Any) -> None:
    s = contract_store
    s.replace(SMALL)
    s.clear()
    assert s.is_empty()


def test_every_query_function(contract_store: Any, generated: Any) -> None:
    s = contract_store
    s.replace(generated.data)
    try:
        rep = gaps.gap_report(s, "gc0")
        assert [x.status for x in rep.segments] == generated.expected_status
        assert [c.id for c in rep.segments[2].candidates] == ["ge0-36"]
        rel = related.related_enterprises(s, "ge0-0")
        assert rel.items[0].id == "ge0-1" and rel.items[0].score == pytest.approx(9.5)
        sg = neighbourhood.neighbourhood(s, "gc0", depth=1)
        assert len(sg.nodes) == 1 + 5 + 6 and not sg.truncated
        assert paths.shortest_paths(s, "ge0-0", "ge1-0").paths[0].length == 2
        assert "gcity" in {h.id for h in paths.shortest_paths(s, "ge0-0", "ge1-0").hubs}
        assert lineage.lineages(s, ["gke-0"])["gke-0"][0].text \
            == "生成链0 › 生成重点链0 › 生成重点链0环节0"
        assert search.search(s, "生成企业0-1").items[0].id == "ge0-1"
        assert nodes.resolve(s, "生企001")["id"] == "ge0-1"
        assert nodes.node_detail(s, "ge0-0").relationships
        assert [c.id for c in chains.list_chains(s)] == ["gc0", "gc1", "gc2", "gk0"]
        assert [x.enterprises for x in chains.chain_overview(s, "gc0").segments] \
            == [15, 15, 5, 1, 4]
        assert districts.district_profile(s, "gd0").counts["enterprise"] == 29
        assert districts.list_districts(s)[0].id == "gcity"
        assert enterprises.list_enterprises(s, chain="gc0").total == 42
        assert enterprises.enterprise_detail(s, "ge0-0").segments[0].id == "gc0-s0"
        assert sources.list_documents(s)[0].id == "gen-doc"
        assert sources.document_citations(s, "gen-doc").relationships
        res = console.run_console(s, "MATCH (n:Enterprise) RETURN n.id AS id", row_cap=10)
        assert res.truncated and res.row_count == 10
    finally:
        s.clear()


def test_failure_mid_load_rolls_back(contract_store: Any, generated: Any) -> None:
    """A load that fails after some batches were written leaves the previous graph intact."""
    s = contract_store
    s.replace(SMALL)
    written: list[int] = []

    def fail_after_two_batches(n: int) -> None:
        written.append(n)
        if len(written) == 2:
            raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError, match="interrupted"):
        s.replace(generated.data, batch_size=50, progress=fail_after_two_batches)
    assert len(written) == 2
    assert ids(s) == {"k1", "f1"}
    assert s.stats()["relationships"] == {"IN_CHAIN": 1}


def test_timeouts_are_query_timeouts(contract_store: Any) -> None:
    s = contract_store
    slow = "UNWIND range(1, 30000000) AS x WITH x WHERE x % 7 = 3 RETURN sum(x) AS n"
    with pytest.raises(QueryTimeout):
        s.read(slow, timeout_ms=1)
    with pytest.raises(QueryTimeout):
        s.read_only(slow, timeout_ms=1)
    assert s.read_only("RETURN 1 AS one", timeout_ms=5000) == [{"one": 1}]


def test_values_round_trip(contract_store: Any) -> None:
    """Ints stay ints, floats floats, booleans booleans; lists keep their order; maps and
    paths come back in the same plain shapes on both stores."""
    s = contract_store
    s.replace(GraphData(
        nodes={"Metric": [{"id": "m1", "props": {"kind": "metric", "name": "指标", "year": 2025,
                                                 "value": 1800.0, "share": 0.25, "local": True,
                                                 "tags": ["b", "a"], "empty": []}}],
               "Chain": [{"id": "k1", "props": {"kind": "chain", "name": "链"}}]},
        rels={"METRIC_OF": [{"src": "m1", "dst": "k1", "props": {"weight": 2}}]}))
    try:
        row = s.read("MATCH (m:Metric {id: 'm1'}) RETURN m.year AS year, m.value AS value, "
                     "m.share AS share, m.local AS local, m.tags AS tags, m.empty AS empty, "
                     "m.year / 2 AS half, m.value / 8 AS eighth, size(m.tags) AS n")[0]
        assert row == {"year": 2025, "value": 1800.0, "share": 0.25, "local": True,
                       "tags": ["b", "a"], "empty": [], "half": 1012, "eighth": 225.0, "n": 2}
        assert [type(row[k]) for k in ("year", "value", "local", "half", "eighth")] \
            == [int, float, bool, int, float]
        node = s.read("MATCH (m:Metric {id: 'm1'}) RETURN m")[0]["m"]
        assert node["kind"] == "metric" and node["year"] == 2025
        rel = s.read("MATCH ()-[r:METRIC_OF]->() RETURN r")[0]["r"]
        assert rel == {"type": "METRIC_OF", "weight": 2}
        path = s.read("MATCH p = (:Metric)-[:METRIC_OF]->(:Chain) RETURN p")[0]["p"]
        assert [n["id"] for n in path["nodes"]] == ["m1", "k1"]
        assert [r["type"] for r in path["relationships"]] == ["METRIC_OF"]
    finally:
        s.clear()


EMPTY_ON_SEEDS = {"gap-links"}
"""Named queries with no answer on the seeds: no document states a partnership or a supply
between two enterprises (the audit dropped the one study trip read as a partnership)."""


def test_every_named_query_on_the_seeds(contract_store: Any) -> None:
    """Every named query of the registry runs on the loaded seeds; those with an example
    answer with rows."""
    from chainatlas.loaders.load import load
    from chainatlas.queries.registry import NAMED_QUERIES
    from chainatlas.settings import Settings

    s = contract_store
    load(Settings().seeds_dir, s)
    try:
        for q in NAMED_QUERIES.values():
            params = {k: None for k in q.params} | q.defaults | q.example
            rows = s.read(q.cypher, params)
            if (q.example or not q.params) and q.name not in EMPTY_ON_SEEDS:
                assert rows, q.name
    finally:
        s.clear()


def test_registry_import_on_each_store(contract_store: Any, tmp_path: Path) -> None:
    """The registry import (issue 14) on both stores: atomic upsert, a second import writes
    nothing, 中国重型汽车集团有限公司 lands on 中国重汽, the 集成电路制造 firms are counted."""
    from chainatlas.loaders.load import load
    from chainatlas.loaders.registry import import_registry
    from chainatlas.loaders.registry_gen import write_frame
    from chainatlas.queries.registry_counts import segment_counts
    from chainatlas.settings import Settings
    from tests.test_registry_import import SINOTRUK, special_rows

    s = contract_store
    seeds = Settings().seeds_dir
    load(seeds, s)
    try:
        f = write_frame(special_rows(), tmp_path / "r.csv")
        links = tmp_path / "links.yaml"
        first = import_registry(f, s, seeds_dir=seeds, links_path=links)
        assert first.new >= 2 and first.merged >= 1
        again = import_registry(f, s, seeds_dir=seeds, links_path=links)
        assert again.new == 0 and again.updated == 0
        assert s.read("MATCH (n:Node {id: 'sinotruk'}) RETURN n.uscc AS c") == [
            {"c": SINOTRUK}]
        ic = {c.segment: c for c in segment_counts(s, "integrated-circuits")}
        assert ic["ic-manufacturing"].registry_firms == 2 and ic["ic-manufacturing"].by_rule == 2
    finally:
        s.clear()


def test_registry_tallies_and_lookups(contract_store: Any) -> None:
    """On both stores: a load holding registry firms tallies them per district (segment_counts
    and the gap report read the tallies), and search finds them by index lookups."""
    from chainatlas.queries.gaps import gap_report
    from chainatlas.queries.registry_counts import segment_counts

    def node(kind: str, i: str, **p: Any) -> dict[str, Any]:
        return {"id": i, "props": {"kind": kind, "name": p.pop("name", i), "search_keys": [i],
                                   "basis": p.pop("basis", "stated"), **p}}

    def rel(a: str, b: str, **p: Any) -> dict[str, Any]:
        return {"src": a, "dst": b, "props": {"basis": "stated", **p}}

    firms = [node("enterprise", f"r{i}", name=f"济南芯{i}有限公司", basis="registry",
                  key_name=f"济南芯{i}", key_pinyin=f"jinanxin{i}", key_initials=f"jnx{i}",
                  key_grams=grams_text(f"济南芯{i}", f"jinanxin{i}", f"jnx{i}"),
                  search_keys=[f"济南芯{i}有限公司", f"济南芯{i}", f"jinanxin{i}", f"jnx{i}"],
                  active=i != 2, local=i != 3, capital_wan=100.0 * (i + 1), insured=10)
             for i in range(5)]
    s = contract_store
    s.replace(GraphData(
        nodes={"Chain": [node("chain", "c")],
               "District": [node("district", "jinan"), node("district", "hi")],
               "Segment": [node("segment", "s1", chain_id="c", order=1),
                           node("segment", "s2", chain_id="c", order=2)],
               "Enterprise": [node("enterprise", "doc", local=True, capital_wan=5.0), *firms]},
        rels={"SEGMENT_OF": [rel("s1", "c"), rel("s2", "c")],
              "LOCATED_IN": [rel("hi", "jinan"), rel("doc", "hi"),
                             *[rel(f"r{i}", "hi" if i % 2 else "jinan", basis="registry")
                               for i in range(3)], rel("r4", "hi", basis="registry")],
              "IN_SEGMENT": [rel("doc", "s1"),
                             *[rel(f"r{i}", "s1", basis="rule") for i in range(5)]]}))
    try:
        by = {c.segment: c for c in segment_counts(s, "c")}
        # active local registry firms r0, r1, r4 (r2 inactive, r3 outside) + the document firm
        assert (by["s1"].firms, by["s1"].registry_firms, by["s1"].by_rule) == (4, 3, 3)
        assert by["s1"].capital_wan == pytest.approx(5.0 + 100 + 200 + 500)
        assert by["s1"].max_capital_wan == pytest.approx(500.0) and by["s1"].insured == 30
        assert (by["s2"].firms, by["s2"].max_capital_wan) == (0, None)
        hi = {c.segment: c for c in segment_counts(s, "c", "hi")}
        assert (hi["s1"].firms, hi["s1"].registry_firms) == (3, 2)  # doc, r1, r4
        rep = gap_report(s, "c")
        s1 = next(x for x in rep.segments if x.id == "s1")
        assert s1.counts.by_basis == {"registry": 3, "stated": 1} and s1.status == "covered"
        assert rep.coverage.by_basis == {"registry": 3, "stated": 1}  # the chain's tallies
        hits = {h.id: h.match for h in search.search(s, "济南芯").items}
        assert {k: v for k, v in hits.items() if k.startswith("r")} == {
            f"r{i}": "prefix" for i in range(5)}
        assert search.search(s, "jinanxin1").items[0].id == "r1"
        # every place lists its document firms (registry firms never), and related
        # enterprises finds them from the lists: the same answers as walking every firm
        lists = {r["id"]: r["ids"] for r in s.read(
            "MATCH (x:Node) WHERE x:Segment OR x:Chain OR x:District "
            "RETURN x.id AS id, x.doc_firm_ids AS ids")}
        assert lists == {"s1": ["doc"], "s2": [], "c": ["doc"], "hi": ["doc"], "jinan": []}
        got = {(r["reason"], r["via"], r["other"], tuple(r["bases"]))
               for r in related.related_rows(s, "doc")}
        assert got == {*(("same_segment", "s1", f"r{i}", ("stated", "rule")) for i in range(5)),
                       *(("same_district", "hi", f"r{i}", ("stated", "registry"))
                         for i in (1, 4))}
        got = {(r["reason"], r["via"], r["other"]) for r in related.related_rows(s, "r1")}
        assert got == {*(("same_segment", "s1", o) for o in ("doc", "r0", "r2", "r3", "r4")),
                       ("same_district", "hi", "doc"), ("same_district", "hi", "r4")}
        # the full-text index (store-specific call and syntax): mid-name, pinyin prefix
        assert {h.id: h.match for h in search.search(s, "南芯3").items} == {"r3": "contains"}
        assert {h.id for h in search.search(s, "jinanx").items} >= {f"r{i}" for i in range(5)}
        assert [h.id for h in search.search(s, "芯").items if h.id.startswith("r")] == []
    finally:
        s.clear()
