"""Every fact says how it is known (issue 9): the validator's basis rules, whitespace-insensitive
quotes with their spans, ``basis`` on every node and relationship of the built graph, keywords,
and ``chainatlas audit``.

The seed snippets are written to a temporary directory together with a one-document corpus, so
each rule is checked on a real load (``validate``) with real file/line/field errors.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chainatlas.cli import app
from chainatlas.graph.model import BASES
from chainatlas.loaders.load import validate
from chainatlas.loaders.validate import SeedValidationError

DOC_TEXT = (
    "全市工业经济稳中有进，山东电力设备有限公司、山东电工\n"
    "变压器有限公司两大链主企业的技术、品牌带动作用明显。\n"
    "生物药产业加快发展，创新药获批上市 3 个。\n"
)

DOCS = """\
documents:
  - {id: doc, name: 测试文献, file: doc.txt}
"""

BASE = """\
districts:
  - id: city
    name: 测试市
    level: city
    sources: [{doc: doc, quote: 全市工业经济}]
chains:
  - id: chain
    name: 生物药
    keywords: [创新药]
    tier: flagship
    sources: [{doc: doc, quote: 生物药产业加快发展}]
    segments:
      - id: seg-a
        name: 研发
        stage: upstream
        basis: reference
        reference: 医药产业链通行划分
        feeds:
          - {id: seg-b, basis: inferred, note: 研发在前、生产在后（通行次序，文中未明说）,
             sources: [{doc: doc, quote: 生物药产业加快发展}]}
      - id: seg-b
        name: 生产
        stage: midstream
        sources: [{doc: doc, quote: 创新药获批上市}]
"""


def _write(tmp: Path, extra: str = "", base: str = BASE) -> tuple[Path, Path]:
    seeds, sources = tmp / "seeds", tmp / "sources"
    seeds.mkdir()
    sources.mkdir()
    (sources / "doc.txt").write_text(DOC_TEXT, encoding="utf-8")
    (seeds / "documents.yaml").write_text(DOCS, encoding="utf-8")
    (seeds / "base.yaml").write_text(base, encoding="utf-8")
    if extra:
        (seeds / "extra.yaml").write_text(extra, encoding="utf-8")
    return seeds, sources


def _errors(tmp: Path, extra: str) -> list[str]:
    seeds, sources = _write(tmp, extra)
    with pytest.raises(SeedValidationError) as e:
        validate(seeds, sources)
    return [str(x) for x in e.value.errors]


def test_base_validates_and_every_node_and_relationship_has_a_basis(tmp_path: Path) -> None:
    seeds, sources = _write(tmp_path)
    _, g = validate(seeds, sources)
    for rows in g.nodes.values():
        for row in rows:
            assert row["props"]["basis"] in BASES, row
    for rel, rows in g.rels.items():
        for row in rows:
            assert row["props"]["basis"] in BASES, (rel, row)
    segs = {r["id"]: r["props"] for r in g.nodes["Segment"]}
    assert segs["seg-a"]["basis"] == "reference"
    assert segs["seg-a"]["reference"] == "医药产业链通行划分"
    up = g.rels["UPSTREAM_OF"][0]["props"]
    assert up["basis"] == "inferred" and up["basis_note"].startswith("研发在前")
    chain = g.nodes["Chain"][0]["props"]
    assert chain["keywords"] == ["创新药"] and "创新药" in chain["keyword_keys"]
    assert "创新药" not in chain["search_keys"]  # a keyword is not a name


def test_stated_without_quote_is_rejected(tmp_path: Path) -> None:
    errs = _errors(tmp_path, """\
enterprises:
  - id: firm
    name: 无据公司
""")
    assert any("extra.yaml:2" in e and "enterprises[0].sources" in e and "no source quote" in e
               for e in errs), errs


def test_stated_link_without_quote_is_rejected_even_if_the_item_is_reference(
        tmp_path: Path) -> None:
    errs = _errors(tmp_path, """\
enterprises:
  - id: firm
    name: 参考公司
    basis: reference
    reference: 行业名录
    chains: [{id: chain, basis: stated}]
""")
    assert any("enterprises[0].chains[0].sources" in e for e in errs), errs


def test_quote_found_nowhere_is_rejected_with_file_line_field(tmp_path: Path) -> None:
    errs = _errors(tmp_path, """\
enterprises:
  - id: firm
    name: 山东电力设备有限公司
    sources: [{doc: doc, quote: 三大链主企业}]
""")
    assert len(errs) == 1, errs
    assert errs[0].endswith("extra.yaml:4: enterprises[0].sources[0].quote: quote found nowhere "
                            "in doc (even with spaces and line breaks ignored): '三大链主企业' — "
                            "copy it from the document"), errs


def test_quote_across_a_line_break_is_found_and_its_span_stored(tmp_path: Path) -> None:
    seeds, sources = _write(tmp_path, """\
enterprises:
  - id: sdee
    name: 山东电工变压器有限公司
    chains: [{id: chain, role: leader}]
    sources: [{doc: doc, quote: 山东电工变压器有限公司两大链主企业}]
""")
    _, g = validate(seeds, sources)
    props = next(r["props"] for r in g.nodes["Enterprise"] if r["id"] == "sdee")
    assert props["source_quotes"] == ["山东电工变压器有限公司两大链主企业"]  # as written
    start, end = map(int, props["source_spans"][0].split("-"))
    assert DOC_TEXT[start:end] == "山东电工\n变压器有限公司两大链主企业"
    link = next(r["props"] for r in g.rels["IN_CHAIN"] if r["src"] == "sdee")
    assert link["source_spans"] == props["source_spans"]


def test_inferred_without_note_is_rejected(tmp_path: Path) -> None:
    errs = _errors(tmp_path, """\
enterprises:
  - id: firm
    name: 山东电力设备有限公司
    chains: [{id: chain, role: leader, basis: inferred}]
    sources: [{doc: doc, quote: 山东电力设备有限公司}]
relations:
  - {from: firm, type: IN_CHAIN, to: chain, basis: inferred,
     sources: [{doc: doc, quote: 全市工业经济}]}
""")
    assert any("enterprises[0].chains[0].note" in e and "basis inferred" in e for e in errs), errs
    assert any("relations[0].note" in e for e in errs), errs


def test_reference_without_reference_is_rejected(tmp_path: Path) -> None:
    errs = _errors(tmp_path, """\
metrics:
  - {id: m-x-2025, subject: chain, indicator: 产值, value: 1, basis: reference}
""")
    assert any("metrics[0].reference" in e and "basis reference" in e for e in errs), errs


def test_unknown_basis_is_rejected(tmp_path: Path) -> None:
    errs = _errors(tmp_path, """\
enterprises:
  - {id: firm, name: 某公司, basis: registry, sources: [{doc: doc, quote: 全市}]}
""")
    assert any("enterprises[0].basis" in e for e in errs), errs  # reserved for imports


def test_link_inherits_the_items_basis(tmp_path: Path) -> None:
    seeds, sources = _write(tmp_path, """\
enterprises:
  - id: firm
    name: 山东电力设备有限公司
    basis: inferred
    note: 文中称链主企业，所在链据上下文推断
    chains: [chain]
    sources: [{doc: doc, quote: 山东电力设备有限公司}]
""")
    _, g = validate(seeds, sources)
    link = next(r["props"] for r in g.rels["IN_CHAIN"] if r["src"] == "firm")
    assert link["basis"] == "inferred" and link["basis_note"].startswith("文中称链主")


def test_audit_counts_by_basis(tmp_path: Path) -> None:
    seeds, _ = _write(tmp_path)
    out = CliRunner().invoke(app, ["audit", str(seeds), "--json"])
    assert out.exit_code == 0, out.output
    report = json.loads(out.output)
    assert report["by_type"]["UPSTREAM_OF"]["inferred"] == 1
    assert report["by_type"]["Segment"] == {"stated": 1, "inferred": 0, "reference": 1,
                                            "total": 2, "stated_share": 0.5}
    base = next(v for k, v in report["by_file"].items() if k.endswith("base.yaml"))
    assert base["reference"] == 2  # seg-a and its SEGMENT_OF
    text = CliRunner().invoke(app, ["audit", str(seeds)]).output
    assert "stated" in text and "UPSTREAM_OF" in text


def test_search_finds_topic_keywords_below_names(client) -> None:
    """创新药 finds the nodes named with it first, and 生物药 only through its keywords."""
    body = client.get("/search", params={"q": "创新药", "limit": 50}).json()
    hits = body["items"]
    ids = [h["id"] for h in hits]
    assert "biopharmaceuticals" in ids
    bio = hits[ids.index("biopharmaceuticals")]
    assert bio["match"] == "keyword" and bio["matched"] == "创新药"
    named = [h for h in hits if h["match"] in ("exact", "prefix", "contains")]
    assert named, "some node is named with 创新药 (e.g. 山东盛迪创新药物研发基地)"
    assert all(h["score"] > bio["score"] for h in named)
    assert ids.index("biopharmaceuticals") > max(ids.index(h["id"]) for h in named)
    node = client.get("/nodes/biopharmaceuticals").json()["node"]
    assert "创新药" not in node["aliases"] and "创新药" in node["keywords"]
    # an alias that is a true synonym still finds the node by name
    assert client.get("/search", params={"q": "生物药"}).json()["items"][0]["id"] == \
        "biopharmaceuticals"


@pytest.mark.parametrize(("word", "node", "wrong"), [
    ("燃料电池", "fuel-cell-innovation-center", "hydrogen-energy"),
    ("硅基微显示", "silicon-microdisplay-project", "new-display"),
])
def test_topic_words_no_longer_land_on_the_wrong_node(client, word: str, node: str,
                                                      wrong: str) -> None:
    hits = client.get("/search", params={"q": word}).json()["items"]
    ids = [h["id"] for h in hits]
    assert ids[0] == node, ids
    assert hits[ids.index(wrong)]["match"] == "keyword"
