"""An enterprise's chains are shown with their lineage (flagship › key chain › segment)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

from chainatlas.queries.lineage import lineages


@pytest.mark.parametrize("url", ["/nodes/{}", "/enterprises/{}"])
def test_detail_names_the_flagship(client: Any, url: str) -> None:
    catl = client.get(url.format(quote("宁德时代"))).json()
    assert "汽车 › 动力电池" in [ln["text"] for ln in catl["lineage"]]
    inspur = client.get(url.format(quote("浪潮信息"))).json()
    texts = [ln["text"] for ln in inspur["lineage"]]
    assert "电子信息 › 先进计算" in texts and "电子信息 › 服务器与信息装备" in texts
    assert all(ln["flagship"]["name"] == "电子信息" for ln in inspur["lineage"])


def test_lists_carry_the_lineage(client: Any) -> None:
    page = client.get("/enterprises", params={"q": "宁德时代"}).json()
    assert page["items"][0]["lineage"][0]["text"] == "汽车 › 动力电池"
    rel = client.get("/enterprises/byd/related", params={"limit": 50}).json()["items"]
    catl = next(r for r in rel if r["id"] == "catl")
    assert [ln["text"] for ln in catl["lineage"]] == ["汽车 › 动力电池"]


def test_key_chain_under_flagship(generated_store: Any) -> None:
    lines = lineages(generated_store, ["gke-0", "ge0-0", "gc0"])
    assert [ln.text for ln in lines["gke-0"]] == ["生成链0 › 生成重点链0 › 生成重点链0环节0"]
    assert lines["gke-0"][0].role == "leader"
    assert [ln.text for ln in lines["ge0-0"]] == ["生成链0 › 生成链0环节0"]
    assert lines["gc0"] == []
