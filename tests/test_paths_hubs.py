"""``/graph/path`` does not go through hubs (济南市, 市政府) unless asked, and says when only a
hub connects two actors."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from chainatlas.graph.model import GraphData
from chainatlas.queries.paths import shortest_paths

sys.path.insert(0, str(Path(__file__).parent))
from conftest import _props

HUB_NAMES = {"济南市", "济南市人民政府"}


def _names(body: dict) -> list[list[str]]:
    return [[n["name"] for n in p["nodes"]] for p in body["paths"]]


def test_path_avoids_hubs_by_default(client: Any) -> None:
    body = client.get("/graph/path", params={"from": "byd", "to": "sicc"}).json()
    assert body["paths"], body
    assert not any(HUB_NAMES & set(p) for p in _names(body)), _names(body)
    assert body["expand_hubs"] is False and body["only_via_hubs"] is False
    assert "济南市" in {h["name"] for h in body["hubs"]}  # says what it avoided


def test_expand_hubs_walks_through_the_city(client: Any) -> None:
    body = client.get("/graph/path", params={"from": "byd", "to": "sicc",
                                             "expand_hubs": "true"}).json()
    assert body["expand_hubs"] is True
    assert _names(body)[0] == ["比亚迪", "济南市", "天岳先进"]


def test_only_a_hub_connects_them(scratch_store: Any) -> None:
    def node(label: str, nid: str, kind: str, name: str, **kw: Any) -> dict:
        return {"id": nid, "props": _props(kind, nid, name, **kw)}

    def rel(a: str, b: str) -> dict:
        return {"src": a, "dst": b, "props": {"source_docs": ["d"], "source_quotes": ["q"]}}

    scratch_store.replace(GraphData(
        nodes={"District": [node("District", "city", "district", "某市", level="city")],
               "Enterprise": [node("Enterprise", "a", "enterprise", "甲企业"),
                              node("Enterprise", "b", "enterprise", "乙企业")]},
        rels={"LOCATED_IN": [rel("a", "city"), rel("b", "city")]}))
    res = shortest_paths(scratch_store, "a", "b")
    assert res.only_via_hubs is True
    assert [n.id for n in res.paths[0].nodes] == ["a", "city", "b"]
    assert "某市" in (res.note or "") and "Only a hub" in (res.note or "")
    assert [h.id for h in res.hubs] == ["city"]
    direct = shortest_paths(scratch_store, "a", "b", expand_hubs=True)
    assert direct.only_via_hubs is False and direct.note is None
