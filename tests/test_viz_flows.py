"""The interactive chain map draws a flow that skips segments dashed and curved, as its legend
says (虚线箭头 = 跨环节供给) and as the still picture does, not as a straight solid line running
behind the segments in between."""

from __future__ import annotations

from typing import Any


def test_skipping_flows_dashed_and_curved(client: Any) -> None:
    for chain in ("integrated-circuits", "automobile"):
        d = client.get(f"/viz/chains/{chain}/map.json").json()["drawing"]
        segs = [n["vis"]["id"] for n in d["nodes"] if n["vis"]["id"] in _segment_ids(client, chain)]
        flows = [e["vis"] for e in d["edges"] if e["tip"]["name"].startswith("上游")]
        assert flows, chain
        order = {s: i for i, s in enumerate(_segment_ids(client, chain))}
        skipping = [e for e in flows if abs(order[e["from"]] - order[e["to"]]) > 1]
        adjacent = [e for e in flows if abs(order[e["from"]] - order[e["to"]]) == 1]
        assert skipping and adjacent and segs, chain
        for e in skipping:
            assert e.get("dashes") is True and e["smooth"]["enabled"], e
        for e in adjacent:
            assert not e.get("dashes"), e


def _segment_ids(client: Any, chain: str) -> list[str]:
    from chainatlas.viz.data import chain_map

    store = client.app.state.store
    return [s.id for s in chain_map(store, chain).segments]
