"""Deterministic positions, computed server-side, so a picture is the same every time.

* :func:`neighbourhood_layout` — a seeded force layout (networkx) started from rings by depth,
  scaled so that 300 nodes stay readable; the interactive page shows it with physics off.
* :func:`chain_layout` — the chain map geometry: one column per segment, upstream on the left,
  actors stacked under their segment, in abstract units both renderers share.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import networkx as nx

from chainatlas.viz.data import ChainMap, VGraph

SEED = 7


def neighbourhood_layout(graph: VGraph, spacing: float = 110.0) -> dict[str, tuple[float, float]]:
    """Positions (px, y down) of every node; the centre sits at the origin.

    >>> from chainatlas.viz.data import VGraph, VNode, VEdge
    >>> g = VGraph("a", [VNode("a", "chain", "A"), VNode("b", "segment", "B", depth=1)],
    ...            [VEdge("b", "a", "SEGMENT_OF")])
    >>> neighbourhood_layout(g) == neighbourhood_layout(g)
    True
    """
    ids = sorted(n.id for n in graph.nodes)
    if not ids:
        return {}
    g = nx.Graph()
    g.add_nodes_from(ids)
    g.add_edges_from(sorted((e.source, e.target) for e in graph.edges
                            if e.source in g and e.target in g and e.source != e.target))
    n = len(ids)
    depth = {v.id: v.depth for v in graph.nodes}
    # start from rings by depth (deterministic), then relax with a seeded spring layout
    rings: dict[int, list[str]] = {}
    for i in ids:
        rings.setdefault(depth.get(i, 1), []).append(i)
    init: dict[str, tuple[float, float]] = {}
    for d, members in sorted(rings.items()):
        for k, node_id in enumerate(members):
            if d == 0 and len(members) == 1:
                init[node_id] = (0.0, 0.0)
                continue
            a = 2 * math.pi * k / len(members) + d * 0.35
            init[node_id] = (d * math.cos(a), d * math.sin(a))
    if n <= 2:
        pos = init
    else:
        fixed = [graph.center] if graph.center in g else None
        pos = nx.spring_layout(g, pos=init, fixed=fixed, seed=SEED, iterations=120,
                               k=1.6 / math.sqrt(n))
    pos = {k: (float(v[0]), float(v[1])) for k, v in pos.items()}
    # scale so that the mean nearest distance is about ``spacing`` px
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 1e-9)
    target = spacing * max(5.0, math.sqrt(n) * 1.7)
    scale = target / span
    cx, cy = pos.get(graph.center, (0.0, 0.0))
    return {k: (round((x - cx) * scale, 1), round((y - cy) * scale, 1))
            for k, (x, y) in sorted(pos.items())}


# --------------------------------------------------------------------------- chain map


@dataclass
class Box:
    """A rectangle in layout units: x, y is the top-left corner, y grows downwards."""

    x: float
    y: float
    w: float
    h: float

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2


@dataclass
class ActorSlot:
    """Where one actor is drawn inside its segment column."""

    actor_id: str
    segment_id: str | None
    x: float
    y: float


@dataclass
class SegmentColumn:
    """One segment's column: header (name, stage), body with actors, gap mark."""

    segment_id: str
    box: Box
    header: Box
    slots: list[ActorSlot] = field(default_factory=list)
    hidden: int = 0  # actors not drawn (``+N``)


@dataclass
class StageBand:
    """A run of columns of the same stage, labelled above them (上游 / 中游 / 下游 / 配套)."""

    stage: str
    box: Box


@dataclass
class ChainLayout:
    """Geometry of a chain map in abstract units (1 unit ≈ 1 px in the HTML page)."""

    width: float
    height: float
    columns: list[SegmentColumn]
    bands: list[StageBand]
    chain_row: Box | None
    chain_slots: list[ActorSlot]
    title_h: float
    note: Box | None = None  # a chain with no segments of its own: where the note goes
    chain_hidden: int = 0  # whole-chain actors not drawn (``+N``)


COL_W = 230.0
COL_GAP = 60.0
HEADER_H = 74.0
ROW_H = 62.0
BAND_H = 34.0
TITLE_H = 90.0
MARGIN = 30.0
MIN_BODY_ROWS = 2
MAX_ROWS = 14


def chain_layout(cm: ChainMap, max_rows: int = MAX_ROWS) -> ChainLayout:
    """Columns left to right from upstream to downstream, actors stacked under each segment.

    >>> from chainatlas.viz.data import ChainMap, SegmentInfo
    >>> cm = ChainMap("c", "C", None, None, [SegmentInfo("a", "A", None, "upstream", 1),
    ...      SegmentInfo("b", "B", None, "downstream", 2)], [("a", "b")], [])
    >>> lay = chain_layout(cm)
    >>> [c.segment_id for c in lay.columns], lay.columns[0].box.x < lay.columns[1].box.x
    (['a', 'b'], True)
    """
    rows = max([min(len(s.actors), max_rows) for s in cm.segments] + [MIN_BODY_ROWS])
    body_h = rows * ROW_H + 12 + 76  # + room for the gap reason (2 lines) and "+N more"
    top = TITLE_H + BAND_H + 34
    columns: list[SegmentColumn] = []
    for i, seg in enumerate(cm.segments):
        x = MARGIN + i * (COL_W + COL_GAP)
        box = Box(x, top, COL_W, HEADER_H + body_h)
        header = Box(x, top, COL_W, HEADER_H)
        shown = seg.actors[:max_rows] if len(seg.actors) <= max_rows else seg.actors[:max_rows - 1]
        slots = [ActorSlot(a.id, seg.id, x + 22, top + HEADER_H + 12 + ROW_H * (k + 0.5))
                 for k, a in enumerate(shown)]
        columns.append(SegmentColumn(seg.id, box, header, slots,
                                     len(seg.actors) - len(shown) + seg.registry_more))
    idx = {c.segment_id: i for i, c in enumerate(columns)}
    bands: list[StageBand] = []
    for col, seg in zip(columns, cm.segments, strict=True):
        if bands and bands[-1].stage == seg.stage:
            b = bands[-1].box
            b.w = col.box.x + col.box.w - b.x
        else:
            bands.append(StageBand(seg.stage, Box(col.box.x, TITLE_H, col.box.w, BAND_H)))
    n_cols = max(len(columns), 1)
    inner_w = n_cols * COL_W + (n_cols - 1) * COL_GAP
    y = top + HEADER_H + body_h + 30
    note = None
    if not columns:  # a key chain with no segments of its own: a note, not an empty canvas
        inner_w = max(inner_w, 1200.0 - 2 * MARGIN)
        note = Box(MARGIN, TITLE_H + 10, inner_w, 90.0)
        y = note.y + note.h + 24
    if any(abs(idx.get(a, 0) - idx.get(b, 0)) > 1 for a, b in cm.flows):
        y += 50  # room for the curves joining columns that are not neighbours
    chain_row = None
    chain_slots: list[ActorSlot] = []
    chain_hidden = 0
    if cm.chain_actors:
        per_row = max(1, int(inner_w // 250))
        shown = cm.chain_actors[: per_row * 3]
        chain_hidden = len(cm.chain_actors) - len(shown)
        n_rows = math.ceil(len(shown) / per_row)
        chain_row = Box(MARGIN, y, inner_w, 44 + n_rows * ROW_H + (24 if chain_hidden else 0))
        for k, a in enumerate(shown):
            chain_slots.append(ActorSlot(a.id, None, MARGIN + 22 + (k % per_row) * 250,
                                         y + 44 + ROW_H * (k // per_row + 0.5)))
        y += chain_row.h + 20
    width = max(inner_w + 2 * MARGIN, 900.0)
    return ChainLayout(width, y + 60, columns, bands, chain_row, chain_slots, TITLE_H, note,
                       chain_hidden)
