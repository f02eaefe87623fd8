"""Still pictures (SVG and PNG) of a neighbourhood and of a chain map, with matplotlib.

White background, at least 1920 px wide, Chinese drawn with an installed CJK font (see
:mod:`fonts`; a missing font is a clear error, never tofu boxes). Text stays text in the SVG.
"""

from __future__ import annotations

import io
import math
from typing import Any, Literal

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Rectangle

from chainatlas.viz.data import Actor, ChainMap, VGraph
from chainatlas.viz.fonts import cjk_font_properties
from chainatlas.viz.interactive import _empty_text, coverage_line, status_counts
from chainatlas.viz.layout import COL_W, MARGIN, chain_layout, neighbourhood_layout
from chainatlas.viz.style import (
    GAP_STYLES,
    MARKED_STATUSES,
    REFERENCE_STYLE,
    ROLE_ZH,
    STAGE_ZH,
    chain_name,
    legend,
    node_size,
    style_for,
)
from chainatlas.viz.textfit import clip, line_height, set_font, wrap
from chainatlas.viz.textfit import width as tf_width

Format = Literal["svg", "png"]
MIN_WIDTH_PX = 1920
UNIT_PX = 1.0  # one layout unit at 1x


def _setup() -> None:
    fp = cjk_font_properties()  # raises MissingCJKFont with the package to install
    plt.rcParams["font.family"] = [fp.get_name(), "DejaVu Sans"]
    set_font(fp.get_name())
    plt.rcParams["svg.fonttype"] = "none"  # keep text as text in SVG (searchable, editable)
    plt.rcParams["axes.unicode_minus"] = False


def _save(fig: Figure, fmt: Format, dpi: float) -> bytes:
    buf = io.BytesIO()
    meta = {"Creator": "ChainAtlas 链图"} if fmt == "svg" else {"Software": "ChainAtlas 链图"}
    fig.savefig(buf, format=fmt, dpi=dpi, facecolor="white", metadata=meta)
    plt.close(fig)
    return buf.getvalue()


def _figure(width_units: float, height_units: float, top: float = 0.0) -> tuple[Figure, float]:
    """A figure in layout units (y down, from ``top``) and the dpi that makes it ≥ 1920 px
    wide."""
    inch = 100.0  # units per inch
    w_in, h_in = width_units / inch, height_units / inch
    dpi = max(150.0, math.ceil(MIN_WIDTH_PX / w_in) + 1)
    fig = plt.figure(figsize=(w_in, h_in), facecolor="white")
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, width_units)
    ax.set_ylim(top + height_units, top)
    ax.set_axis_off()
    return fig, dpi


def _lines(ax, x: float, y: float, lines: list[str], size: float, *, ha: str = "left",
           bold: bool = False, colour: str = "#17202a", spacing: float = 1.25,
           **kw: Any) -> float:
    """Draw ``lines`` one text per line, the first one's top at ``y``; returns the bottom y."""
    lh = line_height(size, spacing)
    for i, line in enumerate(lines):
        ax.text(x, y + lh * (i + 0.5), line, ha=ha, va="center", fontsize=size,
                fontweight="bold" if bold else "normal", color=colour, **kw)
    return y + lh * len(lines)


def _block_height(n: int, size: float, spacing: float = 1.25) -> float:
    return line_height(size, spacing) * n


def _title_block(ax, title: str, title_en: str | None, sub: str, width: float, y: float,
                 draw: bool = True) -> float:
    """The picture's title (Chinese, then English) and subtitle, wrapped to ``width``;
    returns the bottom y (with ``draw=False``, only measures)."""
    w = width - 2 * MARGIN
    parts = [(wrap(title, w, 24, True, 2), 24.0, True, "#17202a")]
    if title_en:
        parts.append((wrap(title_en, w, 14, False, 2), 14.0, False, "#34495e"))
    if sub:
        parts.append((wrap(sub, w, 11, False, 3), 11.0, False, "#555555"))
    for lines, size, bold, colour in parts:
        if draw:
            y = _lines(ax, MARGIN, y, lines, size, bold=bold, colour=colour, spacing=1.2)
        else:
            y += _block_height(len(lines), size, 1.2)
    return y


# --------------------------------------------------------------------------- legend

LEGEND_ROW = 28.0
LEGEND_FONT = 10.0
WATERMARK = "ChainAtlas 链图"


def _legend_items(kinds: list[str], leader_text: str, chain: bool) -> list[tuple[str, str]]:
    """``(icon, label)`` of every legend entry: kinds, leaders, and on chain maps the gap
    boxes, the grey covered boxes and the arrows."""
    items = [(f"kind:{e['kind']}", f"{e['zh']} {e['en']}") for e in legend(kinds)]
    items.append(("leader", leader_text))
    if chain:
        items += [("gap:gap", "缺链 gap（文件称缺少）"),
                  ("gap:weak", "弱链 weak（文件称薄弱）"),
                  ("gap:unknown", "未掌握 no data（无证据，不等于缺链）"),
                  ("gap:covered", "灰框 = 已有 covered"),
                  ("reference", "点线框 = 参考环节 reference（行业常识，无出处）"),
                  ("text:（推断）", "= 推断归属 inferred"),
                  ("arrow", "实线箭头 = 上游供给下游 feeds"),
                  ("dashed", "虚线箭头 = 跨环节供给 feeds a later segment")]
    return items


def _icon_w(icon: str) -> float:
    if icon.startswith("text:"):
        return tf_width(icon[5:], LEGEND_FONT)
    return 44.0 if icon.startswith(("gap:", "arrow", "dashed", "reference")) else 20.0


def _legend_rows(widths: list[float], start: float, limit: float) -> list[list[int]]:
    """Indices of legend items per row, each row fitting between ``start`` and ``limit``.

    >>> _legend_rows([100, 100, 100], 0, 250)
    [[0, 1], [2]]
    """
    rows: list[list[int]] = [[]]
    x = start
    for i, w in enumerate(widths):
        if rows[-1] and x + w > limit:
            rows.append([])
            x = start
        rows[-1].append(i)
        x += w
    return rows


def _legend_layout(items: list[tuple[str, str]], width: float) -> tuple[list[list[int]],
                                                                     list[float]]:
    widths = [_icon_w(icon) + 8 + tf_width(label, LEGEND_FONT) + 26 for icon, label in items]
    start = MARGIN + tf_width("图例 Legend:", LEGEND_FONT, True) + 14
    rows = _legend_rows(widths, start, width - MARGIN)
    last = sum(widths[i] for i in rows[-1]) + start
    if last + tf_width(WATERMARK, 9) + 24 > width - MARGIN:
        rows.append([])  # the watermark gets a row of its own, never over the legend
    return rows, widths


def legend_height(kinds: list[str], leader_text: str, chain: bool, width: float) -> float:
    rows, _ = _legend_layout(_legend_items(kinds, leader_text, chain), width)
    return LEGEND_ROW * len(rows) + 22


def _draw_legend(ax, kinds: list[str], leader_text: str, chain: bool, width: float,
                 y: float) -> None:
    """The legend from ``y`` (top) down, wrapped in rows, the watermark bottom right."""
    items = _legend_items(kinds, leader_text, chain)
    rows, widths = _legend_layout(items, width)
    start = MARGIN + tf_width("图例 Legend:", LEGEND_FONT, True) + 14
    yy = y + LEGEND_ROW / 2
    ax.text(MARGIN, yy, "图例 Legend:", fontsize=LEGEND_FONT, va="center", fontweight="bold")
    for r, row in enumerate(rows):
        x, yc = start, yy + LEGEND_ROW * r
        for i in row:
            icon, label = items[i]
            _legend_icon(ax, icon, x, yc)
            ax.text(x + _icon_w(icon) + 8, yc, label, fontsize=LEGEND_FONT, va="center")
            x += widths[i]
    ax.text(width - MARGIN, yy + LEGEND_ROW * (len(rows) - 1), WATERMARK, fontsize=9,
            va="center", ha="right", color="#99a3a4")


def _legend_icon(ax, icon: str, x: float, y: float) -> None:
    if icon.startswith("kind:"):
        kind = icon[5:]
        ax.plot([x + 8], [y], marker=style_for(kind).marker, markersize=10,
                color=style_for(kind).colour, linestyle="none")
    elif icon == "leader":
        ax.plot([x + 8], [y], marker="o", markersize=13, color="#7f8c8d",
                markeredgecolor="#17202a", markeredgewidth=1.5, linestyle="none")
    elif icon.startswith("gap:"):
        g = GAP_STYLES[icon[4:]]
        covered = icon == "gap:covered"
        ax.add_patch(Rectangle((x, y - 9), 40, 18, facecolor="white" if covered else g["fill"],
                               edgecolor=g["colour"], linewidth=1.4 if covered else 2,
                               linestyle="-" if covered else (0, (4, 3))))
    elif icon == "reference":
        ax.add_patch(Rectangle((x, y - 9), 40, 18, facecolor="white",
                               edgecolor=REFERENCE_STYLE["colour"], linewidth=2,
                               linestyle=(0, (1, 3))))
    elif icon.startswith("text:"):
        ax.text(x, y, icon[5:], fontsize=LEGEND_FONT, va="center", color="#17202a")
    elif icon == "arrow":
        ax.add_patch(FancyArrowPatch((x, y), (x + 40, y), arrowstyle="-|>", mutation_scale=14,
                                     color="#34495e", linewidth=2.0))
    elif icon == "dashed":
        ax.add_patch(FancyArrowPatch((x, y), (x + 40, y), arrowstyle="-|>", mutation_scale=12,
                                     color="#7f8c8d", linewidth=1.3, linestyle=(0, (5, 3))))


# --------------------------------------------------------------------------- chain map

ACTOR_LABEL_W = COL_W - 38 - 10
"""Room for an actor's label inside a segment column (marker at +22, label at +38)."""
CHAIN_SLOT_W = 250.0 - 38 - 14


def chain_map_figure(cm: ChainMap, titled: bool = True) -> tuple[Figure, float]:
    """Draw the chain map; returns the figure and the dpi to save it at. ``titled=False``
    leaves out the title block (for a slide that has its own title)."""
    _setup()
    lay = chain_layout(cm)
    width = lay.width
    title = f"{chain_name(cm.name)}图谱"
    title_en = f"{cm.name_en} chain map" if cm.name_en else None
    sub = (f"上游 → 下游 (upstream → downstream)   ·   {status_counts(cm)}   ·   "
           f"{coverage_line(cm)}")
    if cm.parent:
        sub = f"所属标志性产业链 parent chain: {cm.parent['name']}   ·   " + sub
    first = lay.bands[0].box.y if lay.bands else (lay.note.y if lay.note else lay.title_h)
    if titled:  # room above the layout for a long (wrapped) title
        top = min(0.0, first - _title_block(None, title, title_en, sub, width, 16.0,
                                            draw=False) - 10)
    else:  # no title block: the picture starts just above the first band (or the note)
        top = first - 16.0
    actors = {a.id: a for a in cm.chain_actors}
    kinds = sorted({a.kind for a in actors.values()}
                   | {a.kind for s in cm.segments for a in s.actors})
    leg_y = lay.height - 60 + 8
    bottom = leg_y + legend_height(kinds, "大 = 链主 chain leader", True, width)
    fig, dpi = _figure(width, bottom - top, top)
    ax = fig.axes[0]
    if titled:
        _title_block(ax, title, title_en, sub, width, top + 16.0)
    for band in lay.bands:
        b = band.box
        ax.add_patch(Rectangle((b.x, b.y), b.w, b.h - 6, facecolor="#eaf0f6",
                               edgecolor="none"))
        ax.text(b.cx, b.y + (b.h - 6) / 2, clip(f"{STAGE_ZH.get(band.stage, band.stage)}  "
                                                f"{band.stage}", b.w - 10, 12),
                ha="center", va="center", fontsize=12, color="#34495e")
    if lay.note is not None:
        _draw_no_segments(ax, cm, lay.note)
    segs = {s.id: s for s in cm.segments}
    # one actor can sit in several segments with a different role in each (BYD leads 整车,
    # is a member of 零部件): look it up in its own column
    col_of = {c.segment_id: c for c in lay.columns}
    for col in lay.columns:
        _draw_column(ax, col, segs[col.segment_id])
    for a_id, b_id in cm.flows:
        ca, cb = col_of.get(a_id), col_of.get(b_id)
        if ca is None or cb is None:
            continue
        ya = ca.header.cy
        if cb.box.x > ca.box.x and abs(lay.columns.index(cb) - lay.columns.index(ca)) == 1:
            ax.add_patch(FancyArrowPatch((ca.box.x + ca.box.w + 4, ya),
                                         (cb.box.x - 4, ya), arrowstyle="-|>",
                                         mutation_scale=22, color="#34495e", linewidth=2.2))
        else:  # not neighbours: a curve under the columns, so it crosses no label
            rad = 0.12 if cb.box.x > ca.box.x else -0.12
            ax.add_patch(FancyArrowPatch((ca.header.cx, ca.box.y + ca.box.h + 2),
                                         (cb.header.cx, cb.box.y + cb.box.h + 2),
                                         connectionstyle=f"arc3,rad={rad}",
                                         arrowstyle="-|>", mutation_scale=16, color="#7f8c8d",
                                         linewidth=1.3, linestyle=(0, (5, 3))))
    if lay.chain_row:
        r = lay.chain_row
        ax.add_patch(FancyBboxPatch((r.x, r.y), r.w, r.h,
                                    boxstyle="round,pad=0,rounding_size=8",
                                    facecolor="#f8f9f9", edgecolor="#aab7b8", linewidth=1.2))
        ax.text(r.x + 12, r.y + 22, "全链 / 服务全链 (whole chain)", fontsize=12,
                fontweight="bold", va="center", color="#34495e")
        for slot in lay.chain_slots:
            _draw_actor(ax, actors[slot.actor_id], slot.x, slot.y, CHAIN_SLOT_W)
        if lay.chain_hidden:
            ax.text(r.x + 12, r.y + r.h - 14, f"另有 {lay.chain_hidden} 个未显示 "
                    f"(+{lay.chain_hidden} more)", fontsize=10, va="center", color="#566573")
    _draw_legend(ax, kinds, "大 = 链主 chain leader", True, width, leg_y)
    return fig, dpi


def _draw_no_segments(ax, cm: ChainMap, box) -> None:
    """A key chain with no segments of its own: say so, and where its segments are."""
    ax.add_patch(FancyBboxPatch((box.x, box.y), box.w, box.h,
                                boxstyle="round,pad=0,rounding_size=8", facecolor="#f4f6f7",
                                edgecolor="#aab7b8", linewidth=1.2))
    parent = cm.parent["name"] if cm.parent else None
    text = (f"{cm.name}暂未划分自己的环节；其企业与项目见下方，环节见所属标志性产业链"
            f"「{parent}」的产业链图谱。" if parent else f"{cm.name}暂未划分环节。")
    en = (f"No segments of its own yet: see the chain map of {cm.parent.get('name_en') or parent}."
          if parent else "No segments yet.")
    y = _lines(ax, box.x + 16, box.y + 12, wrap(text, box.w - 32, 13, False, 2), 13,
               colour="#34495e")
    _lines(ax, box.x + 16, y + 2, wrap(en, box.w - 32, 10, False, 1), 10, colour="#566573")


def _draw_column(ax, col, seg) -> None:
    gap = GAP_STYLES.get(seg.status, GAP_STYLES["covered"])
    b, h = col.box, col.header
    is_gap = seg.status in MARKED_STATUSES
    ax.add_patch(FancyBboxPatch(
        (b.x, b.y), b.w, b.h, boxstyle="round,pad=0,rounding_size=8",
        facecolor=gap["fill"] if is_gap else "white", edgecolor=gap["colour"],
        linewidth=(1.8 if seg.status == "unknown" else 3.0) if is_gap else 1.4,
        linestyle=(0, (6, 4)) if is_gap else "-"))
    ax.add_patch(Rectangle((h.x + 1.5, h.y + 1.5), h.w - 3, h.h - 3,
                           facecolor="#fbe3e1" if seg.status in ("gap", "missing") else
                           ("#fdf0d5" if seg.status == "weak" else "#f0f3f4"),
                           edgecolor="none"))
    reference = seg.basis == "reference"
    if reference:  # industry knowledge, no source: dotted inner frame
        ax.add_patch(Rectangle((b.x + 6, b.y + 6), b.w - 12, b.h - 12, facecolor="none",
                               edgecolor=REFERENCE_STYLE["colour"], linewidth=2,
                               linestyle=(0, (1, 3))))
    room = h.w - 18
    size = 15.0 if tf_width(seg.name, 15, True) <= room else 13.0
    name = wrap(seg.name, room, size, True, 2)
    en = clip(seg.name_en, room, 9) if seg.name_en else ""
    block = _block_height(len(name), size, 1.15) + (_block_height(1, 9) + 2 if en else 0)
    y = _lines(ax, h.cx, h.y + (h.h - block) / 2, name, size, ha="center", bold=True,
               spacing=1.15)
    if en:
        _lines(ax, h.cx, y + 2, [en], 9, ha="center", colour="#566573")
    if is_gap:
        ax.text(b.x + b.w - 8, b.y - 4, f"{gap['zh']} {gap['en']}", ha="right",
                va="bottom", fontsize=12, fontweight="bold", color="white",
                bbox={"boxstyle": "round,pad=0.3", "facecolor": gap["colour"],
                      "edgecolor": "none"})
    if not seg.actors:
        empty = [ln for part in _empty_text(seg).split(" · ")
                 for ln in wrap(part, b.w - 30, 12, False, 2)]
        _lines(ax, b.cx, h.y + h.h + 36, empty, 12, ha="center", colour=gap["colour"])
    own = {a.id: a for a in seg.actors}
    for slot in col.slots:
        _draw_actor(ax, own[slot.actor_id], slot.x, slot.y, ACTOR_LABEL_W)
    bottom = b.y + b.h - 12  # notes stay clear of the (dashed) border
    if reference:
        bottom -= _block_height(1, 10.5) + 2
        _lines(ax, b.cx, bottom, [REFERENCE_STYLE["tag"]], 10.5, ha="center", bold=True,
               colour=REFERENCE_STYLE["colour"])
    if is_gap and seg.actors and seg.reason:
        note = wrap(seg.reason.split(" / ")[0], b.w - 24, 9.5, False, 2)
        bottom -= _block_height(len(note), 9.5)
        _lines(ax, b.cx, bottom, note, 9.5, ha="center", colour=gap["colour"])
    if col.hidden:
        bottom -= _block_height(1, 10) + 2
        _lines(ax, b.cx, bottom, [f"另有 {col.hidden} 家未显示 (+{col.hidden} more)"], 10,
               ha="center", colour="#566573")


def _draw_actor(ax, a: Actor, x: float, y: float, room: float) -> None:
    """An actor: marker at (x, y), its name (≤ 2 lines) and a small line under it (链主 and
    the English name), the whole block centred on y."""
    st = style_for(a.kind)
    leader = a.role == "leader"
    ax.plot([x], [y], marker=st.marker, markersize=16 if leader else 11, color=st.colour,
            markeredgecolor="#17202a" if leader else "white", markeredgewidth=1.5 if leader
            else 0.8, linestyle="none")
    size = 12.5 if leader else 11.5
    mark = ("（外地）" if a.local is False else "") + (
        "（推断）" if a.basis in ("inferred", "rule") else "")
    name = wrap(a.name + mark, room, size, leader, 2)
    small = [p for p in (ROLE_ZH["leader"] if leader else "",
                         a.name_en if a.name_en and len(name) == 1 else "") if p]
    sub = clip(" · ".join(small), room, 8.5) if small else ""
    block = _block_height(len(name), size, 1.2) + (_block_height(1, 8.5) if sub else 0)
    yy = _lines(ax, x + 16, y - block / 2, name, size, bold=leader, spacing=1.2)
    if sub:
        _lines(ax, x + 16, yy, [sub], 8.5, colour="#c0392b" if leader else "#6c7a89")


def chain_map_image(cm: ChainMap, fmt: Format = "png", titled: bool = True) -> bytes:
    """The chain map as PNG or SVG bytes (``titled=False``: without the title block)."""
    fig, dpi = chain_map_figure(cm, titled)
    return _save(fig, fmt, dpi)


# --------------------------------------------------------------------------- neighbourhood


STILL_MAX_NODES = 40
"""A still neighbourhood shows at most this many nodes (the rest summed up, 等N个)."""
LABEL_W = 150.0


def cap_graph(graph: VGraph, max_nodes: int = STILL_MAX_NODES) -> tuple[VGraph, dict[str, int]]:
    """The most relevant ``max_nodes`` nodes (closest, most connected) and how many of each
    kind were left out.

    >>> from chainatlas.viz.data import VGraph, VNode, VEdge
    >>> g = VGraph("c", [VNode("c", "district", "C")] + [VNode(f"m{i}", "metric", f"M{i}",
    ...            depth=1) for i in range(5)],
    ...            [VEdge(f"m{i}", "c", "METRIC_OF") for i in range(5)])
    >>> small, left = cap_graph(g, 3)
    >>> len(small.nodes), left
    (3, {'metric': 3})
    """
    if len(graph.nodes) <= max_nodes:
        return graph, {}
    degree: dict[str, int] = {}
    for e in graph.edges:
        degree[e.source] = degree.get(e.source, 0) + 1
        degree[e.target] = degree.get(e.target, 0) + 1
    order = KIND_PRIORITY
    ranked = sorted(graph.nodes, key=lambda v: (
        v.id != graph.center, v.depth, v.role != "leader",
        order.index(v.kind) if v.kind in order else len(order), -degree.get(v.id, 0), v.id))
    keep = {v.id for v in ranked[:max_nodes]}
    left: dict[str, int] = {}
    for v in ranked[max_nodes:]:
        left[v.kind] = left.get(v.kind, 0) + 1
    return VGraph(graph.center, [v for v in graph.nodes if v.id in keep],
                  [e for e in graph.edges if e.source in keep and e.target in keep],
                  truncated=True), left


def cap_note(shown: int, left: dict[str, int],
             where: str = "the interactive page has them all") -> str:
    """What :func:`cap_graph` left out, said in Chinese then English ("" when nothing was).

    >>> cap_note(40, {"metric": 30, "agency": 13}).split(" (")[0]
    '仅显示最相关的 40 个节点，另有指标30个、机构13个等43个未显示'
    """
    if not left:
        return ""
    total = sum(left.values())
    parts = "、".join(f"{style_for(k).zh}{c}个" for k, c in
                     sorted(left.items(), key=lambda kv: (-kv[1], kv[0])))
    return (f"仅显示最相关的 {shown} 个节点，另有{parts}等{total}个未显示 "
            f"(and {total} more not shown; {where})")


KIND_PRIORITY = ["chain", "segment", "enterprise", "cluster", "park", "platform", "project",
                 "district", "agency", "person", "policy", "metric", "document"]


def _label_boxes(graph: VGraph, pos: dict[str, tuple[float, float]], font: float
                 ) -> dict[str, tuple[list[str], float, float, float, float]]:
    """Each node's label lines and the box (dx0, dy0, dx1, dy1) of marker + label around it."""
    out = {}
    for v in graph.nodes:
        big = v.id == graph.center
        size = font * (1.25 if big else 1.0)
        bold = big or v.role == "leader"
        lines = wrap(v.name, LABEL_W * (1.3 if big else 1.0), size, bold, 2)
        ms = node_size(v.kind, v.role, center=big) * 1.1 / 0.72 / 2  # marker radius, units
        w = max([tf_width(ln, size, bold) for ln in lines] + [2 * ms])
        h = _block_height(len(lines), size, 1.2)
        out[v.id] = (lines, -w / 2 - 3, -ms - 2, w / 2 + 3, ms + 6 + h + 2)
    return out


def _spread(pos: dict[str, tuple[float, float]], boxes: dict, center: str,
            rounds: int = 300) -> dict[str, tuple[float, float]]:
    """Push apart nodes whose marker + label boxes overlap (the centre stays put)."""
    p = {k: [x, y] for k, (x, y) in pos.items()}
    ids = sorted(p)
    for _ in range(rounds):
        moved = False
        for i, a in enumerate(ids):
            ba = boxes[a]
            for b in ids[i + 1:]:
                bb = boxes[b]
                dx = min(p[a][0] + ba[3], p[b][0] + bb[3]) - max(p[a][0] + ba[1], p[b][0] + bb[1])
                dy = min(p[a][1] + ba[4], p[b][1] + bb[4]) - max(p[a][1] + ba[2], p[b][1] + bb[2])
                if dx <= 0 or dy <= 0:
                    continue
                moved = True
                axis = 0 if dx < dy else 1
                step = (dx if axis == 0 else dy) / 2 + 2
                sign = 1.0 if (p[b][axis] - p[a][axis]) > 0 or (
                    p[b][axis] == p[a][axis] and b > a) else -1.0
                if a == center:
                    p[b][axis] += sign * step * 2
                elif b == center:
                    p[a][axis] -= sign * step * 2
                else:
                    p[a][axis] -= sign * step
                    p[b][axis] += sign * step
        if not moved:
            break
    return {k: (v[0], v[1]) for k, v in p.items()}


def neighbourhood_figure(graph: VGraph, title: str | None = None,
                         max_nodes: int = STILL_MAX_NODES) -> tuple[Figure, float]:
    """Draw a neighbourhood (at most ``max_nodes`` nodes, the rest summed up) from the same
    layout as the interactive page, labels pushed apart so none overlaps another."""
    _setup()
    graph, left = cap_graph(graph, max_nodes)
    n = max(len(graph.nodes), 1)
    font = 11.0 if n <= 60 else 9.0
    pos = neighbourhood_layout(graph, spacing=130.0)
    boxes = _label_boxes(graph, pos, font)
    pos = _spread(pos, boxes, graph.center)
    x0 = min(pos[k][0] + boxes[k][1] for k in pos)
    x1 = max(pos[k][0] + boxes[k][3] for k in pos)
    y0 = min(pos[k][1] + boxes[k][2] for k in pos)
    y1 = max(pos[k][1] + boxes[k][4] for k in pos)
    w = max(x1 - x0 + 2 * 60, 1000.0)
    center = graph.node(graph.center)
    t = title or (f"{center.name} 关系网络" if center else "关系网络")
    t_en = f"{center.name_en} neighbourhood" if center and center.name_en and not title else None
    notes = []
    if left:
        notes.append(cap_note(len(graph.nodes), left))
    elif graph.truncated:
        notes.append(f"节点过多，仅显示前 {len(graph.nodes)} 个 (truncated)")
    sub = "   ".join(notes)
    head = _title_block(None, t, t_en, sub, w, 16.0, draw=False) + 24
    kinds = sorted({v.kind for v in graph.nodes})
    leg_h = legend_height(kinds, "粗边框 = 链主 chain leader", False, w)
    h = head + (y1 - y0) + 30 + leg_h
    ox = x0 - (w - (x1 - x0)) / 2
    oy = y0 - head
    fig, dpi = _figure(w, h)
    ax = fig.axes[0]
    _title_block(ax, t, t_en, sub, w, 16.0)
    for e in graph.edges:
        if e.source not in pos or e.target not in pos:
            continue
        (xa, ya), (xb, yb) = pos[e.source], pos[e.target]
        ax.add_line(Line2D([xa - ox, xb - ox], [ya - oy, yb - oy],
                           color="#c0392b" if e.role == "leader" else "#b3b6b7",
                           linewidth=1.6 if e.role == "leader" else 0.9, zorder=1))
    for v in sorted(graph.nodes, key=lambda v: (-v.depth, v.id)):
        x, y = pos[v.id]
        st = style_for(v.kind)
        big = v.id == graph.center
        size = node_size(v.kind, v.role, center=big) * 1.1
        ax.plot([x - ox], [y - oy], marker=st.marker, markersize=size, color=st.colour,
                markeredgecolor="#17202a" if v.role == "leader" else "white",
                markeredgewidth=1.2, linestyle="none", zorder=2)
        lines, _, _, _, _ = boxes[v.id]
        _lines(ax, x - ox, y - oy + size / 0.72 / 2 + 6, lines, font * (1.25 if big else 1.0),
               ha="center", bold=big or v.role == "leader", spacing=1.2, zorder=3,
               bbox={"boxstyle": "round,pad=0.1", "facecolor": "white", "alpha": 0.75,
                     "edgecolor": "none"})
    _draw_legend(ax, kinds, "粗边框 = 链主 chain leader", False, w, h - leg_h)
    return fig, dpi


def neighbourhood_image(graph: VGraph, fmt: Format = "png", title: str | None = None) -> bytes:
    """The neighbourhood as PNG or SVG bytes."""
    fig, dpi = neighbourhood_figure(graph, title)
    return _save(fig, fmt, dpi)
