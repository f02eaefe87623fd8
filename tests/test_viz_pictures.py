"""Pictures on the real embedded FalkorDB loaded with the sample seeds: self-contained HTML,
escaping, deterministic layout, still pictures with Chinese glyphs and marked gaps."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageDraw, ImageFont

from chainatlas.viz import data, fonts, interactive, layout, still
from chainatlas.viz.data import VEdge, VGraph, VNode
from chainatlas.viz.sample import write_sample_seeds
from chainatlas.viz.testing import external_refs, load_store

XSS = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    root = tmp_path_factory.mktemp("viz")
    s, _ = load_store(root / "db", write_sample_seeds(root / "seeds"))
    yield s
    s.close()


@pytest.fixture(scope="module")
def ic_map(store):
    return data.chain_map(store, "集成电路")


def _json_block(html: str) -> dict:
    m = re.search(r'<script type="application/json" id="ca-data">(.*?)</script>', html, re.S)
    assert m, "the data block is missing"
    return json.loads(m.group(1))


def test_resolve_by_id_name_alias_pinyin(store):
    for key in ("sinotruk", "中国重汽", "重汽", "zhongqi", "Sinotruk"):
        assert data.resolve(store, key)["id"] == "sinotruk"
    with pytest.raises(data.NotFoundError) as e:
        data.resolve(store, "集成", kind="chain")
    assert e.value.suggestions[0]["id"] == "integrated-circuits"


def test_chain_map_left_to_right_with_gaps(ic_map):
    ids = [s.id for s in ic_map.segments]
    assert ids.index("ic-materials") < ids.index("ic-fab") < ids.index("ic-applications")
    status = {s.id: s.status for s in ic_map.segments}
    assert status["ic-fab"] == "unknown"  # no data, not a gap (and a reference segment)
    assert status["ic-design"] == "covered"  # a document says it exists locally
    assert status["ic-materials"] in ("covered", "weak")
    lay = layout.chain_layout(ic_map)
    xs = [c.box.x for c in lay.columns]
    assert xs == sorted(xs)


def test_html_self_contained_and_escaped(store, ic_map):
    g = data.neighbourhood(store, "xss-test", depth=1)
    for html in (interactive.neighbourhood_html(g), interactive.chain_map_html(ic_map)):
        refs = external_refs(html)
        assert refs.external == [], refs.external
        assert refs.scripts >= 3
        assert XSS not in html and "<img src=x" not in html
        assert html.count("</script>") == refs.scripts  # nothing closes a script early
        html.encode("utf-8")
    payload = _json_block(interactive.neighbourhood_html(g))
    names = [n["tip"]["name"] for n in payload["nodes"]]
    assert XSS in names  # the data survives, as text
    title = re.search(r"<title>(.*?)</title>", interactive.neighbourhood_html(g)).group(1)
    assert "&lt;script&gt;" in title


def test_neighbourhood_styles_roles_and_sources(store):
    g = data.neighbourhood(store, "byd", depth=1)
    payload = interactive.neighbourhood_payload(g)
    by_id = {n["vis"]["id"]: n for n in payload["nodes"]}
    assert by_id["sinotruk"]["vis"]["size"] > by_id["byd"]["vis"]["size"] / 1.6  # leader big
    assert by_id["byd"]["tip"]["name_en"] == "BYD"
    assert by_id["byd"]["tip"]["sources"][0]["doc"] == "jinan-2026-plan"
    assert payload["options"]["physics"]["enabled"] is False
    assert {e["kind"] for e in payload["legend"]} >= {"enterprise", "segment"}


def _big_graph(n: int = 300) -> VGraph:
    kinds = ["enterprise", "platform", "project", "segment", "park"]
    nodes = [VNode("c", "chain", "中心产业链")]
    nodes += [VNode(f"n{i}", kinds[i % 5], f"节点企业{i}", depth=1 + (i % 2)) for i in range(n - 1)]
    edges = [VEdge(f"n{i}", "c" if i < 60 else f"n{i % 60}", "IN_CHAIN") for i in range(n - 1)]
    return VGraph("c", nodes, edges)


def test_layout_deterministic_and_readable_at_300_nodes():
    g = _big_graph()
    pos = layout.neighbourhood_layout(g)
    assert pos == layout.neighbourhood_layout(g)
    pts = list(pos.values())
    # few labels on top of each other: nearly every node has room around it
    crowded = sum(1 for i, (x, y) in enumerate(pts)
                  if any((x - a) ** 2 + (y - b) ** 2 < 25 ** 2 for j, (a, b) in enumerate(pts)
                         if j != i))
    assert crowded < len(pts) * 0.1
    html = interactive.neighbourhood_html(g)
    assert html == interactive.neighbourhood_html(g)


def test_png_wide_white_with_chinese_and_gaps(ic_map):
    png = still.chain_map_image(ic_map, "png")
    img = Image.open(io.BytesIO(png)).convert("RGB")
    assert img.width >= 1920
    assert img.getpixel((2, 2)) == (255, 255, 255)
    assert img.getpixel((img.width - 3, img.height - 3)) == (255, 255, 255)
    import numpy as np

    a = np.asarray(img).astype(int)
    def near(rgb: tuple[int, int, int], tol: int = 14) -> int:
        return int(((abs(a[..., 0] - rgb[0]) < tol) & (abs(a[..., 1] - rgb[1]) < tol)
                    & (abs(a[..., 2] - rgb[2]) < tol)).sum())

    # the sample's 晶圆制造 is a reference segment without data: purple dotted frame and tag,
    # grey (未掌握) dashed frame — never the red of a gap
    assert near((0x7D, 0x3C, 0x98)) > 300, "the reference segment is not marked"
    assert near((0x7F, 0x8C, 0x8D), 6) > 300, "the no-data segments are not marked"
    title = img.crop((0, 0, img.width // 3, int(img.height * 0.09)))
    assert ImageChops.invert(title.convert("L")).getbbox() is not None, "no ink in the title"


def test_cjk_glyphs_are_not_tofu(ic_map):
    """The chosen font draws 集成电路 differently from a font without CJK (which draws boxes),
    and the title region of the map matches the label drawn with the chosen font."""
    path = fonts.cjk_font_path()
    assert fonts._covers(str(path), "集成电路产业链图谱")
    import matplotlib

    dejavu = Path(matplotlib.get_data_path()) / "fonts/ttf/DejaVuSans.ttf"
    assert not fonts._covers(str(dejavu), "集成电路")

    def draw(font_path: Path) -> Image.Image:
        im = Image.new("L", (400, 80), 255)
        ImageDraw.Draw(im).text((5, 5), "集成电路", font=ImageFont.truetype(str(font_path), 48),
                                fill=0)
        return im

    cjk, tofu = draw(path), draw(dejavu)
    assert ImageChops.difference(cjk, tofu).getbbox() is not None
    # every glyph of the label is distinct (tofu boxes would be identical)
    font = ImageFont.truetype(str(path), 48)
    glyphs = []
    for ch in "集成电路":
        im = Image.new("L", (60, 60), 255)
        ImageDraw.Draw(im).text((2, 2), ch, font=font, fill=0)
        glyphs.append(im.tobytes())
    assert len(set(glyphs)) == 4
    svg = still.chain_map_image(ic_map, "svg").decode("utf-8")
    assert "集成电路产业链图谱" in svg and "缺链" in svg
    assert "Noto Sans CJK" in svg or fonts.cjk_font_name() in svg


def test_neighbourhood_still(store):
    g = data.neighbourhood(store, "byd", depth=2)
    img = Image.open(io.BytesIO(still.neighbourhood_image(g, "png"))).convert("RGB")
    assert img.width >= 1920
    assert still.neighbourhood_image(g, "svg").startswith(b"<?xml")


def test_missing_font_names_the_package(monkeypatch):
    def none():
        raise fonts.MissingCJKFont(fonts.INSTALL_HINT)

    monkeypatch.setattr(fonts, "_find", none)
    fonts.cjk_font_properties.cache_clear()
    try:
        with pytest.raises(fonts.MissingCJKFont, match="fonts-noto-cjk"):
            still.chain_map_image(data.ChainMap("c", "C", None, None, [], [], []), "png")
    finally:
        monkeypatch.undo()
        fonts.cjk_font_properties.cache_clear()


def test_actor_role_is_drawn_per_segment(seed_store, monkeypatch):
    """BYD leads 乘用车整车 but is a member of 汽车零部件: each column shows its own role."""
    cm = data.chain_map(seed_store, "automobile")
    if cm is None or "byd" not in {a.id for s in cm.segments for a in s.actors}:
        pytest.skip("the project seeds do not place BYD in the automobile chain")
    drawn: list[tuple[str, str | None]] = []
    monkeypatch.setattr(still, "_draw_actor",
                        lambda ax, a, x, y, fp: drawn.append((a.id, a.role)))
    still.chain_map_figure(cm)
    expected = [(a.id, a.role) for s in cm.segments for a in s.actors if a.id == "byd"]
    assert sorted(r for r in drawn if r[0] == "byd") == sorted(expected)
    assert {r for _, r in expected} == {"leader", "member"}


def test_interactive_chain_map_role_per_segment(seed_store):
    """The interactive map, too, frames BYD as leader only in the segment it leads."""
    cm = data.chain_map(seed_store, "automobile")
    if cm is None or "byd" not in {a.id for s in cm.segments for a in s.actors}:
        pytest.skip("the project seeds do not place BYD in the automobile chain")
    payload = interactive.chain_map_payload(cm)
    byd = [n["vis"] for n in payload["nodes"] if n["vis"]["id"].split("@")[0] == "byd"]
    widths = sorted(v["borderWidth"] for v in byd)
    roles = sorted(("leader" if a.role == "leader" else "member")
                   for s in cm.segments for a in s.actors if a.id == "byd")
    assert len(widths) == len(roles) == 2
    assert widths[0] < widths[1] and roles == ["leader", "member"]
