"""Answers list their items in a fixed order, not in the order the store happens to return rows
(FalkorDB and Neo4j differ, and a reload may change it): the same question gets the same bytes."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote


def test_district_agencies_and_policies_sorted(client: Any) -> None:
    for name in ("市中区", "济南市"):
        body = client.get(f"/districts/{quote(name)}").json()
        for key in ("agencies", "policies"):
            ids = [x["id"] for x in body[key]]
            assert ids, f"{name} has {key} in the seeds"
            assert ids == sorted(ids), f"{name} {key} not in id order: {ids}"


def test_related_merged_sources_sorted(client: Any) -> None:
    items = client.get("/enterprises/byd/related?limit=50").json()["items"]
    merged = [r["sources"] for it in items for r in it["reasons"] if len(r["sources"]) > 1]
    assert merged, "比亚迪 has reasons backed by several sources in the seeds"
    for sources in merged:
        keys = [(s["doc"], s["quote"]) for s in sources]
        assert keys == sorted(keys)


def test_chain_map_flows_sorted(seed_store: Any) -> None:
    from chainatlas.viz.data import chain_map

    for chain in ("automobile", "integrated-circuits", "steel"):
        cm = chain_map(seed_store, chain)
        assert cm.flows, chain
        assert cm.flows == sorted(cm.flows), f"{chain}: {cm.flows}"
