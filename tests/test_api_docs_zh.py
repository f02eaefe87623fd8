"""/docs and /redoc read Chinese first, English alongside: every operation's summary and every
tag carry Chinese text (a new route without one fails here)."""

from __future__ import annotations

import re
from typing import Any

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_operation_and_tag_is_bilingual(client: Any) -> None:
    schema = client.get("/openapi.json").json()
    missing = [op.get("operationId") for path in schema["paths"].values()
               for op in path.values() if isinstance(op, dict)
               and not (CJK.search(op.get("summary", "")) and re.search("[A-Za-z]",
                                                                      op.get("summary", "")))]
    assert missing == []
    assert all(CJK.search(t["description"]) for t in schema["tags"])
    assert CJK.match(schema["info"]["description"])
    assert schema["paths"]["/chains/{id}/gaps"]["get"]["summary"] == "产业链缺链分析 · Chain gaps"
