"""Errors say what went wrong in Chinese first, English alongside (an officer reads the title)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

HAN = re.compile(r"[\u4e00-\u9fff]")
LATIN = re.compile(r"[A-Za-z]{3,}")


def _bilingual(text: str) -> bool:
    return bool(HAN.search(text)) and bool(LATIN.search(text)) \
        and HAN.search(text).start() < LATIN.search(text).start()  # type: ignore[union-attr]


def test_not_found_title_and_detail_bilingual(client: Any) -> None:
    r = client.get(f"/nodes/{quote('不存在的公司')}")
    assert r.status_code == 404
    body = r.json()
    assert body["title"] == "未找到节点 node not found"
    assert _bilingual(body["detail"]) and "不存在的公司" in body["detail"]
    assert client.get("/enterprises/nobody-xyz").json()["title"] \
        == "未找到企业 enterprise not found"


def test_invalid_parameter_bilingual(client: Any) -> None:
    for url in ("/search?q=x&foo=1", "/chains?limit=abc", "/graph/neighbourhood/byd?kinds=bogus"):
        body = client.get(url).json()
        assert body["status"] == 422, url
        assert body["title"] == "参数无效 Invalid parameter", url
        assert HAN.search(body["detail"]), (url, body["detail"])


def test_unknown_route_bilingual(client: Any) -> None:
    body = client.get("/no-such-route").json()
    assert body["title"] == "未找到 Not Found"
