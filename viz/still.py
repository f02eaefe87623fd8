"""Still pictures (SVG and PNG) of a neighbourhood and of a chain map, with matplotlib.

White background, at least 1920 px wide, Chinese drawn with an installed CJK font (see
:mod:`fonts`; a missing font is a clear error, never tofu boxes). Text stays text in the SVG.
"""

from __future__ import annotations

import io
import math
import textwrap
from typing import Literal

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Rectangle

from chainatlas.viz.data import Actor, ChainMap, VGraph
from chainatlas.viz.fonts import cjk_font_properties
from chainatlas.viz.layout import (
    chain_layout,
    neighbourhood_layout,
)
from chainatlas.viz.style import (
    GAP_STYLES,
    ROLE_ZH,
    STAGE_ZH,
    chain_name,
    legend,
    node_size,
    style_for,
)

Format = Literal["svg", "png"]
MIN_WIDTH_PX = 1920
UNIT_PX = 1.0  # one layout unit at 1x


def _setup() -> None:
    fp = cjk_font_properties()  # raises MissingCJKFont with the package to install
    plt.rcParams["font.family"] = [fp.get_name(), "DejaVu Sans"]
    plt.rcParams["svg.fonttype"] = "none"  # keep text as text in SVG (searchable, editable)
    plt.rcParams["axes.unicode_minus"] = False


def _save(fig: Figure, fmt: Format, dpi: float) -> bytes:
    buf = io.BytesIO()
    meta = {"Creator": "ChainAtlas 链图"} if fmt == "svg" else {"Software": "ChainAtlas 链图"}
    fig.savefig(buf, format=fmt, dpi=dpi, facecolor="white", metadata=meta)
    plt.close(fig)
    return buf.getvalue()


def _wrap(text: str, width: int) -> str:
    """Wrap Chinese (no spaces) and English text at ``width`` characters, at most 2 lines."""
    lines = textwrap.wrap(text, width=width, break_long_words=True) or [text]
    if len(lines) > 2:
        lines = [lines[0], lines[1][: width - 1] + "…"]
    return "\n".join(lines)


def _figure(width_units: float, height_units: float) -> tuple[Figure, float]:
    """A figure in layout units (y down) and the dpi that makes it ≥ 1920 px wide."""
    inch = 100.0  # units per inch
    w_in, h_in = width_units / inch, height_units / inch
    dpi = max(150.0, math.ceil(MIN_WIDTH_PX / w_in) + 1)
    fig = plt.figure(figsize=(w_in, h_in), facecolor="white")
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, width_units)
    ax.set_ylim(height_units, 0)
    ax.set_axis_off()
    return fig, dpi


# --------------------------------------------------------------------------- chain map


def chain_map_figure(cm: ChainMap) -> tuple[Figure, float]:
    """Draw the chain map; returns the figure and the dpi to save it at."""
    _setup()
    lay = chain_layout(cm)
    legend_w = 0.0
    fig, dpi = _figure(lay.width + legend_w, lay.height)
    ax = fig.axes[0]
    fp = cjk_font_properties()
    title = f"{chain_name(cm.name)}图谱"
    if cm.name_en:
        title += f"  ·  {cm.name_en} chain map"
    ax.text(30, 38, title, fontsize=24, fontweight="bold", va="center", fontproperties=fp)
    sub = "上游 → 下游 (upstream → downstream)   红色虚线框 = 缺链 missing   橙色虚线框 = 弱链 weak"
    if cm.parent:
        sub = f"所属标志性产业链: {cm.parent['name']}   ·   " + sub
    ax.text(30, 72, sub, fontsize=11, color="#555555", va="center", fontproperties=fp)
    for band in lay.bands:
        b = band.box
        ax.add_patch(Rectangle((b.x, b.y), b.w, b.h - 6, facecolor="#eaf0f6",
                               edgecolor="none"))
        ax.text(b.cx, b.y + (b.h - 6) / 2, f"{STAGE_ZH.get(band.stage, band.stage)}  "
                f"{band.stage}", ha="center", va="center", fontsize=12, color="#34495e",
                fontproperties=fp)
    segs = {s.id: s for s in cm.segments}
    # one actor can sit in several segments with a different role in each (BYD leads 整车,
    # is a member of 零部件): look it up in its own column
    actors = {a.id: a for a in cm.chain_actors}
    col_of = {c.segment_id: c for c in lay.columns}
    for col in lay.columns:
        seg = segs[col.segment_id]
        gap = GAP_STYLES.get(seg.status, GAP_STYLES["covered"])
        b, h = col.box, col.header
        is_gap = seg.status in ("missing", "weak", "broken")
        ax.add_patch(FancyBboxPatch(
            (b.x, b.y), b.w, b.h, boxstyle="round,pad=0,rounding_size=8",
            facecolor=gap["fill"] if is_gap else "white", edgecolor=gap["colour"],
            linewidth=3.0 if is_gap else 1.4, linestyle=(0, (6, 4)) if is_gap else "-"))
        ax.add_patch(Rectangle((h.x + 1.5, h.y + 1.5), h.w - 3, h.h - 3,
                               facecolor="#fbe3e1" if seg.status == "missing" else
                               ("#fdf0d5" if seg.status == "weak" else "#f0f3f4"),
                               edgecolor="none"))
        name = _wrap(seg.name, 9 if len(seg.name) > 11 else 11)
        ax.text(h.cx, h.y + 26, name, ha="center", va="center",
                fontsize=15 if len(seg.name) <= 9 else 13, fontweight="bold",
                fontproperties=fp, color="#17202a", linespacing=1.0)
        if seg.name_en:
            ax.text(h.cx, h.y + 54, _wrap(seg.name_en, 30), ha="center", va="center",
                    fontsize=9, color="#566573")
        if is_gap:
            ax.text(b.x + b.w - 8, b.y - 4, f"{gap['zh']} {gap['en']}", ha="right",
                    va="bottom", fontsize=12, fontweight="bold", color="white",
                    fontproperties=fp,
                    bbox={"boxstyle": "round,pad=0.3", "facecolor": gap["colour"],
                          "edgecolor": "none"})
        if not seg.actors:
            ax.text(b.cx, h.y + h.h + 60, "暂无本地企业\n待补链 (to fill)", ha="center",
                    va="center", fontsize=12, color=gap["colour"], fontproperties=fp)
        own = {a.id: a for a in seg.actors}
        for slot in col.slots:
            _draw_actor(ax, own[slot.actor_id], slot.x, slot.y, fp)
        if is_gap and seg.actors and seg.reason:
            ax.text(b.cx, b.y + b.h - 16, _wrap(seg.reason.split(" / ")[0], 16), ha="center",
                    va="center", fontsize=9.5, color=gap["colour"], fontproperties=fp)
        if col.hidden:
            ax.text(b.cx, b.y + b.h - 14, f"… 另有 {col.hidden} 家 (+{col.hidden} more)",
                    ha="center", va="center", fontsize=10, color="#566573", fontproperties=fp)
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
                fontweight="bold", va="center", fontproperties=fp, color="#34495e")
        for slot in lay.chain_slots:
            _draw_actor(ax, actors[slot.actor_id], slot.x, slot.y, fp)
    kinds = {a.kind for a in actors.values()} | {a.kind for s in cm.segments for a in s.actors}
    _legend(ax, fp, sorted(kinds), lay.width, lay.height)
    return fig, dpi


def _draw_actor(ax, a: Actor, x: float, y: float, fp) -> None:
    st = style_for(a.kind)
    leader = a.role == "leader"
    ax.plot([x], [y], marker=st.marker, markersize=16 if leader else 11, color=st.colour,
            markeredgecolor="#17202a" if leader else "white", markeredgewidth=1.5 if leader
            else 0.8, linestyle="none")
    label = _wrap(a.name + ("（外地）" if a.local is False else ""), 11)
    ax.text(x + 16, y - (6 if a.name_en else 0), label, va="center", fontsize=12.5 if leader
            else 11.5, fontweight="bold" if leader else "normal", fontproperties=fp,
            color="#17202a")
    if leader:
        ax.text(x + 16 + 190, y - 6, ROLE_ZH["leader"], ha="right", va="center", fontsize=9,
                color="white", fontproperties=fp,
                bbox={"boxstyle": "round,pad=0.2", "facecolor": "#c0392b", "edgecolor": "none"})
    if a.name_en and "\n" not in label:
        en = a.name_en if len(a.name_en) <= 36 else a.name_en[:35] + "…"
        ax.text(x + 16, y + 13, en, va="center", fontsize=8, color="#6c7a89")


def _legend(ax, fp, kinds: list[str], width: float, height: float) -> None:
    y = height - 34
    x = _legend_kinds(ax, fp, kinds, y, "大 = 链主 (chain leader)", marker_for_leader=True)
    x += 200
    for status in ("missing", "weak"):
        g = GAP_STYLES[status]
        ax.add_patch(Rectangle((x, y - 9), 34, 18, facecolor=g["fill"], edgecolor=g["colour"],
                               linewidth=2, linestyle=(0, (4, 3))))
        ax.text(x + 42, y, f"{g['zh']} {g['en']}", fontsize=10, va="center", fontproperties=fp)
        x += 130
    ax.text(width - 30, y, "ChainAtlas 链图", fontsize=9, va="center", ha="right",
            color="#99a3a4", fontproperties=fp)


def chain_map_image(cm: ChainMap, fmt: Format = "png") -> bytes:
    """The chain map as PNG or SVG bytes."""
    fig, dpi = chain_map_figure(cm)
    return _save(fig, fmt, dpi)


# --------------------------------------------------------------------------- neighbourhood


def neighbourhood_figure(graph: VGraph, title: str | None = None) -> tuple[Figure, float]:
    """Draw a neighbourhood with the same positions as the interactive page."""
    _setup()
    fp = cjk_font_properties()
    pos = neighbourhood_layout(graph)
    n = max(len(graph.nodes), 1)
    xs = [p[0] for p in pos.values()] or [0.0]
    ys = [p[1] for p in pos.values()] or [0.0]
    pad = 120.0
    w = max(max(xs) - min(xs) + 2 * pad, 1000.0)
    h = max(max(ys) - min(ys) + 2 * pad + 140, 700.0)
    ox = min(xs) - pad - (w - (max(xs) - min(xs) + 2 * pad)) / 2
    oy = min(ys) - pad - 90
    fig, dpi = _figure(w, h)
    ax = fig.axes[0]
    center = graph.node(graph.center)
    t = title or (f"{center.name} 关系网络" + (f" · {center.name_en} neighbourhood"
                                               if center and center.name_en else "")
                  if center else "关系网络")
    ax.text(30, 40, t, fontsize=22, fontweight="bold", va="center", fontproperties=fp)
    if graph.truncated:
        ax.text(30, 72, f"节点过多，仅显示前 {len(graph.nodes)} 个 (truncated)", fontsize=10,
                color="#b03a2e", va="center", fontproperties=fp)
    font = 11.0 if n <= 60 else (9.0 if n <= 150 else 7.5)
    for e in graph.edges:
        if e.source not in pos or e.target not in pos:
            continue
        (x1, y1), (x2, y2) = pos[e.source], pos[e.target]
        ax.add_line(Line2D([x1 - ox, x2 - ox], [y1 - oy, y2 - oy],
                           color="#c0392b" if e.role == "leader" else "#b3b6b7",
                           linewidth=1.6 if e.role == "leader" else 0.9, zorder=1))
    for v in sorted(graph.nodes, key=lambda v: (-v.depth, v.id)):
        x, y = pos[v.id]
        st = style_for(v.kind)
        size = node_size(v.kind, v.role, center=v.id == graph.center) * (0.9 if n > 150 else 1.1)
        ax.plot([x - ox], [y - oy], marker=st.marker, markersize=size, color=st.colour,
                markeredgecolor="#17202a" if v.role == "leader" else "white",
                markeredgewidth=1.2, linestyle="none", zorder=2)
        ax.text(x - ox, y - oy + size * 0.9 + 6, _wrap(v.name, 12), ha="center", va="top",
                fontsize=font * (1.25 if v.id == graph.center else 1.0),
                fontweight="bold" if v.id == graph.center or v.role == "leader" else "normal",
                fontproperties=fp, zorder=3, color="#17202a",
                bbox={"boxstyle": "round,pad=0.1", "facecolor": "white", "alpha": 0.7,
                      "edgecolor": "none"})
    _legend_kinds(ax, fp, sorted({v.kind for v in graph.nodes}), h - 30,
                  "粗边框 = 链主 (chain leader)", width=w)
    return fig, dpi


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


def _legend_kinds(ax, fp, kinds: list[str], y: float, leader_text: str,
                  marker_for_leader: bool = False, width: float | None = None) -> float:
    """The legend: a marker per kind, then how chain leaders look; returns the end x.

    Items that would pass ``width`` wrap onto rows above ``y`` (the last row stays at ``y``).
    """
    entries = legend(kinds)
    widths = [30 + 11 * (len(e["zh"]) * 1.6 + len(e["en"]) * 0.75) for e in entries]
    widths.append(12 * len(leader_text) + (14 if marker_for_leader else 0))
    rows = _legend_rows(widths, 130.0, (width or float("inf")) - 30)
    y0 = y - 24 * (len(rows) - 1)
    ax.text(30.0, y0, "图例 Legend:", fontsize=10, va="center", fontproperties=fp,
            fontweight="bold")
    x = 130.0
    for r, row in enumerate(rows):
        x, yy = 130.0, y0 + 24 * r
        for i in row:
            if i == len(entries):  # the leader note
                if marker_for_leader:
                    ax.plot([x], [yy], marker="o", markersize=14, color="#7f8c8d",
                            markeredgecolor="#17202a", linestyle="none")
                    x += 14
                ax.text(x, yy, leader_text, fontsize=10, va="center", fontproperties=fp)
                continue
            e = entries[i]
            ax.plot([x], [yy], marker=style_for(e["kind"]).marker, markersize=10,
                    color=e["colour"], linestyle="none")
            ax.text(x + 12, yy, f"{e['zh']} {e['en']}", fontsize=10, va="center",
                    fontproperties=fp)
            x += widths[i]
    return x


def neighbourhood_image(graph: VGraph, fmt: Format = "png", title: str | None = None) -> bytes:
    """The neighbourhood as PNG or SVG bytes."""
    fig, dpi = neighbourhood_figure(graph, title)
    return _save(fig, fmt, dpi)
