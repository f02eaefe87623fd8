"""The Cypher texts and builders: model labels only, portable constructs, parameters only."""

from __future__ import annotations

import re

import pytest

from chainatlas.api.routes.common import split_list
from chainatlas.graph.model import ALL_LABELS, BASE_LABEL, REL_TYPES
from chainatlas.graph.store import QueryRejected
from chainatlas.queries import (
    chains,
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
from chainatlas.queries.console import check_query
from chainatlas.queries.registry import NAMED_QUERIES

MODULES = [chains, districts, enterprises, gaps, lineage, neighbourhood, nodes, paths, related,
           search, sources]


def all_texts() -> dict[str, str]:
    out = {}
    for m in MODULES:
        for name, value in vars(m).items():
            if name.isupper() and isinstance(value, str) and "MATCH" in value:
                out[f"{m.__name__}.{name}"] = value
    for q in NAMED_QUERIES.values():
        out[f"registry.{q.name}"] = q.cypher
    out["paths.path_query"] = paths.path_query(3, list(neighbourhood.DEFAULT_REL_TYPES))
    return out


TEXTS = all_texts()


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_labels_and_types_come_from_the_model(name: str) -> None:
    text = re.sub(r"'[^']*'", "''", TEXTS[name])
    for label in re.findall(r"\(\w*:(\w+)", text):
        assert label in ALL_LABELS or label == BASE_LABEL, (name, label)
    for group in re.findall(r"\[\w*:([\w|]+)", text):
        for t in group.split("|"):
            assert t in REL_TYPES, (name, t)


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_only_portable_constructs(name: str) -> None:
    text = TEXTS[name]
    for bad in ("EXISTS {", "COUNT {", "shortestPath", "CALL {", "apoc.", "algo."):
        assert bad not in text, (name, bad)


def test_every_query_text_has_a_question() -> None:
    for m in MODULES:
        assert m.__doc__
        for name, value in vars(m).items():
            if callable(value) and getattr(value, "__module__", "") == m.__name__ \
                    and not name.startswith("_") and not isinstance(value, type):
                assert value.__doc__, f"{m.__name__}.{name} needs a docstring"


def test_path_query_bounds_and_types() -> None:
    q = paths.path_query(2, ["PARTNERS_WITH", "SUPPLIES"])
    # spelled out node by node (each intermediate node filtered as soon as it is reached)
    assert q.count(":PARTNERS_WITH|SUPPLIES]-") == 2 and "*" not in q
    assert "$src" in q and "$dst" in q and "n1.basis IN $doc_bases" in q
    with pytest.raises(ValueError):
        paths.path_query(0, ["SUPPLIES"])
    with pytest.raises(ValueError):
        paths.path_query(2, ["SUPPLIES]-() DETACH DELETE n //"])


def test_check_kinds_and_types() -> None:
    assert "document" not in neighbourhood.check_kinds(None)
    assert "MENTIONS" not in neighbourhood.check_rel_types(None)
    with pytest.raises(ValueError):
        neighbourhood.check_kinds(["nope"])
    with pytest.raises(ValueError):
        neighbourhood.check_rel_types(["NOPE"])


@pytest.mark.parametrize("query", [
    "CREATE (n:Node {id: 'x'})",
    "MATCH (n) MERGE (m:Node {id: 'y'})",
    "MATCH (n) DETACH DELETE n",
    "MATCH (n) DELETE n",
    "MATCH (n) SET n.x = 1",
    "MATCH (n) REMOVE n.x",
    "DROP INDEX ON :Node(name)",
    "CALL db.idx.fulltext.createNodeIndex('Node', 'name')",
    "CALL db.idx.fulltext.drop('Node')",
    "LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row",
    "MATCH (n) RETURN n; MATCH (m) RETURN m",
    "MATCH (n) RETURN n ;CREATE (x)",
    "MATCH (n) RETURN n; // comment\n MATCH (m) DELETE m",
    "MATCH (n) RETURN n; 'text'",
    "",
    "   ",
])
def test_console_refuses(query: str) -> None:
    with pytest.raises(QueryRejected):
        check_query(query)


@pytest.mark.parametrize("query", [
    "MATCH (n:Node) RETURN n.name AS name LIMIT 3",
    "MATCH (n:Node) WHERE n.name = 'CREATE; DELETE' RETURN n.id",
    "MATCH (n:Node) RETURN n.offset AS x, n.set AS y;",
    "MATCH (n:Node) RETURN n.id // a trailing ; comment",
    "CALL db.labels()",
    "MATCH (n:Node {id: $id}) RETURN n",
])
def test_console_accepts(query: str) -> None:
    assert check_query(query)


def test_split_list() -> None:
    assert split_list("kinds", None, ["a"]) is None
    assert split_list("kinds", ["a,b", "c"], ["a", "b", "c"]) == ["a", "b", "c"]
    from chainatlas.api.problems import Problem

    with pytest.raises(Problem) as e:
        split_list("kinds", ["a,zzz"], ["a"])
    assert e.value.status == 422 and "kinds" in e.value.detail


def test_search_rank_key() -> None:
    assert search.rank_key("abc", ["abc"], "x") == (0, "abc")
    assert search.rank_key("ab", ["abc"], "x") == (1, "abc")
    assert search.rank_key("bc", ["abc"], "x") == (2, "abc")
    assert search.rank_key("zz", ["abc"], "x") is None
    assert search.rank_key("x-1", [], "x-1") == (0, "x-1")


def test_weights_documented() -> None:
    for kind in related.WEIGHTS:
        assert kind in (related.__doc__ or "")
        assert kind in related.TEXTS
    for kind in gaps.WEIGHTS:
        assert kind in (gaps.__doc__ or "")
