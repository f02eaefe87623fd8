"""``/chains`` routes through the real app."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

PROBLEM = "application/problem+json"


def test_list_chains(client: Any) -> None:
    r = client.get("/chains")
    assert r.status_code == 200
    ids = [c["id"] for c in r.json()["items"]]
    if "automobile" not in ids:
        pytest.skip("the seeds do not hold the automobile chain yet")
    assert "integrated-circuits" in ids
    flag = client.get("/chains", params={"tier": "flagship"}).json()["items"]
    assert flag and all(c["tier"] == "flagship" for c in flag)
    assert client.get("/chains", params={"tier": "nope"}).status_code == 422


def test_chain_by_name(client: Any) -> None:
    r = client.get(f"/chains/{quote('汽车')}")
    if r.status_code == 404:
        pytest.skip("the seeds do not hold 汽车 yet")
    body = r.json()
    assert r.status_code == 200 and body["chain"]["id"] == "automobile"
    assert body["chain"]["sources"]
    assert client.get("/chains/automobile").json()["chain"]["id"] == "automobile"


def test_ic_gaps_done_when(client: Any) -> None:
    r = client.get(f"/chains/{quote('集成电路')}/gaps")
    if r.status_code == 404:
        pytest.skip("the seeds do not hold 集成电路 yet")
    body = r.json()
    assert r.status_code == 200 and body["chain"]["id"] == "integrated-circuits"
    assert body["segments"]
    for s in body["segments"]:
        assert s["status"] in {"gap", "weak", "covered", "unknown"}
        assert s["explanation"] and s["explanation_en"] and s["basis"]
        assert "evidence" in s and "candidates" in s and (s["sources"] or s["basis"] == "reference")
        for e in s["evidence"]:
            assert e["sources"]


def test_gaps_generated(gen_client: Any) -> None:
    body = gen_client.get("/chains/gc0/gaps").json()
    assert [s["status"] for s in body["segments"]] == ["covered", "covered", "weak", "covered",
                                                       "gap"]
    assert body["coverage"]["firms_in_graph"] == 36 + 2  # local firms of gc0 and its key chain
    assert body["coverage"]["documented"][0]["value"] == 40
    scoped = gen_client.get("/chains/生成链0/gaps", params={"district": "生成区1"}).json()
    assert scoped["scope"] == "gd1"
    r = gen_client.get("/chains/gc0/gaps", params={"district": "nowhere"})
    assert r.status_code == 422 and r.json()["errors"][0]["parameter"] == "district"


def test_unknown_chain_404_with_suggestions(gen_client: Any) -> None:
    r = gen_client.get(f"/chains/{quote('生成链')}")
    assert r.status_code == 404 and r.headers["content-type"].startswith(PROBLEM)
    body = r.json()
    assert body["status"] == 404 and body["suggestions"]
    assert body["suggestions"][0]["kind"] == "chain"
    assert gen_client.get("/chains/ge0-0").status_code == 404  # an enterprise is not a chain


def test_gap_overview_of_the_flagship_chains(client: Any) -> None:
    r = client.get("/gaps")
    assert r.status_code == 200
    rows = r.json()["items"]
    flagship = client.get("/chains", params={"tier": "flagship"}).json()["items"]
    assert {g["chain"]["id"] for g in rows} == {c["id"] for c in flagship}
    key = [(-g["summary"]["gap"], -g["summary"]["weak"], -g["summary"]["unknown"],
            g["chain"]["id"]) for g in rows]
    assert key == sorted(key)  # most gap segments first
    for g in rows:
        assert len(g["gap"]) == g["summary"]["gap"]
        assert len(g["unknown"]) == g["summary"]["unknown"]
    assert client.get("/gaps", params={"district": "nowhere"}).status_code == 422
    scoped = client.get("/gaps", params={"district": "市中区"}).json()["items"]
    assert sum(g["summary"]["covered"] for g in scoped) <= sum(
        g["summary"]["covered"] for g in rows)  # a district holds fewer firms than the city
