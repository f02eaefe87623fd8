"""``/sources`` routes through the real app."""

from __future__ import annotations

from typing import Any


def test_sources(client: Any) -> None:
    docs = client.get("/sources").json()["items"]
    assert docs and {"id", "name", "nodes", "relationships"} <= set(docs[0])
    cited = max(docs, key=lambda d: d["nodes"])
    body = client.get(f"/sources/{cited['id']}").json()
    assert body["document"]["id"] == cited["id"]
    assert len(body["nodes"]) == cited["nodes"]
    assert all(n["quotes"] for n in body["nodes"])
    assert client.get("/sources/no-such-doc").status_code == 404


def test_sources_generated(gen_client: Any) -> None:
    body = gen_client.get("/sources/gen-doc").json()
    assert any(r["type"] == "SUPPLIES" for r in body["relationships"])
