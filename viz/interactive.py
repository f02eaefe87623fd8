"""Interactive pages: one self-contained UTF-8 HTML file per neighbourhood or chain map.

pyvis builds the vis-network node and edge options; our own Jinja template
(``templates/graph.html.j2``) inlines the vis-network standalone bundle shipped in
``static/``, so the file opens offline and never asks a CDN for anything. Positions come from
:mod:`layout` (physics off), so the picture is the same every time.

Data never becomes markup: the graph travels as JSON inside a ``<script type=
"application/json">`` block with ``<``, ``>`` and ``&`` escaped, labels are drawn on the canvas,
and tooltips are built with ``textContent``.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from pyvis.network import Network

from chainatlas.graph.model import REL_TYPES
from chainatlas.viz.data import ChainMap, VEdge, VGraph, VNode
from chainatlas.viz.fonts import CJK_CSS_STACK
from chainatlas.viz.layout import chain_layout, neighbourhood_layout
from chainatlas.viz.style import (
    BASIS_ZH,
    GAP_STYLES,
    INFERRED_STYLE,
    MARKED_STATUSES,
    REFERENCE_STYLE,
    ROLE_ZH,
    STAGE_ZH,
    chain_name,
    legend,
    node_size,
    style_for,
)

VIS_JS = "vis-network.min.js"
VIEW_JS = "graph-view.js"


def static_file(name: str) -> str:
    """Text of a file shipped in ``viz/static``."""
    return resources.files("chainatlas.viz").joinpath("static", name).read_text("utf-8")


@lru_cache(maxsize=1)
def vis_js() -> str:
    """The vis-network standalone UMD bundle shipped in ``viz/static``."""
    return static_file(VIS_JS)


@lru_cache(maxsize=1)
def view_js() -> str:
    """Our drawing code (``graph-view.js``), shared with the web explorer."""
    return static_file(VIEW_JS)


@lru_cache(maxsize=1)
def _env() -> Environment:
    return Environment(loader=PackageLoader("chainatlas.viz", "templates"),
                       autoescape=select_autoescape(default=True, default_for_string=True))


def script_json(obj: Any) -> str:
    """JSON safe to place inside a ``<script>`` element (no ``</script>``, no ``<!--``).

    >>> script_json({"a": "</script><b>&"})
    '{"a": "\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026"}'
    """
    text = json.dumps(obj, ensure_ascii=False)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _font(size: int, bold: bool = False) -> dict[str, Any]:
    face = CJK_CSS_STACK.replace('"', "")
    return {"face": face, "size": size, "color": "#17202a",
            **({"bold": {"face": face, "size": size, "color": "#17202a"}} if bold else {}),
            "multi": "md" if bold else False}


def _node_tip(v: VNode) -> dict[str, Any]:
    st = style_for(v.kind)
    lines = [f"类型 {st.zh} ({st.en}) · id {v.id}"]
    if v.role:
        lines.append(f"角色 role: {ROLE_ZH.get(v.role, v.role)} ({v.role})")
    if v.aliases:
        lines.append("别名 aliases: " + "、".join(v.aliases))
    stage = v.props.get("stage")
    if stage:
        lines.append(f"环节 stage: {STAGE_ZH.get(stage, stage)} ({stage})")
    status = v.props.get("status")
    if status and status in GAP_STYLES:
        g = GAP_STYLES[status]
        lines.append(f"状态 status: {g['zh']} ({g['en']}) {v.props.get('reason') or ''}".strip())
    basis = v.props.get("basis")
    if basis and basis != "stated":
        ref = v.props.get("reference")
        lines.append(f"依据 basis: {BASIS_ZH.get(basis, basis)} ({basis})"
                     + (f" · {ref}" if ref else ""))
    return {"name": v.name, "name_en": v.name_en, "lines": lines, "sources": v.sources}


def _edge_tip(e: VEdge) -> dict[str, Any] | None:
    rel = REL_TYPES.get(e.type)
    name = f"{rel.zh if rel else e.type} ({e.type})"
    lines = [f"角色 role: {ROLE_ZH.get(e.role, e.role)} ({e.role})"] if e.role else []
    return {"name": name, "name_en": None, "lines": lines, "sources": e.sources}


def _label(name: str, width: int = 10) -> str:
    """Break long Chinese names over lines so labels stay narrow."""
    if len(name) <= width:
        return name
    return "\n".join(name[i:i + width] for i in range(0, min(len(name), width * 3), width))


def _options(physics: bool = False) -> dict[str, Any]:
    return {
        "physics": {"enabled": physics},
        "layout": {"improvedLayout": False, "randomSeed": 7},
        "interaction": {"hover": True, "tooltipDelay": 120, "navigationButtons": False,
                        "keyboard": False, "multiselect": False},
        "edges": {"smooth": False, "color": {"color": "#b3b6b7", "highlight": "#34495e"},
                  "width": 1, "selectionWidth": 2},
        "nodes": {"font": _font(14)},
    }


def _payload(title: str, subtitle: str, net: Network, tips_n: list[dict[str, Any]],
             tips_e: list[dict[str, Any] | None], legend_rows: list[dict[str, Any]],
             boxes: dict[str, Any] | None = None) -> dict[str, Any]:
    """What ``graph-view.js`` draws: vis nodes/edges with positions, tooltips, legend, boxes."""
    return {
        "title": title,
        "subtitle": subtitle,
        "nodes": [{"vis": n, "tip": t} for n, t in zip(net.nodes, tips_n, strict=True)],
        "edges": [{"vis": e, "tip": t} for e, t in zip(net.edges, tips_e, strict=True)],
        "options": _options(),
        "legend": legend_rows,
        "boxes": boxes,
        "font": CJK_CSS_STACK,
    }


def page(payload: dict[str, Any]) -> str:
    """A payload as a self-contained HTML page (vis-network and the view code inlined)."""
    return _env().get_template("graph.html.j2").render(
        title=payload["title"], subtitle=payload["subtitle"], font_stack=CJK_CSS_STACK,
        vis_js=vis_js(), view_js=view_js(), data_json=script_json(payload))


def neighbourhood_html(graph: VGraph, title: str | None = None) -> str:
    """A node and its neighbourhood as a self-contained interactive page."""
    return page(neighbourhood_payload(graph, title))


def chain_map_html(cm: ChainMap) -> str:
    """The chain map (upstream → downstream, actors under segments, gaps marked) as a page."""
    return page(chain_map_payload(cm))


def neighbourhood_payload(graph: VGraph, title: str | None = None,
                          note: str = "") -> dict[str, Any]:
    """The drawing payload of a neighbourhood (positions from :mod:`layout`); ``note`` (what a
    cap left out) ends the subtitle."""
    pos = neighbourhood_layout(graph)
    net = Network(directed=True, cdn_resources="local")
    tips: list[dict[str, Any]] = []
    big = len(graph.nodes) > 150
    for v in sorted(graph.nodes, key=lambda v: (v.depth, v.id)):
        st = style_for(v.kind)
        x, y = pos[v.id]
        center = v.id == graph.center
        net.add_node(v.id, label=_label(v.name), shape=st.shape, color=st.colour, x=x, y=y,
                     size=node_size(v.kind, v.role, center=center) * (0.8 if big else 1.0),
                     font=_font(18 if center else (11 if big else 14), bold=center),
                     borderWidth=3 if v.role == "leader" or center else 1,
                     physics=False)
        tips.append(_node_tip(v))
    etips: list[dict[str, Any] | None] = []
    ids = {v.id for v in graph.nodes}
    for e in graph.edges:
        if e.source not in ids or e.target not in ids:
            continue
        rel = REL_TYPES.get(e.type)
        net.add_edge(e.source, e.target, arrows="to",
                     color="#c0392b" if e.role == "leader" else "#b3b6b7",
                     width=2 if e.role == "leader" else 1,
                     label=rel.zh if rel and not big and len(graph.edges) <= 60 else None,
                     font={"size": 10, "color": "#7f8c8d", "strokeWidth": 3})
        etips.append(_edge_tip(e))
    center = graph.node(graph.center)
    name = center.name if center else graph.center
    t = title or f"{name} 关系网络"
    sub = (f"{center.name_en + ' · ' if center and center.name_en else ''}"
           f"neighbourhood · {len(graph.nodes)} 个节点 nodes · {len(graph.edges)} 条关系 edges"
           + (" · 已截断 truncated" if graph.truncated else "")
           + " · 悬停查看来源 hover for sources" + (f" · {note}" if note else ""))
    rows = legend(sorted({v.kind for v in graph.nodes}))
    rows.append({"kind": "leader", "zh": "粗边框 = 链主", "en": "chain leader",
                 "colour": "#17202a"})
    return _payload(t, sub, net, tips, etips, rows)


def status_counts(cm: ChainMap) -> str:
    """``缺链 0 · 弱链 1 · 已有 4 · 未掌握 0`` for captions.

    >>> from chainatlas.viz.data import SegmentInfo
    >>> cm = ChainMap("c", "C", None, None, [SegmentInfo("a", "A", None, "upstream", 1,
    ...               status="unknown")], [], [])
    >>> status_counts(cm)
    '缺链 0 · 弱链 0 · 已有 0 · 未掌握 1'
    """
    return " · ".join(f"{GAP_STYLES[k]['zh']} {sum(1 for s in cm.segments if s.status == k)}"
                      for k in ("gap", "weak", "covered", "unknown"))


def coverage_line(cm: ChainMap) -> str:
    """The coverage note (graph firms vs documented counts) for captions."""
    return str(cm.coverage.get("note") or "")


def _empty_text(seg: Any) -> str:
    if seg.status == "covered":
        return "文件称本地已有 · 企业未收录"
    if seg.status == "gap":
        return "文件称本地缺少"
    if seg.status == "weak":
        return "文件称薄弱 · 需引育"
    return "未掌握 · 无数据 (no data)"


def chain_map_payload(cm: ChainMap) -> dict[str, Any]:
    """The drawing payload of a chain map (columns, gap boxes, actors)."""
    lay = chain_layout(cm)
    net = Network(directed=True, cdn_resources="local")
    tips: list[dict[str, Any]] = []
    segs = {s.id: s for s in cm.segments}
    # an actor's role differs by segment (BYD leads 整车, is a member of 零部件)
    own = {(s.id, a.id): a for s in cm.segments for a in s.actors}
    whole = {a.id: a for a in cm.chain_actors}
    kinds = {a.kind for a in [*own.values(), *whole.values()]}
    columns = []
    for col in lay.columns:
        seg = segs[col.segment_id]
        g = GAP_STYLES.get(seg.status, GAP_STYLES["covered"])
        gap = seg.status in MARKED_STATUSES
        b = col.box
        reference = seg.basis == "reference"
        columns.append({"x": b.x, "y": b.y, "w": b.w, "h": b.h, "colour": g["colour"],
                        "fill": g["fill"] if gap else "#ffffff", "gap": gap,
                        "status": seg.status,
                        "badge": f"{g['zh']} {g['en']}" if gap else None,
                        "reference": REFERENCE_STYLE["tag"] if reference else None,
                        "refColour": REFERENCE_STYLE["colour"],
                        "empty": _empty_text(seg) if not seg.actors else None,
                        "more": f"… 另有 {col.hidden} 家 (+{col.hidden} more)"
                        if col.hidden else None})
        label = seg.name + (f"\n{seg.name_en}" if seg.name_en else "")
        net.add_node(seg.id, label=label, shape="box", x=col.header.cx, y=col.header.cy,
                     widthConstraint={"minimum": b.w - 16, "maximum": b.w - 16},
                     heightConstraint={"minimum": col.header.h - 16},
                     color={"background": "#f0f3f4" if not gap else g["fill"],
                            "border": g["colour"]},
                     font=_font(17), borderWidth=2, fixed=True, physics=False)
        tips.append(_node_tip(VNode(seg.id, "segment", seg.name, seg.name_en,
                                    props={"stage": seg.stage, "status": seg.status,
                                           "basis": seg.basis, "reference": seg.reference,
                                           "reason": seg.reason},
                                    sources=seg.evidence or seg.sources)))
    placed: set[str] = set()
    for slot in [*(s for c in lay.columns for s in c.slots), *lay.chain_slots]:
        a = own.get((slot.segment_id, slot.actor_id)) or whole[slot.actor_id]
        node_id = a.id if a.id not in placed else f"{a.id}@{slot.segment_id}"
        placed.add(a.id)
        st = style_for(a.kind)
        leader = a.role == "leader"
        name = a.name + ("（外地）" if a.local is False else "") + (
            f"（{INFERRED_STYLE['tag']}）" if a.basis in ("inferred", "rule") else "")
        net.add_node(node_id, label=_label(name, 11), shape="box", x=slot.x + 95, y=slot.y,
                     widthConstraint={"minimum": 190, "maximum": 190},
                     color={"background": "#ffffff", "border": st.colour},
                     borderWidth=4 if leader else 1.5,
                     font=_font(15 if leader else 13), fixed=True, physics=False,
                     shapeProperties={"borderRadius": 4, "borderDashes":
                                      [5, 4] if a.basis in ("inferred", "rule") else False})
        tips.append(_node_tip(VNode(a.id, a.kind, a.name, a.name_en, role=a.role,
                                    sources=a.sources)))
    etips: list[dict[str, Any] | None] = []
    place = {s.id: i for i, s in enumerate(cm.segments)}
    for a_id, b_id in cm.flows:
        if a_id in segs and b_id in segs:
            if abs(place[a_id] - place[b_id]) > 1:
                # feeds a later segment: dashed and curved above the row, as the legend says
                # (a straight line would run behind the segments in between)
                net.add_edge(a_id, b_id, arrows="to", color="#7f8c8d", width=1.5, dashes=True,
                             smooth={"enabled": True, "type": "curvedCW", "roundness": 0.15})
            else:
                net.add_edge(a_id, b_id, arrows="to", color="#34495e", width=2.5)
            etips.append(_edge_tip(VEdge(a_id, b_id, "UPSTREAM_OF")))
    bands = [{"x": b.box.x, "y": b.box.y, "w": b.box.w, "h": b.box.h - 6,
              "label": f"{STAGE_ZH.get(b.stage, b.stage)} {b.stage}"} for b in lay.bands]
    if lay.chain_row:
        r = lay.chain_row
        columns.append({"x": r.x, "y": r.y, "w": r.w, "h": r.h, "colour": "#aab7b8",
                        "fill": "#f8f9f9", "gap": False, "badge": None,
                        "empty": None, "more": None})
        bands.append({"x": r.x, "y": r.y + 4, "w": 260, "h": 30,
                      "label": "全链 whole chain"})
    rows = legend(sorted(kinds))
    rows.append({"kind": "leader", "zh": "粗边框 = 链主", "en": "chain leader",
                 "colour": "#17202a"})
    for status in ("gap", "weak", "unknown"):
        g = GAP_STYLES[status]
        rows.append({"kind": status, "zh": g["zh"], "en": g["en"], "colour": g["colour"],
                     "fill": g["fill"], "box": True})
    rows.append({"kind": "reference", "zh": REFERENCE_STYLE["zh"], "en": REFERENCE_STYLE["en"],
                 "colour": REFERENCE_STYLE["colour"], "fill": "#ffffff", "box": True,
                 "dash": "dotted"})
    rows.append({"kind": "inferred", "zh": INFERRED_STYLE["zh"], "en": INFERRED_STYLE["en"],
                 "colour": "#566573", "fill": "#ffffff", "box": True, "dash": "dashed"})
    # the grey boxes and the arrows, as on the still pictures
    rows += [{"kind": "covered", "zh": "灰框 = 已有（有本地企业或文件表述）", "en": "covered",
              "colour": GAP_STYLES["covered"]["colour"], "fill": "#ffffff", "box": True,
              "dash": "solid"},
             {"kind": "flow", "zh": "实线箭头 = 上游供给下游", "en": "feeds",
              "colour": "#34495e", "arrow": "solid"},
             {"kind": "flow-far", "zh": "虚线箭头 = 跨环节供给", "en": "feeds a later segment",
              "colour": "#7f8c8d", "arrow": "dashed"}]
    title = f"{chain_name(cm.name)}图谱"
    if cm.segments:
        sub = (f"{cm.name_en + ' chain map · ' if cm.name_en else ''}上游 → 下游 upstream → "
               f"downstream · {len(cm.segments)} 个环节 segments · {status_counts(cm)} · "
               f"{coverage_line(cm)} · 悬停查看来源 hover for sources")
    else:  # a key chain with no segments of its own: say what it is, not "0 个环节"
        parent = cm.parent["name"] if cm.parent else None
        sub = (f"{cm.name_en + ' · ' if cm.name_en else ''}"
               + (f"「{parent}」下的重点产业链，暂未划分自己的环节，环节见「{parent}」 · "
                  f"key chain of {parent}, no segments of its own"
                  if parent else "暂未划分环节 · no segments yet"))
    return _payload(title, sub, net, tips, etips, rows, {"columns": columns, "bands": bands})
