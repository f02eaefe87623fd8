"""The explorer's neighbourhood view is capped like the still pictures (40 nodes + 另有…等N个)."""

from __future__ import annotations


def test_neighbourhood_json_capped_like_the_still_pictures(client) -> None:
    """The explorer asks for at most 40 nodes (shown=40), as the stills draw; the subtitle says
    how many more there are; without ``shown`` every node is there (the HTML download)."""
    full = client.get("/viz/neighbourhood/shizhong.json").json()
    assert len(full["drawing"]["nodes"]) > 40
    capped = client.get("/viz/neighbourhood/shizhong.json?shown=40").json()
    assert len(capped["drawing"]["nodes"]) == 40
    assert capped["hidden"] == len(full["drawing"]["nodes"]) - 40
    assert "另有" in capped["drawing"]["subtitle"]
    assert f"{capped['hidden']}个未显示" in capped["drawing"]["subtitle"]
    small = client.get("/viz/neighbourhood/byd.json?shown=40").json()
    assert small["hidden"] == 0 and "另有" not in small["drawing"]["subtitle"]
