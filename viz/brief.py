"""The briefing pack of a chain: map (HTML, SVG, PNG), gap table, key actors and figures (CSV
with BOM, XLSX), and a short PPTX deck (title, results and figures, map, gaps, actors, sources),
written in one go.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chainatlas.graph.store import GraphStore
from chainatlas.viz.data import ChainMap, chain_map
from chainatlas.viz.style import BASIS_ZH, GAP_STYLES, STAGE_ZH, chain_name, role_label, style_for

STEPS: tuple[str, ...] = (
    "读取产业链 chain", "交互图 HTML", "矢量图 SVG", "图片 PNG", "表格 CSV", "表格 XLSX",
    "幻灯片 PPTX",
)
"""The steps of :func:`build_brief`, in order (for progress bars)."""

Step = Callable[[str], None]

GAP_HEADER = ["序号 No.", "环节 Segment", "英文 English", "阶段 Stage", "状态 Status",
              "说明 Reason", "依据 Basis", "本地企业数 Local firms", "本地企业 Local firms named",
              "招商候选 Candidates", "来源 Sources"]
"""Gap table columns: every row carries status, reason, basis and sources."""
KEY_HEADER = ["重点产业链 Key chain", "英文 English", "状态 Status", "说明 Reason",
              "依据 Basis", "本地企业数 Local firms", "来源 Sources"]
COVERAGE_HEADER = ["项目 Item", "数值 Value", "依据或来源 Basis / source"]
ACTOR_HEADER = ["名称 Name", "英文 English", "类型 Kind", "环节 Segment", "阶段 Stage",
                "角色 Role", "id", "来源文献 Source", "引文 Quote"]
FIGURE_HEADER = ["指标 Indicator", "数值 Value", "单位 Unit", "年份 Year", "类型 Kind",
                 "范围 Scope", "说明 Text", "来源文献 Source", "引文 Quote"]
DOCS = ("MATCH (d:Document) WHERE d.id IN $ids RETURN d.id AS id, d.name AS name, "
        "d.issuer AS issuer, d.date AS date, d.number AS number ORDER BY d.id")


@dataclass
class ChainFacts:
    """What the chain overview adds to a briefing: 2025 results, 2026 tasks, figures."""

    results: str = ""
    tasks: str = ""
    figures: list[list[Any]] = field(default_factory=list)
    docs: set[str] = field(default_factory=set)


def chain_facts(store: GraphStore, chain_id: str) -> ChainFacts:
    """Results, tasks and figures (results first, then targets, by year) of a chain."""
    from chainatlas.queries.chains import chain_overview

    ov = chain_overview(store, chain_id)
    if ov is None:
        return ChainFacts()
    props = ov.chain.props or {}
    facts = ChainFacts(results=props.get("results") or "", tasks=props.get("tasks") or "")
    for m in sorted(ov.metrics, key=lambda m: (m.metric_kind == "target", m.year or 0, m.id)):
        src = m.sources[0] if m.sources else None
        value = m.value if m.value is None or m.value % 1 else int(m.value)
        facts.figures.append([m.indicator or m.name, value, m.unit or "", m.year or "",
                              "目标 target" if m.metric_kind == "target" else "实绩 result",
                              m.scope or "", m.text or "", src.doc if src else "",
                              src.quote if src else ""])
        facts.docs |= {s.doc for s in m.sources}
    facts.docs |= {s.doc for s in ov.chain.sources}
    return facts


@dataclass
class BriefPack:
    """What :func:`build_brief` wrote."""

    chain_id: str
    chain_name: str
    out_dir: Path
    files: list[Path] = field(default_factory=list)


def _status_zh(status: str) -> str:
    g = GAP_STYLES.get(status)
    return f"{g['zh']} {g['en']}" if g else status


def _cand_name(c: dict[str, Any]) -> str:
    return str(c.get("name") or c.get("id") or "")


def basis_label(basis: str | None, reference: str | None = None) -> str:
    """``参考 reference（…）`` for a table cell.

    >>> basis_label("reference", "行业常识"), basis_label(None)
    ('参考 reference（行业常识）', '文件明示 stated')
    """
    b = basis or "stated"
    return f"{BASIS_ZH.get(b, b)} {b}" + (f"（{reference}）" if reference else "")


def _actor_name(a: Any) -> str:
    return a.name + ("（外地）" if a.local is False else "") + (
        "（推断）" if a.basis in ("inferred", "rule") else "")


def gap_rows(cm: ChainMap) -> list[list[Any]]:
    """One row per segment, upstream to downstream: status, reason, basis, firms, sources
    (the document statements first, then the segment's own quotes)."""
    rows = []
    for i, s in enumerate(cm.segments, 1):
        quotes = [*s.evidence, *s.sources]
        srcs = "; ".join(dict.fromkeys(f"{x['doc']}: {x['quote']}" for x in quotes[:4])) or (
            "无文件出处（参考环节）no source (reference)" if s.basis == "reference" else "")
        firms = [a for a in s.actors
                 if a.kind in ("enterprise", "project") and a.local is not False]
        rows.append([i, s.name, s.name_en or "", f"{STAGE_ZH.get(s.stage, s.stage)} {s.stage}",
                     _status_zh(s.status), " / ".join(x for x in (s.reason, s.reason_en) if x),
                     basis_label(s.basis, s.reference), s.firms,
                     "、".join(_actor_name(a) for a in firms[:12]),
                     "、".join(_cand_name(c) + ("（外地）" if c.get("local") is False else "")
                              for c in s.candidates[:12]), srcs])
    return rows


def key_chain_rows(cm: ChainMap) -> list[list[Any]]:
    """One row per key chain with its status (derived key chains say so)."""
    rows = []
    for k in cm.subchains:
        basis = ("推导 derived（据文件推导，待官方34条名单替换 seeds/key_chains.yaml）"
                 if k.get("derived") else basis_label(k.get("basis")))
        rows.append([k.get("name"), k.get("name_en") or "",
                     _status_zh(str(k.get("status") or "unknown")),
                     " / ".join(x for x in (k.get("reason"), k.get("reason_en")) if x),
                     basis, k.get("firms", 0),
                     "; ".join(f"{x['doc']}: {x['quote']}" for x in
                               [*(k.get("evidence") or []), *(k.get("sources") or [])][:3])])
    return rows


def coverage_rows(cm: ChainMap) -> list[list[Any]]:
    """The coverage note: local firms in the graph against the documented counts."""
    cov = cm.coverage or {}
    rows: list[list[Any]] = [["图谱收录本地企业 Local firms in the graph",
                              cov.get("firms_in_graph", 0),
                              "、".join(f"{basis_label(k)} {v}家" for k, v in
                                       sorted((cov.get("by_basis") or {}).items()))]]
    for d in cov.get("documented") or []:
        src = (d.get("sources") or [{}])[0]
        rows.append([f"文件所载 documented: {d.get('indicator')}",
                     f"{d.get('value'):g} {d.get('unit') or ''}".strip()
                     if d.get("value") is not None else "",
                     f"{src.get('doc', '')}: {src.get('quote', '')}"])
    rows.append(["说明 Note", cov.get("note", ""), cov.get("note_en", "")])
    return rows


def actor_rows(cm: ChainMap) -> list[list[Any]]:
    """Every actor placed in the chain, leaders first, with its first source."""
    rows: list[tuple[tuple[Any, ...], list[Any]]] = []
    for k, s in enumerate(cm.segments):
        for a in s.actors:
            src = a.sources[0] if a.sources else {"doc": "", "quote": ""}
            rows.append(((0 if a.role == "leader" else 1, k, a.id),
                         [a.name, a.name_en or "", f"{style_for(a.kind).zh} {a.kind}", s.name,
                          STAGE_ZH.get(s.stage, s.stage),
                          role_label(a.kind, a.role), a.id,
                          src["doc"], src["quote"]]))
    for a in cm.chain_actors:
        src = a.sources[0] if a.sources else {"doc": "", "quote": ""}
        rows.append(((0 if a.role == "leader" else 2, 99, a.id),
                     [a.name, a.name_en or "", f"{style_for(a.kind).zh} {a.kind}", "全链",
                      "", role_label(a.kind, a.role), a.id,
                      src["doc"], src["quote"]]))
    return [r for _, r in sorted(rows, key=lambda x: x[0])]


def _write_csv(path: Path, header: list[str], rows: list[list[Any]]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as f:  # BOM: Excel reads Chinese
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


def _write_xlsx(path: Path, cm: ChainMap, gaps: list[list[Any]], actors: list[list[Any]],
                docs: list[dict[str, Any]], figures: list[list[Any]]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = Workbook()
    sheets = [("缺链分析 Gaps", GAP_HEADER, gaps),
              ("覆盖 Coverage", COVERAGE_HEADER, coverage_rows(cm)),
              ("重点产业链 Key chains", KEY_HEADER, key_chain_rows(cm)),
              ("重点主体 Actors", ACTOR_HEADER, actors),
              ("指标 Figures", FIGURE_HEADER, figures),
              ("来源 Sources", ["文献 id", "标题 Title", "发布 Issuer", "日期 Date", "文号 No."],
               [[d["id"], d.get("name"), d.get("issuer"), d.get("date"), d.get("number")]
                for d in docs])]
    for i, (title, header, rows) in enumerate(sheets):
        ws = wb.active if i == 0 else wb.create_sheet()
        ws.title = title
        ws.append(header)
        for r in rows:
            ws.append(["" if v is None else v for v in r])
        for c in ws[1]:
            c.font = Font(bold=True)
            c.fill = PatternFill("solid", fgColor="EAF0F6")
        for col in ws.columns:
            width = max(len(str(c.value or "")) for c in col)
            ws.column_dimensions[col[0].column_letter].width = min(max(10, width * 1.6), 60)
            for c in col[1:]:
                c.alignment = Alignment(wrap_text=True, vertical="top")
        ws.freeze_panes = "A2"
        if i == 0:
            for row in ws.iter_rows(min_row=2):
                status = str(row[4].value or "")
                colour = ("FDECEA" if status.startswith("缺") else
                          "FFF6E0" if status.startswith("弱") else
                          "F2F3F4" if status.startswith("未掌握") else None)
                if colour:
                    row[4].fill = PatternFill("solid", fgColor=colour)
    wb.properties.title = f"{chain_name(cm.name)} briefing"
    wb.properties.creator = "ChainAtlas 链图"
    wb.save(path)


def build_brief(store: GraphStore, chain: str, out_dir: Path,
                step: Step | None = None) -> BriefPack:
    """Write the briefing pack of ``chain`` (id or Chinese name) into ``out_dir``.

    ``step`` is called with the name of each step as it starts (see :data:`STEPS`).
    """
    from chainatlas.viz.interactive import chain_map_html
    from chainatlas.viz.pptx_deck import write_deck
    from chainatlas.viz.still import chain_map_image

    tick = step or (lambda _s: None)
    tick(STEPS[0])
    cm = chain_map(store, chain)
    facts = chain_facts(store, cm.id)
    doc_ids = sorted(facts.docs | {s["doc"] for seg in cm.segments for s in seg.sources}
                     | {s["doc"] for s in cm.sources}
                     | {s["doc"] for seg in cm.segments for a in seg.actors for s in a.sources}
                     | {s["doc"] for a in cm.chain_actors for s in a.sources})
    docs = store.read(DOCS, {"ids": doc_ids}) if doc_ids else []
    out_dir.mkdir(parents=True, exist_ok=True)
    pack = BriefPack(cm.id, cm.name, out_dir)
    base = cm.id

    def put(name: str, data: bytes | str) -> Path:
        p = out_dir / name
        if isinstance(data, str):
            p.write_text(data, encoding="utf-8")
        else:
            p.write_bytes(data)
        pack.files.append(p)
        return p

    tick(STEPS[1])
    put(f"{base}-map.html", chain_map_html(cm))
    tick(STEPS[2])
    put(f"{base}-map.svg", chain_map_image(cm, "svg"))
    tick(STEPS[3])
    put(f"{base}-map.png", chain_map_image(cm, "png"))
    tick(STEPS[4])
    gaps, actors = gap_rows(cm), actor_rows(cm)
    for name, header, rows in ((f"{base}-gaps.csv", GAP_HEADER, gaps),
                               (f"{base}-actors.csv", ACTOR_HEADER, actors),
                               (f"{base}-figures.csv", FIGURE_HEADER, facts.figures)):
        _write_csv(out_dir / name, header, rows)
        pack.files.append(out_dir / name)
    tick(STEPS[5])
    _write_xlsx(out_dir / f"{base}.xlsx", cm, gaps, actors, docs, facts.figures)
    pack.files.append(out_dir / f"{base}.xlsx")
    tick(STEPS[6])
    # the slide has its own title: the picture on it leaves out the map's title block
    write_deck(out_dir / f"{base}-brief.pptx", cm, io.BytesIO(chain_map_image(cm, "png", False)),
               gaps, actors, docs, dt.date.today().isoformat(), facts)
    pack.files.append(out_dir / f"{base}-brief.pptx")
    return pack


def zip_name_zh(chain_name_: str) -> str:
    """The Chinese file name of a chain's pack, as officers file it.

    >>> zip_name_zh("集成电路")
    '集成电路产业链招商简报包.zip'
    """
    return f"{chain_name(chain_name_)}招商简报包.zip"


def brief_zip(store: GraphStore, chain: str) -> tuple[str, bytes]:
    """The pack as a zip archive: ``(file name, bytes)`` (see :func:`brief_zip_named`)."""
    name, body, _ = brief_zip_named(store, chain)
    return name, body


def brief_zip_named(store: GraphStore, chain: str) -> tuple[str, bytes, str]:
    """The pack as a zip archive: ``(ASCII file name, bytes, Chinese file name)``."""
    with tempfile.TemporaryDirectory(prefix="chainatlas-brief-") as tmp:
        pack = build_brief(store, chain, Path(tmp) / "brief")
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for f in pack.files:
                zf.write(f, f"{pack.chain_id}-brief/{f.name}")
        return f"{pack.chain_id}-brief.zip", buf.getvalue(), zip_name_zh(pack.chain_name)
