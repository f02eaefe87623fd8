"""``chainatlas brief``: the pack's files, their encodings and contents."""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PIL import Image
from pptx import Presentation

from chainatlas.viz.brief import STEPS, build_brief
from chainatlas.viz.sample import write_sample_seeds
from chainatlas.viz.testing import load_store
from tests.conftest import cli_env


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    root = tmp_path_factory.mktemp("brief")
    store, _ = load_store(root / "db", write_sample_seeds(root / "seeds"))
    yield store, root / "db"
    store.close()


def test_build_brief(loaded, tmp_path):
    store, _ = loaded
    steps: list[str] = []
    pack = build_brief(store, "集成电路", tmp_path, step=steps.append)
    assert steps == list(STEPS)
    names = {p.name for p in pack.files}
    assert names == {f"integrated-circuits{s}" for s in (
        "-map.html", "-map.svg", "-map.png", "-gaps.csv", "-actors.csv", "-figures.csv", ".xlsx",
        "-brief.pptx")}
    gaps = tmp_path / "integrated-circuits-gaps.csv"
    assert gaps.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM for Excel
    rows = list(csv.reader(gaps.open(encoding="utf-8-sig")))
    assert rows[0][1].startswith("环节")
    assert any(r[4].startswith("未掌握") for r in rows[1:])
    assert not any(r[4].startswith("缺链") for r in rows[1:])
    header = rows[0]
    for r in rows[1:]:  # every row: status, reason, basis, sources (or says it has none)
        assert r[header.index("状态 Status")] and r[header.index("说明 Reason")]
        assert r[header.index("依据 Basis")] and r[header.index("来源 Sources")]
    fab = next(r for r in rows[1:] if r[1] == "晶圆制造")
    assert fab[header.index("依据 Basis")].startswith("参考 reference")
    actors = list(csv.reader((tmp_path / "integrated-circuits-actors.csv")
                             .open(encoding="utf-8-sig")))
    assert actors[1][0] == "天岳先进" and actors[1][5] == "链主"  # leaders first
    wb = load_workbook(tmp_path / "integrated-circuits.xlsx")
    assert wb.sheetnames[0].startswith("缺链")
    assert "覆盖 Coverage" in wb.sheetnames and "重点产业链 Key chains" in wb.sheetnames
    assert wb.worksheets[0]["B2"].value
    deck = Presentation(str(tmp_path / "integrated-circuits-brief.pptx"))
    assert len(deck.slides) in (5, 6, 7)  # + results-and-figures, + key chains slides
    texts = " ".join(sh.text_frame.text for s in deck.slides for sh in s.shapes
                     if sh.has_text_frame)
    assert "集成电路产业链招商图谱" in texts and "来源 Sources" in texts
    assert any(sh.shape_type == 13 for s in deck.slides for sh in s.shapes)  # the map picture


def test_cli_brief(loaded, tmp_path):
    _, data_dir = loaded
    exe = Path(sys.executable).with_name("chainatlas")
    env = {**os.environ, "CHAINATLAS_DATA_DIR": str(data_dir), "COLUMNS": "120"}
    r = subprocess.run([str(exe), "brief", "集成电路", "--out", str(tmp_path / "b")], env=env,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "b" / "integrated-circuits-map.png").stat().st_size > 10_000
    r = subprocess.run([str(exe), "brief", "集成", "--out", str(tmp_path / "c")], env=env,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 1 and "集成电路" in r.stderr


def test_brief_has_results_and_figures(seed_store, tmp_path):
    """On the project seeds the 汽车 pack carries its 2025 results and the 1800亿元 target."""
    from chainatlas.viz.data import chain_map

    if chain_map(seed_store, "automobile") is None:
        pytest.skip("the project seeds hold no automobile chain")
    build_brief(seed_store, "automobile", tmp_path)
    figures = list(csv.reader((tmp_path / "automobile-figures.csv").open(encoding="utf-8-sig")))
    assert figures[0][0].startswith("指标")
    assert any(r[1] == "1800" and r[2] == "亿元" and r[4].startswith("目标") for r in figures[1:])
    assert all(r[7] and r[8] for r in figures[1:])  # every figure with its source and quote
    wb = load_workbook(tmp_path / "automobile.xlsx")
    assert "指标 Figures" in wb.sheetnames
    deck = Presentation(str(tmp_path / "automobile-brief.pptx"))
    assert len(deck.slides) == 7  # title, results, map, gaps, key chains, actors, sources
    second = " ".join(sh.text_frame.text for sh in deck.slides[1].shapes if sh.has_text_frame)
    assert "概况与指标" in second and "建设成果" in second
    cells = [c.text for sh in deck.slides[1].shapes if sh.has_table
             for row in sh.table.rows for c in row.cells]
    assert any("1800" in c for c in cells)


def test_cli_brief_on_a_fresh_data_dir_loads_the_seeds_first(tmp_path):
    """A fresh data dir: the store is empty, so brief loads the seeds (as serve does) instead
    of blaming the chain name; with loading on first use turned off it says how to fill it."""
    seeds = write_sample_seeds(tmp_path / "seeds")
    exe = Path(sys.executable).with_name("chainatlas")
    env = cli_env(CHAINATLAS_DATA_DIR=str(tmp_path / "fresh"),
                  CHAINATLAS_SEEDS_DIR=str(seeds), COLUMNS="120")
    off = subprocess.run([str(exe), "brief", "集成电路", "--out", str(tmp_path / "x")],
                         env={**env, "CHAINATLAS_LOAD_ON_START": "false",
                              "CHAINATLAS_DATA_DIR": str(tmp_path / "fresh-off")},
                         capture_output=True, text=True, timeout=120)
    assert off.returncode == 1 and "no chain matches" not in off.stderr
    assert "empty" in off.stderr and "chainatlas load" in off.stderr
    r = subprocess.run([str(exe), "brief", "集成电路", "--out", str(tmp_path / "b")], env=env,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "empty" in r.stderr and "loading the seeds" in r.stderr
    assert (tmp_path / "b" / "integrated-circuits-map.png").stat().st_size > 10_000


def test_deck_is_16_9_readable_and_the_map_has_no_second_title(loaded, tmp_path):
    import zipfile

    store, _ = loaded
    build_brief(store, "集成电路", tmp_path)
    deck_path = tmp_path / "integrated-circuits-brief.pptx"
    xml = zipfile.ZipFile(deck_path).read("ppt/presentation.xml").decode()
    size = re.search(r"<p:sldSz [^>]*/>", xml).group(0)
    assert "screen4x3" not in size
    cx, cy = (int(v) for v in re.search(r'cx="(\d+)" cy="(\d+)"', size).groups())
    assert abs(cx / cy - 16 / 9) < 0.01
    deck = Presentation(str(deck_path))
    sizes = [r.font.size.pt for s in deck.slides for sh in s.shapes if sh.has_table
             for row in sh.table.rows for c in row.cells for p in c.text_frame.paragraphs
             for r in p.runs]
    assert sizes and min(sizes) >= 12
    map_slide = next(s for s in deck.slides if any(
        sh.has_text_frame and sh.text_frame.text.startswith("集成电路产业链图谱")
        for sh in s.shapes))
    pic = next(sh for sh in map_slide.shapes if sh.shape_type == 13)
    titled = Image.open(tmp_path / "integrated-circuits-map.png")
    embedded = Image.open(io.BytesIO(pic.image.blob))
    # the same map, without the title block the slide already has
    assert embedded.size[0] == titled.size[0] and embedded.size[1] < titled.size[1] - 100


def test_coverage_sheet_says_the_basis_of_the_firm_count(seed_store) -> None:
    """The XLSX coverage row breaks the graph's firm count down by basis in words an officer
    reads (文件明示 stated 3家), under a column that says so — not 'stated 3' under 来源 Source."""
    from chainatlas.viz.brief import COVERAGE_HEADER, coverage_rows
    from chainatlas.viz.data import chain_map

    rows = coverage_rows(chain_map(seed_store, "integrated-circuits"))
    assert "依据" in COVERAGE_HEADER[2]
    assert rows[0][1] > 0 and "文件明示 stated" in rows[0][2] and rows[0][2].endswith("家")
