"""Every chain map and several neighbourhoods of the project seeds, drawn as SVG and PNG and
checked from the SVG geometry: no text box clipped by the canvas, no two text boxes
overlapping, no line starting with closing punctuation (、，。；：）」…), no mostly blank canvas,
no "…产业链群产业链" heading, a legend that explains every mark, districts capped."""

from __future__ import annotations

import io
from typing import Any

import pytest
from PIL import Image

from chainatlas.viz import data, still
from chainatlas.viz.svgcheck import check_svg, text_boxes

NEIGHBOURHOODS = [("byd", 1), ("byd", 2), ("shizhong", 1), ("lixia", 1),
                  ("integrated-circuits", 1), ("sicc", 2), ("jinan-government", 1)]


def _blank_band(png: bytes) -> float:
    """The tallest run of rows without ink, as a fraction of the height."""
    img = Image.open(io.BytesIO(png)).convert("L")
    w, h = img.size
    px = img.load()
    best = cur = 0
    for y in range(h):
        ink = any(px[x, y] < 235 for x in range(0, w, 3))
        cur = 0 if ink else cur + 1
        best = max(best, cur)
    return best / h


def _problems(svg: bytes) -> dict[str, Any]:
    p = check_svg(svg)
    return {k: v for k, v in (("clipped", p.clipped), ("overlapping", p.overlapping),
                              ("kinsoku", p.kinsoku)) if v}


def test_every_chain_map_is_clean(seed_store: Any) -> None:
    ids = [r["id"] for r in seed_store.read("MATCH (c:Chain) RETURN c.id AS id ORDER BY id",
                                            {})]
    assert len(ids) >= 40
    bad: dict[str, Any] = {}
    for cid in ids:
        cm = data.chain_map(seed_store, cid)
        svg = still.chain_map_image(cm, "svg")
        png = still.chain_map_image(cm, "png")
        found = _problems(svg)
        texts = [b.text for b in text_boxes(svg)[2]]
        if any("产业链群产业链" in t or "产业链产业链" in t for t in texts):
            found["duplicated heading"] = True
        if not all(any(t.startswith(p) for t in texts)
                   for p in ("灰框", "虚线箭头", "实线箭头", "缺链 gap", "弱链 weak",
                             "未掌握 no data", "点线框")):
            found["legend"] = "does not explain grey boxes, dashed arrows and gaps"
        img = Image.open(io.BytesIO(png))
        if img.size[0] < 1920:
            found["width"] = img.size
        band = _blank_band(png)
        if band > 0.3:
            found["blank"] = round(band, 2)
        if found:
            bad[cid] = found
    assert not bad, bad


@pytest.mark.parametrize("node,depth", NEIGHBOURHOODS)
def test_neighbourhood_pictures_are_clean(seed_store: Any, node: str, depth: int) -> None:
    g = data.neighbourhood(seed_store, node, depth=depth)
    svg = still.neighbourhood_image(g, "svg")
    assert not _problems(svg), _problems(svg)
    png = still.neighbourhood_image(g, "png")
    assert Image.open(io.BytesIO(png)).size[0] >= 1920


def test_district_neighbourhood_is_capped_with_and_n_more(seed_store: Any) -> None:
    g = data.neighbourhood(seed_store, "shizhong", depth=1)
    assert len(g.nodes) > still.STILL_MAX_NODES  # a hairball if drawn whole
    small, left = still.cap_graph(g)
    assert len(small.nodes) == still.STILL_MAX_NODES and small.center == "shizhong"
    assert sum(left.values()) == len(g.nodes) - still.STILL_MAX_NODES
    texts = " ".join(b.text for b in text_boxes(still.neighbourhood_image(g, "svg"))[2])
    assert f"等{sum(left.values())}个未显示" in texts and "more not shown" in texts


def test_chain_map_without_title_for_slides(seed_store: Any) -> None:
    cm = data.chain_map(seed_store, "integrated-circuits")
    titled = [b.text for b in text_boxes(still.chain_map_image(cm, "svg"))[2]]
    bare = [b.text for b in text_boxes(still.chain_map_image(cm, "svg", titled=False))[2]]
    assert "集成电路产业链图谱" in titled and "集成电路产业链图谱" not in bare


def test_gap_notes_stay_clear_of_the_dashed_border(seed_store: Any) -> None:
    """The 缺链 / 弱链 reason under a segment's actors sits inside its column, clear of the
    dashed border (measured in layout units on the drawn figure)."""
    import matplotlib.pyplot as plt

    from chainatlas.viz.layout import chain_layout

    checked = 0
    for cid in ("integrated-circuits", "steel", "shizhong-advanced-grid", "shizhong-it"):
        cm = data.chain_map(seed_store, cid)
        fig, _ = still.chain_map_figure(cm)
        ax = fig.axes[0]
        renderer = fig.canvas.get_renderer()
        inv = ax.transData.inverted()
        cols = chain_layout(cm).columns
        for t in ax.texts:  # every text inside a column: status notes, reference tags, "more"
            (x0, y0), (x1, y1) = inv.transform(t.get_window_extent(renderer).get_points())
            cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
            col = next((c for c in cols if c.box.x <= cx <= c.box.x + c.box.w
                        and c.box.y <= cy <= c.box.y + c.box.h), None)
            if col is None:
                continue
            assert max(y0, y1) <= col.box.y + col.box.h - 6, (cid, t.get_text(), y0, y1)
            assert min(x0, x1) >= col.box.x + 4 and max(x0, x1) <= col.box.x + col.box.w - 4
            checked += 1
        plt.close(fig)
    assert checked >= 3


def test_interactive_legend_explains_grey_boxes_and_arrows(seed_store: Any) -> None:
    from chainatlas.viz.interactive import chain_map_payload

    rows = chain_map_payload(data.chain_map(seed_store, "automobile"))["legend"]
    labels = [r["zh"] for r in rows]
    assert any(x.startswith("灰框") for x in labels)
    assert any(x.startswith("虚线箭头") for x in labels)
    assert any(x.startswith("实线箭头") for x in labels)
