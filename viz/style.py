"""How each kind of node looks: colour, shape, size by role, and the legend.

One table serves the interactive pages (vis-network shapes) and the still pictures
(matplotlib markers), so a kind looks the same everywhere.

>>> style_for("enterprise").zh
'企业'
>>> node_size("enterprise", "leader") > node_size("enterprise", "member")
True
>>> style_for("no-such-kind").colour == DEFAULT.colour
True
"""

from __future__ import annotations

from dataclasses import dataclass

from chainatlas.graph.model import NODE_KINDS


@dataclass(frozen=True)
class KindStyle:
    """Look of one node kind."""

    kind: str
    zh: str
    en: str
    colour: str
    shape: str  # vis-network shape
    marker: str  # matplotlib marker
    size: int  # base size (vis-network px; still pictures scale it)


_S = KindStyle
STYLES: dict[str, KindStyle] = {
    s.kind: s
    for s in [
        _S("chain", "产业链", "Chain", "#c0392b", "hexagon", "h", 34),
        _S("segment", "环节", "Segment", "#e67e22", "box", "s", 22),
        _S("enterprise", "企业", "Enterprise", "#2471a3", "dot", "o", 16),
        _S("platform", "平台", "Platform", "#17a589", "diamond", "D", 15),
        _S("park", "园区", "Park", "#7d3c98", "square", "s", 15),
        _S("cluster", "产业集群", "Cluster", "#a04000", "triangle", "^", 15),
        _S("district", "区县", "District", "#5d6d7e", "triangleDown", "v", 18),
        _S("agency", "机构", "Agency", "#b7950b", "star", "*", 16),
        _S("person", "人物", "Person", "#cb4335", "ellipse", "o", 12),
        _S("project", "项目", "Project", "#229954", "dot", "p", 13),
        _S("policy", "政策", "Policy", "#6c3483", "dot", "P", 12),
        _S("metric", "指标", "Metric", "#839192", "dot", ".", 10),
        _S("document", "文献", "Document", "#aab7b8", "dot", "d", 10),
    ]
}
DEFAULT = KindStyle("other", "其他", "Other", "#95a5a6", "dot", "o", 12)

LEADER_SCALE = 1.8
"""Chain leaders (链主) are drawn this much larger."""

GAP_STYLES: dict[str, dict[str, str]] = {
    "gap": {"zh": "缺链", "en": "gap", "colour": "#d62728", "fill": "#fdecea"},
    "missing": {"zh": "缺链", "en": "missing", "colour": "#d62728", "fill": "#fdecea"},
    "weak": {"zh": "弱链", "en": "weak", "colour": "#e69500", "fill": "#fff6e0"},
    "broken": {"zh": "断链", "en": "broken", "colour": "#8e0000", "fill": "#f9e0e0"},
    "covered": {"zh": "已有", "en": "covered", "colour": "#5d6d7e", "fill": "#f4f6f7"},
    "unknown": {"zh": "未掌握", "en": "no data", "colour": "#7f8c8d", "fill": "#f2f3f4"},
}
"""How a segment's gap status is marked on the chain map (``gap`` / ``weak`` red / amber
dashed, ``unknown`` grey dashed — 未掌握 is no data, not a gap)."""

MARKED_STATUSES: tuple[str, ...] = ("gap", "missing", "weak", "broken", "unknown")
"""Statuses drawn with a dashed frame and a badge."""

REFERENCE_STYLE: dict[str, str] = {
    "zh": "点线内框 = 参考环节", "en": "reference segment (industry knowledge, no source)",
    "colour": "#7d3c98", "tag": "参考环节 reference"}
"""How a reference segment (basis ``reference``) is marked: a dotted inner frame and a tag."""

INFERRED_STYLE: dict[str, str] = {"zh": "虚线边框 = 推断", "en": "inferred placement",
                                  "tag": "推断"}
"""How an actor placed by an inferred (or rule) link is marked."""

BASIS_ZH: dict[str, str] = {"stated": "文件明示", "inferred": "推断", "reference": "参考",
                            "rule": "规则", "registry": "登记"}
"""Basis labels in Chinese."""

STAGE_ZH: dict[str, str] = {
    "upstream": "上游",
    "midstream": "中游",
    "downstream": "下游",
    "support": "配套",
}

ROLE_ZH: dict[str, str] = {"leader": "链主", "member": "链上企业"}

_KIND_ROLE_ZH: dict[str, str] = {
    "enterprise": "链上企业",
    "project": "链上项目",
    "platform": "服务平台",
    "park": "承载园区",
    "cluster": "产业集群",
    "agency": "主管/服务机构",
    "person": "链长/负责人",
    "policy": "支持政策",
}


def role_label(kind: str, role: str | None) -> str:
    """The role of an actor in a chain, as an officer says it.

    >>> role_label("enterprise", "leader"), role_label("agency", "member")
    ('链主', '主管/服务机构')
    """
    if role == "leader":
        return ROLE_ZH["leader"]
    return _KIND_ROLE_ZH.get(kind, ROLE_ZH.get(role or "member", role or ""))

EDGE_ZH: dict[str, str] = {}


def _edge_labels() -> dict[str, str]:
    from chainatlas.graph.model import REL_TYPES

    return {name: r.zh for name, r in REL_TYPES.items()}


EDGE_ZH.update(_edge_labels())


CHAIN_SUFFIXES = ("产业链群", "产业链", "链群", "产业集群", "产业")


def chain_name(name: str) -> str:
    """A chain's name as a heading: ``产业链`` added unless the name already says it.

    >>> chain_name("集成电路"), chain_name("市中区新能源汽车产业链群")
    ('集成电路产业链', '市中区新能源汽车产业链群')
    """
    return name if name.endswith(CHAIN_SUFFIXES) else f"{name}产业链"


def style_for(kind: str | None) -> KindStyle:
    """Style of a kind (a neutral grey for unknown kinds)."""
    return STYLES.get(kind or "", DEFAULT)


def node_size(kind: str | None, role: str | None = None, *, center: bool = False) -> float:
    """vis-network size of a node: base size by kind, larger for leaders and the centre."""
    size = float(style_for(kind).size)
    if role == "leader":
        size *= LEADER_SCALE
    if center:
        size *= 1.6
    return size


def legend(kinds: list[str] | None = None) -> list[dict[str, str]]:
    """Legend entries ``{kind, zh, en, colour, shape}``, for the given kinds (default all)."""
    chosen = kinds if kinds is not None else list(STYLES)
    seen: list[dict[str, str]] = []
    for k in chosen:
        s = style_for(k)
        if any(e["kind"] == s.kind for e in seen):
            continue
        seen.append({"kind": s.kind, "zh": s.zh, "en": s.en, "colour": s.colour,
                     "shape": s.shape})
    return seen


assert set(STYLES) == set(NODE_KINDS), "every model kind needs a style"
