"""The same answers from both stores: the shipped seeds loaded into the embedded FalkorDB and
into Neo4j, then every named query, every API route below and the other query functions
compared as JSON.

Equal up to ordering only where nothing orders: rows of a query without ``ORDER BY``, and the
lists a query builds with ``collect()`` (their order is the store's scan order). Everything
else — row order of ordered queries, stored list properties, numbers with their int/float
type — must be identical. Runs when ``NEO4J_URI`` is set (``scripts/neo4j.sh start``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest

from chainatlas.queries.registry import NAMED_QUERIES, NamedQuery

pytestmark = pytest.mark.neo4j

_COLLECT = r"collect\((?:[^()]|\([^()]*\))*\)(?:\[[^\]]*\])?"
_COLLECT_ALIAS = re.compile(rf"{_COLLECT}(?:\s*\+\s*{_COLLECT})*\s+AS\s+(\w+)", re.I)


def collected_columns(cypher: str) -> set[str]:
    """Names bound to ``collect(…)`` results (their element order is unspecified).

    >>> sorted(collected_columns("WITH c, collect(DISTINCT coalesce(x.a, x.id)) AS chains "
    ...                          "RETURN c, collect(d.id) + collect(p.id) AS districts, "
    ...                          "collect(DISTINCT a.id)[..$cap] AS ids"))
    ['chains', 'districts', 'ids']
    """
    return {m.group(1) for m in _COLLECT_ALIAS.finditer(cypher)}


def is_ordered(cypher: str) -> bool:
    """True when the query's last clause part orders its rows.

    >>> is_ordered("MATCH (n) RETURN n.id AS id ORDER BY id LIMIT 3")
    True
    >>> is_ordered("MATCH (n) WITH n ORDER BY n.id RETURN n.id AS id")
    False
    """
    tail = re.split(r"\bRETURN\b", cypher, flags=re.I)[-1]
    return re.search(r"\bORDER\s+BY\b", tail, re.I) is not None


def dumps(value: Any) -> str:
    """Canonical JSON: sorted keys, and ints and floats told apart (``1`` vs ``1.0``)."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def unordered(value: Any) -> Any:
    """``value`` with every list sorted, recursively (for parts nothing orders)."""
    if isinstance(value, dict):
        return {k: unordered(v) for k, v in value.items()}
    if isinstance(value, list):
        return sorted((unordered(v) for v in value), key=dumps)
    return value


def comparable(rows: list[dict[str, Any]], q: NamedQuery) -> Any:
    """Rows with ``collect()`` columns sorted, and row order dropped unless the query orders."""
    loose = collected_columns(q.cypher)
    out = [{k: unordered(v) if k in loose else v for k, v in row.items()} for row in rows]
    return [dumps(r) for r in out] if is_ordered(q.cypher) else sorted(map(dumps, out))


def query_params(q: NamedQuery) -> dict[str, Any]:
    params = {k: None for k in q.params} | q.defaults | q.example
    if "cap" in params and not is_ordered(q.cypher):
        params["cap"] = 100_000  # an unordered LIMIT picks arbitrary rows: take them all
    return params


def test_parity_helpers_see_the_registry() -> None:
    """Guards against the helpers silently comparing nothing."""
    assert collected_columns(NAMED_QUERIES["enterprises"].cypher) >= {"chains", "districts"}
    assert collected_columns(NAMED_QUERIES["district-chains"].cypher) >= {"actor_ids"}
    assert is_ordered(NAMED_QUERIES["nodes"].cypher)
    assert not is_ordered(NAMED_QUERIES["enterprises"].cypher)


@pytest.mark.parametrize("name", sorted(NAMED_QUERIES))
def test_named_query_same_on_both_stores(name: str, seed_store: Any,
                                         neo4j_seed_store: Any) -> None:
    q = NAMED_QUERIES[name]
    params = query_params(q)
    falkor_rows = seed_store.read(q.cypher, params)
    neo4j_rows = neo4j_seed_store.read(q.cypher, params)
    assert len(neo4j_rows) == len(falkor_rows), name
    assert comparable(neo4j_rows, q) == comparable(falkor_rows, q), name


# -- the API on both stores ---------------------------------------------------------------
ROUTES = [
    "/chains", "/chains?tier=key", "/chains/automobile", "/chains/integrated-circuits/gaps",
    "/gaps", "/districts", "/search?q=电工", "/search?q=zhongqi", "/search?q=byd&kind=enterprise",
    "/sources", "/sources/kjj-weekly-18-2026-01-30", "/enterprises",
    "/enterprises?chain=automobile&limit=5&offset=2", "/enterprises/byd", "/nodes/byd",
    "/nodes/jinan", "/graph/neighbourhood/automobile?depth=2", "/graph/neighbourhood/byd",
    "/graph/path?from=byd&to=sinotruk", "/graph/path?from=比亚迪&to=济南市",
    "/viz/neighbourhood/byd.json",
]
"""Routes whose JSON must be identical on both stores, order included."""

LOOSE_ROUTES = {
    "/districts/shizhong": "agencies and policies keep the order of an unordered query",
    "/enterprises/byd/related": "sources merged from several rows keep the rows' order",
    "/viz/chains/automobile/map.json": "flows keep the order of an unordered query",
}
"""Routes equal up to the order of lists (the reason: what leaves that order to the store)."""


@pytest.fixture
def clients(seed_store: Any, neo4j_seed_store: Any) -> Iterator[tuple[Any, Any]]:
    from fastapi.testclient import TestClient

    from chainatlas.api.app import create_app
    from tests.conftest import app_settings

    with TestClient(create_app(app_settings(), store=seed_store)) as cf, \
            TestClient(create_app(app_settings(), store=neo4j_seed_store)) as cn:
        yield cf, cn


@pytest.mark.parametrize("route", ROUTES + sorted(LOOSE_ROUTES))
def test_api_route_same_on_both_stores(route: str, clients: tuple[Any, Any]) -> None:
    cf, cn = clients
    a, b = cf.get(route), cn.get(route)
    assert (b.status_code, b.headers["content-type"]) == (a.status_code,
                                                          a.headers["content-type"])
    assert a.status_code == 200, a.text
    ja, jb = a.json(), b.json()
    if route in LOOSE_ROUTES:
        ja, jb = unordered(ja), unordered(jb)
    assert dumps(jb) == dumps(ja)


def test_health_names_each_store_with_the_same_counts(clients: tuple[Any, Any]) -> None:
    a, b = (c.get("/health").json() for c in clients)
    assert (a["store"], b["store"]) == ("falkordb", "neo4j")
    assert {k: v for k, v in b.items() if k != "store"} \
        == {k: v for k, v in a.items() if k != "store"}


@pytest.mark.parametrize("query", [
    "MATCH (n:Enterprise) RETURN n.id AS id, n.local AS local ORDER BY id LIMIT 5",
    "MATCH (c:Chain {id: 'automobile'}) RETURN c",
    "MATCH (m:Metric)-[r:METRIC_OF]->(:Chain {id: 'automobile'}) "
    "RETURN m.value AS value, m.year AS year, r ORDER BY m.id",
    "MATCH p = (:Enterprise {id: 'byd'})-[:IN_SEGMENT|IN_CHAIN]->(x) RETURN p ORDER BY x.id",
    "CREATE (n:Node {id: 'evil'})",
    "MATCH (n) RETURN n; MATCH (m) RETURN m",
])
def test_console_same_on_both_stores(query: str, clients: tuple[Any, Any]) -> None:
    from tests.conftest import API_KEY

    a, b = (c.post("/cypher", json={"query": query}, headers={"X-API-Key": API_KEY})
            for c in clients)
    assert b.status_code == a.status_code
    ja, jb = a.json(), b.json()
    if a.status_code == 200:
        ja.pop("elapsed_ms"), jb.pop("elapsed_ms")
        assert dumps(jb) == dumps(ja)
    else:
        assert a.status_code == 400 and jb["status"] == 400


# -- query functions no route above reaches -----------------------------------------------
def test_other_query_functions_same_on_both_stores(seed_store: Any,
                                                   neo4j_seed_store: Any) -> None:
    from fastapi.encoders import jsonable_encoder

    from chainatlas.queries import chains, coverage, gaps, nodes
    from chainatlas.viz import data

    calls = {
        "coverage_report": lambda s: coverage.coverage_report(s),
        "gap_overview key": lambda s: gaps.gap_overview(s, tier="key"),
        "gap_overview shizhong": lambda s: gaps.gap_overview(s, district="shizhong"),
        "gap_report district": lambda s: gaps.gap_report(s, "automobile", district="licheng"),
        "chain_segments": lambda s: chains.chain_segments(s, "integrated-circuits"),
        "suggestions": lambda s: nodes.suggestions(s, "比亚"),
        "fetch_nodes": lambda s: nodes.fetch_nodes(s, ["byd", "jinan", "automobile"]),
        "viz resolve": lambda s: data.resolve(s, "重汽"),
        "viz neighbourhood": lambda s: data.neighbourhood(s, "jinan", depth=1),
    }
    for name, call in calls.items():
        a = unordered(jsonable_encoder(call(seed_store)))
        b = unordered(jsonable_encoder(call(neo4j_seed_store)))
        assert dumps(b) == dumps(a), name
