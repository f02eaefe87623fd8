"""``/nodes/{id}``, ``/graph/neighbourhood/{id}``, ``/graph/path`` through the real app."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest


def test_node_by_alias(client: Any) -> None:
    r = client.get(f"/nodes/{quote('重汽')}")
    if r.status_code == 404:
        pytest.skip("the seeds do not hold 重汽 yet")
    body = r.json()
    assert body["node"]["id"] == "sinotruk" and body["node"]["sources"]
    assert all(rel["sources"] for rel in body["relationships"])


def test_unknown_node(client: Any) -> None:
    r = client.get(f"/nodes/{quote('不存在的东西xyz')}")
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("application/problem+json")
    assert "suggestions" in r.json()


def test_neighbourhood_shape(gen_client: Any) -> None:
    r = gen_client.get("/graph/neighbourhood/gc0", params={"depth": 1})
    body = r.json()
    assert r.status_code == 200 and set(body) == {"center", "nodes", "edges", "truncated"}
    node = body["nodes"][0]
    assert {"id", "kind", "name", "name_en", "aliases", "role", "depth", "props",
            "sources"} <= set(node)
    edge = body["edges"][0]
    assert {"source", "target", "type", "role", "sources"} <= set(edge)
    r = gen_client.get("/graph/neighbourhood/gc0-s0", params={
        "depth": 2, "kinds": "enterprise,segment", "rel_types": ["IN_SEGMENT"], "max_nodes": 5})
    body = r.json()
    assert len(body["nodes"]) == 5 and body["truncated"]
    assert {n["kind"] for n in body["nodes"]} <= {"enterprise", "segment"}


@pytest.mark.parametrize("params,name", [
    ({"depth": 0}, "depth"), ({"depth": 4}, "depth"), ({"max_nodes": 0}, "max_nodes"),
    ({"max_nodes": 501}, "max_nodes"), ({"kinds": "bogus"}, "kinds"),
    ({"rel_types": "NOPE"}, "rel_types"),
])
def test_neighbourhood_bad_parameters(gen_client: Any, params: dict, name: str) -> None:
    r = gen_client.get("/graph/neighbourhood/gc0", params=params)
    assert r.status_code == 422
    assert name in [e["parameter"] for e in r.json()["errors"]]


def test_path(gen_client: Any, client: Any) -> None:
    body = gen_client.get("/graph/path", params={"from": "生成企业0-0", "to": "ge1-0"}).json()
    assert body["from"] == "ge0-0" and body["to"] == "ge1-0"
    assert body["paths"][0]["length"] == 2
    p = body["paths"][0]
    assert [n["id"] for n in p["nodes"]] == ["ge0-0", "gd0", "ge1-0"]
    assert all(e["sources"] for e in p["edges"])
    assert gen_client.get("/graph/path", params={"from": "ge0-0"}).status_code == 422
    assert gen_client.get("/graph/path", params={"from": "ge0-0", "to": "nope"}).status_code \
        == 404
    r = client.get("/graph/path", params={"from": "比亚迪", "to": "重汽"})
    if r.status_code == 200:
        assert r.json()["paths"]


def test_store_down_is_503_then_recovers_by_itself(tmp_path: Any) -> None:
    """The real embedded server dies under a running app (its supervisor SIGKILLed, so nothing
    restarts it but the API): every route answers 503 + Retry-After, then the service
    recovers without a restart of the app. Old behaviour: 503 forever."""
    import os
    import signal
    import time

    from fastapi.testclient import TestClient

    from chainatlas.api.app import create_app
    from chainatlas.graph.embedded import _pid_alive
    from chainatlas.graph.falkor import FalkorStore
    from chainatlas.graph.model import GraphData
    from chainatlas.settings import Settings

    store = FalkorStore(tmp_path)
    try:
        store.replace(GraphData(nodes={"Enterprise": [
            {"id": "x", "props": {"kind": "enterprise", "name": "甲", "search_keys": ["甲"]}}]}))
        app = create_app(Settings(load_on_start=False), store=store)
        with TestClient(app) as c:
            assert c.get("/nodes/x").status_code == 200
            server = store.server.pid
            os.kill(store.server.supervisor_pid, signal.SIGKILL)
            deadline = time.monotonic() + 10
            while _pid_alive(server) and time.monotonic() < deadline:
                time.sleep(0.05)
            for url in ("/search?q=x", "/chains", "/nodes/x", "/graph/neighbourhood/x",
                        "/health"):
                r = c.get(url)
                if r.status_code == 200:
                    break  # already revived by an earlier request
                assert r.status_code == 503, url
                assert r.headers["content-type"].startswith("application/problem+json")
                assert int(r.headers["retry-after"]) > 0
                assert "try again" in r.json()["detail"]  # says what to do next
            deadline = time.monotonic() + 30
            codes = []
            while time.monotonic() < deadline:
                codes.append(c.get("/nodes/x").status_code)
                if codes[-1] == 200:
                    break
                time.sleep(0.2)
            assert codes[-1] == 200, f"the API did not recover: {codes[-5:]}"
            assert c.get("/health").json()["nodes"] == 1
    finally:
        store.close()


def test_slow_query_is_504(seed_store: Any) -> None:
    """A route whose query runs past the timeout answers 504 (real store, 1 ms budget)."""
    from fastapi.testclient import TestClient

    from chainatlas.api.app import create_app
    from chainatlas.settings import Settings

    app = create_app(Settings(load_on_start=False, query_timeout_ms=1), store=seed_store)
    with TestClient(app) as c:
        statuses = {c.get("/graph/neighbourhood/jinan", params={"depth": 3, "max_nodes": 500,
                                                              "expand_hubs": True}).status_code
                    for _ in range(3)}
    assert 504 in statuses, statuses
