"""``/districts`` routes through the real app."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest


def test_districts_on_seeds(client: Any) -> None:
    ids = [d["id"] for d in client.get("/districts").json()["items"]]
    if "shizhong" not in ids:
        pytest.skip("the seeds do not hold the districts yet")
    body = client.get(f"/districts/{quote('市中区')}").json()
    assert body["district"]["id"] == "shizhong" and body["district"]["sources"]
    assert client.get(f"/districts/{quote('济南高新区')}").json()["district"]["id"] \
        == "jinan-hitech"


def test_district_profile_generated(gen_client: Any) -> None:
    body = gen_client.get("/districts/gd0").json()
    assert body["counts"]["enterprise"] == 29
    assert {c["id"] for c in body["chains"]} >= {"gc0", "gc1", "gc2", "gk0"}
    assert body["parent"]["id"] == "gcity"
    r = gen_client.get("/districts/gc0")
    assert r.status_code == 404 and r.json()["title"] == "未找到区县 district not found"
