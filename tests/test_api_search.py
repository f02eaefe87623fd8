"""``GET /search`` through the real app on the real embedded store."""

from __future__ import annotations

from typing import Any

import pytest

PROBLEM = "application/problem+json"


def has(client: Any, node_id: str) -> None:
    if client.get(f"/nodes/{node_id}").status_code != 200:
        pytest.skip(f"the seeds do not hold {node_id} yet; re-run once they land")


def test_search_electrical(client: Any) -> None:
    has(client, "shandong-electrical-engineering")
    r = client.get("/search", params={"q": "电工"})
    assert r.status_code == 200
    assert "shandong-electrical-engineering" in [h["id"] for h in r.json()["items"]]


def test_search_pinyin(client: Any) -> None:
    has(client, "sinotruk")
    r = client.get("/search", params={"q": "zhongqi"})
    assert r.status_code == 200
    first = r.json()["items"][0]
    assert first["id"] == "sinotruk" and first["match"] == "exact"


def test_search_kind_and_limit(gen_client: Any) -> None:
    r = gen_client.get("/search", params={"q": "生成", "kind": "chain", "limit": 2})
    body = r.json()
    assert r.status_code == 200 and len(body["items"]) == 2 and body["total"] == 4
    assert {h["kind"] for h in body["items"]} == {"chain"}


@pytest.mark.parametrize("params,name", [
    ({}, "q"), ({"q": ""}, "q"), ({"q": "x", "limit": 0}, "limit"),
    ({"q": "x", "limit": 501}, "limit"), ({"q": "x", "kind": "bogus"}, "kind"),
])
def test_search_bad_parameters(client: Any, params: dict, name: str) -> None:
    r = client.get("/search", params=params)
    assert r.status_code == 422 and r.headers["content-type"].startswith(PROBLEM)
    assert name in [e["parameter"] for e in r.json()["errors"]]


def test_control_characters_are_422(client: Any) -> None:
    for url in ("/search?q=%00", "/nodes/a%00b", "/graph/path?from=%00&to=x"):
        r = client.get(url)
        assert r.status_code == 422, url
        assert r.headers["content-type"].startswith(PROBLEM)
    r = client.post("/cypher", json={"query": "RETURN $x AS x", "params": {"x": "a\u0000"}},
                    headers={"X-API-Key": "test-key"})
    assert r.status_code == 422


def test_pinyin_initials_rank_below_names_and_are_capped(client: Any) -> None:
    from chainatlas.queries.search import INITIALS_CAP

    zq = client.get("/search", params={"q": "zq", "limit": 200}).json()
    assert zq["total"] <= INITIALS_CAP  # not 57 hits on any name whose initials contain zq
    assert zq["items"][0]["id"] == "sinotruk"
    byd = client.get("/search", params={"q": "BYD"}).json()["items"]
    assert byd[0]["id"] == "byd" and byd[0]["match"] == "exact"
    assert "航空装备与低空飞行器" not in [h["name"] for h in byd]
    jn = client.get("/search", params={"q": "jn", "limit": 200}).json()["items"]
    assert jn[0]["name"] == "济南市"
    # a name match always ranks above an initials-only match
    mixed = client.get("/search", params={"q": "zhongqi", "limit": 200}).json()["items"]
    assert all(h["match"] != "initials" for h in mixed[:1])
