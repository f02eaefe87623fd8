"""What only Neo4j needs, on a live Neo4j (``NEO4J_URI``; ``scripts/neo4j.sh start``): the
full-text index with the ``cjk`` analyzer, values it cannot store refused before writing, and the
planner's read-only verdict for the console.
"""

from __future__ import annotations

from typing import Any

import pytest

from chainatlas.graph.model import GraphData
from chainatlas.graph.store import QueryRejected, StoreError

pytestmark = pytest.mark.neo4j

ONE = GraphData(nodes={"Chain": [{"id": "k1", "props": {"kind": "chain", "name": "新能源汽车",
                                                        "aliases_text": "电动车 汽车产业链"}}]})


def test_cjk_full_text_index_finds_chinese_words(neo4j_store: Any) -> None:
    s = neo4j_store
    s.replace(ONE)
    try:
        rows = s.read("SHOW FULLTEXT INDEXES YIELD name, options "
                      "WHERE name = 'node_names' RETURN options")
        assert rows[0]["options"]["indexConfig"]["fulltext.analyzer"] == "cjk"
        s.write("CALL db.awaitIndexes(60)")
        hits = s.read("CALL db.index.fulltext.queryNodes('node_names', $q) YIELD node "
                      "RETURN node.id AS id", {"q": "汽车"})
        assert hits == [{"id": "k1"}]
    finally:
        s.clear()


def test_unstorable_values_are_refused_before_writing(neo4j_store: Any) -> None:
    s = neo4j_store
    s.replace(ONE)
    bad = GraphData(nodes={"Chain": [{"id": "k2", "props": {"kind": "chain", "name": "x"}}]},
                    rels={"SUBCHAIN_OF": [{"src": "k2", "dst": "k1",
                                           "props": {"source_docs": ["a", None]}}]})
    with pytest.raises(StoreError, match=r"'source_docs' of relationship k2-\[SUBCHAIN_OF\]->k1"):
        s.replace(bad)
    assert [r["id"] for r in s.read("MATCH (n:Node) RETURN n.id AS id")] == ["k1"]
    s.clear()


@pytest.mark.parametrize("query", [
    "CALL db.createLabel('Evil')",
    "CREATE INDEX evil IF NOT EXISTS FOR (n:Chain) ON (n.evil)",
    "MATCH (n:Node) WITH n LIMIT 1 SET n.evil = true RETURN n.id AS id",
    "MATCH (n) RETURN n; MATCH (m) RETURN m",
])
def test_store_refuses_what_the_planner_does_not_call_read(neo4j_store: Any, query: str) -> None:
    with pytest.raises(QueryRejected):
        neo4j_store.read_only(query)
    assert neo4j_store.read("SHOW INDEXES YIELD name WHERE name = 'evil' RETURN name") == []
