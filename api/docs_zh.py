"""Chinese first, English alongside, in /docs and /redoc: every operation's summary and every
tag description gets its Chinese text in front of the English one.

The texts live here, keyed by the stable operation ids, so the routers keep their English
docstrings and an operation without a Chinese summary fails a test (``test_api_docs_zh``).

>>> summary_zh("get_chain_gaps", "Get Chain Gaps")
'产业链缺链分析 · Chain gaps'
>>> summary_zh("no_such_op", "Something")
'Something'
"""

from __future__ import annotations

from typing import Any

SUMMARIES: dict[str, tuple[str, str]] = {
    "get_health": ("服务状态", "Service status"),
    "search_nodes": ("搜索（名称、别名、英文、拼音）", "Search by name, alias, English or pinyin"),
    "list_chains": ("产业链列表", "Chains"),
    "get_chain": ("产业链概况", "Chain overview"),
    "get_chain_gaps": ("产业链缺链分析", "Chain gaps"),
    "list_chain_gaps": ("全部产业链缺链概览", "Gaps of every chain"),
    "list_enterprises": ("企业列表", "Enterprises"),
    "get_enterprise": ("企业详情", "Enterprise"),
    "get_related_enterprises": ("关联企业（含理由与出处）", "Related enterprises, with reasons "
                                "and sources"),
    "list_districts": ("区县与功能区列表", "Districts and functional zones"),
    "get_district": ("区县概况", "District profile"),
    "get_node": ("节点详情", "Node"),
    "get_neighbourhood": ("邻域子图", "Neighbourhood"),
    "get_path": ("两节点间路径", "Paths between two nodes"),
    "list_sources": ("来源文献列表", "Source documents"),
    "get_source": ("来源文献及其引用", "Source document and what cites it"),
    "run_cypher": ("只读 Cypher 控制台", "Read-only Cypher console"),
    "get_neighbourhood_html": ("邻域图（交互网页）", "Neighbourhood as an interactive page"),
    "get_neighbourhood_svg": ("邻域图（SVG）", "Neighbourhood as SVG"),
    "get_neighbourhood_png": ("邻域图（PNG）", "Neighbourhood as PNG"),
    "get_chain_map_html": ("产业链图谱（交互网页）", "Chain map as an interactive page"),
    "get_chain_map_svg": ("产业链图谱（SVG）", "Chain map as SVG"),
    "get_chain_map_png": ("产业链图谱（PNG）", "Chain map as PNG"),
    "get_chain_map_json": ("产业链图谱数据", "Chain map data and its drawing"),
    "get_neighbourhood_drawing": ("邻域图数据", "Neighbourhood drawing payload"),
    "get_brief_zip": ("招商简报包（zip）", "Briefing pack of a chain (zip)"),
    "get_explorer": ("网页浏览器", "Web explorer"),
}
"""operation id → (中文, English) summary."""

TAGS_ZH: dict[str, str] = {
    "health": "服务状态", "search": "搜索", "chains": "产业链与缺链",
    "enterprises": "企业与关联企业",
    "districts": "区县与功能区", "graph": "节点、邻域与路径", "sources": "来源文献",
    "console": "只读查询控制台", "viz": "图谱图片与简报包",
}
"""tag → its Chinese name (put before the English description)."""


def summary_zh(operation_id: str, summary: str) -> str:
    """The bilingual summary of an operation (unchanged when no Chinese text is known)."""
    if operation_id not in SUMMARIES:
        return summary
    zh, en = SUMMARIES[operation_id]
    return f"{zh} · {en}"


def bilingual(schema: dict[str, Any]) -> dict[str, Any]:
    """Put Chinese summaries and tag names into an OpenAPI ``schema`` (in place; returned)."""
    for path in schema.get("paths", {}).values():
        for op in path.values():
            if isinstance(op, dict) and op.get("operationId"):
                op["summary"] = summary_zh(op["operationId"], op.get("summary") or "")
    for tag in schema.get("tags", []):
        zh = TAGS_ZH.get(tag.get("name", ""))
        if zh and not tag.get("description", "").startswith(zh):
            tag["description"] = f"{zh} · {tag.get('description', '')}"
    info = schema.get("info", {})
    if info.get("description") and not info["description"].startswith("济南"):
        info["description"] = ("济南“13+34”产业链知识图谱：缺链分析、关联企业、邻域、"
                               "搜索与图谱图片。\n\n" + info["description"])
    return schema
