"""``POST /cypher``: off by default, API key, read-only, one statement, timeout, row cap."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from chainatlas.api.app import create_app
from chainatlas.settings import Settings

KEY = {"X-API-Key": "test-key"}


def make(store: Any, **overrides: Any) -> Iterator[TestClient]:
    base: dict[str, Any] = {"load_on_start": False, "cypher_console": True, "api_key": "test-key"}
    with TestClient(create_app(Settings(**{**base, **overrides}), store=store)) as c:
        yield c


def test_off_by_default(seed_store: Any) -> None:
    for c in make(seed_store, cypher_console=False):
        r = c.post("/cypher", json={"query": "RETURN 1 AS x"}, headers=KEY)
        assert r.status_code == 404 and r.headers["content-type"].startswith(
            "application/problem+json")


def test_no_key_configured(seed_store: Any) -> None:
    for c in make(seed_store, api_key=None):
        assert c.post("/cypher", json={"query": "RETURN 1 AS x"}).status_code == 403


def test_key_required(client: Any) -> None:
    assert client.post("/cypher", json={"query": "RETURN 1 AS x"}).status_code == 401
    r = client.post("/cypher", json={"query": "RETURN 1 AS x"}, headers={"X-API-Key": "wrong"})
    assert r.status_code == 401


def test_read_with_params(client: Any) -> None:
    r = client.post("/cypher", json={"query": "MATCH (n:Node) WHERE n.kind = $k "
                                     "RETURN n.id AS id LIMIT 3", "params": {"k": "district"}},
                    headers=KEY)
    body = r.json()
    assert r.status_code == 200 and body["columns"] == ["id"] and not body["truncated"]


def test_row_cap(seed_store: Any) -> None:
    for c in make(seed_store, cypher_row_cap=2):
        body = c.post("/cypher", json={"query": "MATCH (n:Node) RETURN n"}, headers=KEY).json()
        assert body["row_count"] == 2 and body["truncated"] is True


@pytest.mark.parametrize("query", [
    "CREATE (n:Node {id: 'evil'})",
    "MERGE (n:Node {id: 'evil'})",
    "MATCH (n:Node) DETACH DELETE n",
    "MATCH (n:Node) SET n.name = 'x'",
    "DROP INDEX ON :Node(name)",
    "CREATE INDEX FOR (n:Node) ON (n.evil)",
    "CALL db.idx.fulltext.createNodeIndex('Node', 'name')",
    "MATCH (n) RETURN n; MATCH (m) RETURN m",
    "MATCH (n) RETURN n;\nCREATE (x:Node {id: 'evil'})",
    "THIS IS NOT CYPHER",
])
def test_refuses(client: Any, seed_store: Any, query: str) -> None:
    before = seed_store.stats()
    r = client.post("/cypher", json={"query": query}, headers=KEY)
    assert r.status_code == 400, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert seed_store.stats() == before


def test_store_refuses_writes_even_without_python_check(seed_store: Any) -> None:
    from chainatlas.graph.store import QueryRejected

    for q in ("CREATE (n:Node {id: 'evil'})", "CALL db.idx.fulltext.createNodeIndex('Node', 'x')"):
        with pytest.raises(QueryRejected):
            seed_store.read_only(q)


def test_timeout_is_504(seed_store: Any) -> None:
    for c in make(seed_store, cypher_timeout_ms=1):
        r = c.post("/cypher", json={"query": "UNWIND range(1, 100000) AS x UNWIND range(1, 30) "
                                    "AS y RETURN count(x) AS n"}, headers=KEY)
        assert r.status_code == 504, r.text
