"""A short 16:9 PPTX deck for a chain briefing: title, results and figures, map, gaps, actors,
sources."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from chainatlas.viz.data import ChainMap
from chainatlas.viz.interactive import coverage_line, status_counts
from chainatlas.viz.style import GAP_STYLES, chain_name

if TYPE_CHECKING:
    from chainatlas.viz.brief import ChainFacts

EA_FONT = "Microsoft YaHei"
"""East Asian typeface named in the deck (Windows/Office); viewers fall back to a CJK font."""
LATIN_FONT = "Calibri"
MAX_TABLE_ROWS = 10
TABLE_PT = 13.0
"""Table text size: readable on a projected slide (header one point larger)."""
ROW_IN = 0.42
SLIDE_W, SLIDE_H = 12192000, 6858000
"""16:9 widescreen (13.333 × 7.5 in), declared as such in presentation.xml."""


def _font(run, size: float, bold: bool = False, colour: str | None = None) -> None:
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = LATIN_FONT
    if colour:
        run.font.color.rgb = RGBColor.from_string(colour)
    rpr = run._r.get_or_add_rPr()
    for tag in ("a:ea", "a:cs"):
        el = rpr.find(qn(tag))
        if el is None:
            el = rpr.makeelement(qn(tag), {})
            rpr.append(el)
        el.set("typeface", EA_FONT)


def _text(slide, x, y, w, h, text: str, size: float, bold: bool = False,
          colour: str = "17202A") -> None:
    box = slide.shapes.add_textbox(x, y, w, h)
    tf = box.text_frame
    tf.word_wrap = True
    for i, line in enumerate(text.split("\n")):
        p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
        run = p.add_run()
        run.text = line
        _font(run, size, bold, colour)


def _title(slide, text: str, sub: str = "") -> None:
    _text(slide, Inches(0.5), Inches(0.3), Inches(12.3), Inches(0.7), text, 26, True)
    if sub:
        _text(slide, Inches(0.5), Inches(0.95), Inches(12.3), Inches(0.4), sub, 12,
              colour="566573")


def _table(slide, header: list[str], rows: list[list[Any]], widths: list[float],
           size: float = TABLE_PT, top: Emu | None = None) -> None:
    top = Inches(1.45) if top is None else top
    room = int((Inches(6.9) - top) / Inches(ROW_IN)) - 1  # rows that fit above the footnote
    n = min(len(rows), MAX_TABLE_ROWS, max(room, 1))
    shape = slide.shapes.add_table(n + 1, len(header), Inches(0.5), top,
                                   Inches(sum(widths)), Inches(ROW_IN * (n + 1)))
    table = shape.table
    for j, w in enumerate(widths):
        table.columns[j].width = Inches(w)
    for j, h in enumerate(header):
        cell = table.cell(0, j)
        cell.text = ""
        _font(cell.text_frame.paragraphs[0].add_run(), size + 1, True)
        cell.text_frame.paragraphs[0].runs[0].text = h
    for i, row in enumerate(rows[:n], 1):
        for j, v in enumerate(row):
            cell = table.cell(i, j)
            cell.text = ""
            run = cell.text_frame.paragraphs[0].add_run()
            run.text = "" if v is None else _clip(str(v), CELL_CHARS)
            colour = None
            if isinstance(v, str) and v.startswith("缺链"):
                colour = "C0392B"
            elif isinstance(v, str) and v.startswith("弱链"):
                colour = "B9770E"
            elif isinstance(v, str) and v.startswith("未掌握"):
                colour = "7F8C8D"
            elif isinstance(v, str) and v.startswith("参考"):
                colour = "7D3C98"
            _font(run, size, bool(colour), colour)
    if len(rows) > n:
        _text(slide, Inches(0.5), Inches(7.0), Inches(12), Inches(0.3),
              f"另有 {len(rows) - n} 行，见 XLSX / CSV (+{len(rows) - n} more rows in the XLSX)",
              12, colour="566573")


CELL_CHARS = 40
"""Longer cell texts are cut with … (the XLSX has them whole)."""


def _widescreen(prs) -> None:
    """Declare the deck 16:9: size and the ``type`` python-pptx's 4:3 template leaves."""
    prs.slide_width, prs.slide_height = Emu(SLIDE_W), Emu(SLIDE_H)
    sz = prs.part._element.find(qn("p:sldSz"))
    if sz is not None and sz.get("type"):
        del sz.attrib["type"]  # no type = custom size; "screen4x3" would contradict 16:9


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def write_deck(path: Path, cm: ChainMap, png: Path | BinaryIO, gaps: list[list[Any]],
               actors: list[list[Any]], docs: list[dict[str, Any]], date: str,
               facts: ChainFacts | None = None) -> Path:
    """Write the deck to ``path``: title, results and figures (when known), map, gaps, actors,
    sources. ``png`` is the chain map without its own title (the slide has one)."""
    prs = Presentation()
    _widescreen(prs)
    blank = prs.slide_layouts[6]

    s = prs.slides.add_slide(blank)
    _text(s, Inches(0.8), Inches(2.3), Inches(11.7), Inches(1.2), f"{chain_name(cm.name)}招商图谱",
          40, True)
    en = f"{cm.name_en} chain: map, gaps and key actors" if cm.name_en else "Chain briefing"
    _text(s, Inches(0.8), Inches(3.5), Inches(11.7), Inches(0.6), en, 20, colour="34495E")
    overall = GAP_STYLES.get(cm.overall, {"zh": "部分掌握", "en": "partly known"})
    _text(s, Inches(0.8), Inches(4.4), Inches(11.7), Inches(1.6),
          f"{len(cm.segments)} 个环节 segments · {status_counts(cm)} · 总体 overall: "
          f"{overall['zh']} {overall['en']}\n{coverage_line(cm)}\nChainAtlas 链图 · {date}",
          16, colour="566573")

    if facts and (facts.results or facts.tasks or facts.figures):
        s = prs.slides.add_slide(blank)
        _title(s, "概况与指标 Results and figures", "2025 年建设成果、2026 年重点任务与目标 · "
               "2025 results, 2026 tasks and targets")
        text = "\n".join(x for x in (
            f"建设成果：{_clip(facts.results, 150)}" if facts.results else "",
            f"重点任务：{_clip(facts.tasks, 150)}" if facts.tasks else "") if x)
        top = Inches(1.45)
        if text:
            _text(s, Inches(0.5), top, Inches(12.3), Inches(1.6), text, 13)
            top = Inches(3.2)
        if facts.figures:
            _table(s, ["指标 Indicator", "数值 Value", "年份 Year", "类型 Kind", "来源 Source"],
                   [[f[0], f"{f[1]} {f[2]}".strip() if f[1] is not None else f[6], f[3], f[4],
                     f"{f[7]}：{_clip(str(f[8]), 40)}"] for f in facts.figures],
                   [3.0, 2.0, 1.0, 1.5, 4.8], top=top)

    s = prs.slides.add_slide(blank)
    _title(s, f"{chain_name(cm.name)}图谱 Chain map",
           f"上游 → 下游 · 红/橙虚线 = 缺链/弱链 · 灰虚线 = 未掌握 no data · 紫点线 = 参考环节 "
           f"reference · {coverage_line(cm)}")
    pic = s.shapes.add_picture(str(png) if isinstance(png, Path) else png, Inches(0.4),
                               Inches(1.45))
    max_w, max_h = Inches(12.5), Inches(5.8)
    ratio = min(max_w / pic.width, max_h / pic.height)
    pic.width, pic.height = Emu(int(pic.width * ratio)), Emu(int(pic.height * ratio))
    pic.left = Emu(int((prs.slide_width - pic.width) / 2))

    s = prs.slides.add_slide(blank)
    _title(s, "缺链弱链分析 Gaps", f"{status_counts(cm)} · {coverage_line(cm)}")
    _table(s, ["环节 Segment", "状态 Status", "说明 Reason", "依据 Basis", "本地企业",
               "来源 Sources"],
           [[g[1], g[4], _clip(str(g[5]).split(" / ")[0], 30), _clip(str(g[6]), 12), g[7],
             _clip(str(g[10]), 34)] for g in gaps],
           [2.0, 1.3, 3.8, 1.5, 1.0, 3.0])
    if cm.subchains:
        s = prs.slides.add_slide(blank)
        _title(s, "重点产业链 Key chains",
               "据文件推导，待官方34条名单替换 · derived from the documents until the official "
               "list of 34 replaces seeds/key_chains.yaml")
        from chainatlas.viz.brief import key_chain_rows

        _table(s, ["重点产业链 Key chain", "状态 Status", "说明 Reason", "依据 Basis",
                   "本地企业"],
               [[k[0], k[2], _clip(str(k[3]).split(" / ")[0], 40), _clip(str(k[4]), 16), k[5]]
                for k in key_chain_rows(cm)], [2.4, 1.4, 5.2, 2.4, 1.0])

    s = prs.slides.add_slide(blank)
    _title(s, "重点主体 Key actors", "链主在前 · chain leaders first")
    _table(s, ["名称 Name", "英文 English", "类型 Kind", "环节 Segment", "角色 Role"],
           [[a[0], a[1], a[2], a[3], a[5]] for a in actors], [3.4, 2.8, 1.9, 2.2, 1.9])

    s = prs.slides.add_slide(blank)
    _title(s, "来源 Sources", "每条事实均引自以下文献 · every fact cites one of these documents")
    lines = [f"[{d['id']}] {d.get('name') or ''} — {d.get('issuer') or ''} {d.get('date') or ''}"
             for d in docs[:10]] or ["(无 none)"]
    _text(s, Inches(0.5), Inches(1.5), Inches(12.3), Inches(5.5), "\n".join(lines), 14)
    prs.core_properties.title = f"{chain_name(cm.name)} briefing"
    prs.core_properties.author = "ChainAtlas 链图"
    prs.save(str(path))
    return path
