"""Registry import (issue 14) on the real embedded store: parse, validate, upsert, resolve,
classify, count. Small files only (a few hundred rows)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from stdnum.cn import uscc as stdnum_uscc
from typer.testing import CliRunner

from chainatlas.graph import bulk
from chainatlas.graph.store import StoreError
from chainatlas.loaders.load import load
from chainatlas.loaders.registry import RegistryError, import_registry, prepare, read_table
from chainatlas.loaders.registry_gen import HEADERS, generate, write_frame
from chainatlas.loaders.registry_resolve import Links
from chainatlas.queries.registry_counts import court_candidates, placements, segment_counts
from tests.conftest import seeds_dir

SEEDS = seeds_dir()


def code(body: str) -> str:
    """A valid 统一社会信用代码 from its first 17 characters."""
    return body + stdnum_uscc.calc_check_digit(body)


SINOTRUK = code("91370000163053350")
ELEC = "shandong-electrical-engineering"  # 山东电工电气集团
IC_FIRMS = [code(f"9137010000000{i:03d}X") for i in range(3)]


def special_rows() -> pl.DataFrame:
    """Firms with known answers: 中国重汽, three local 集成电路制造 firms (one 吊销), an IC
    design firm outside Jinan, a look-alike of 山东电工电气集团."""
    base = {h: None for h in HEADERS}
    rows = [
        {**base, "企业名称": "中国重型汽车集团有限公司", "统一社会信用代码": SINOTRUK,
         "登记状态": "存续", "注册资本": "1.2亿元", "所属城市": "济南市", "所属区县": "历下区",
         "行业代码": "C3611", "参保人数": "5000"},
        *({**base, "企业名称": f"济南测试芯片{i}有限公司", "统一社会信用代码": c,
           "登记状态": "吊销" if i == 2 else "存续", "注册资本": "1000万元",
           "所属城市": "济南市", "所属区县": "济南高新区", "国标行业小类": "集成电路制造",
           "行业代码": "C3973", "参保人数": "120"} for i, c in enumerate(IC_FIRMS)),
        {**base, "企业名称": "苏州测试设计股份有限公司",
         "统一社会信用代码": code("91320500000000001"),
         "登记状态": "在业", "注册资本": "200万美元", "所属省份": "江苏省", "所属城市": "苏州市",
         "所属区县": "工业园区", "行业代码": "I6520", "参保人数": "80"},
        {**base, "企业名称": "山东电工电器集团有限公司",
         "统一社会信用代码": code("91370100000000009"), "登记状态": "存续", "注册资本": "500万元",
         "所属城市": "济南市", "所属区县": "历下区", "行业代码": "C3823"},
    ]
    return pl.DataFrame(rows, schema={h: pl.String for h in HEADERS})


def extract(n: int = 200, seed: int = 7) -> pl.DataFrame:
    return pl.concat([generate(n, seed).cast(pl.String), special_rows()])


@pytest.fixture()
def store(falkor: Any, tmp_path: Path) -> Any:
    """A fresh graph (its own key on the session's server) holding the project seeds."""
    s = copy.copy(falkor)
    s.graph_name = f"registry_{tmp_path.name[-12:]}"
    load(SEEDS, s)
    yield s
    for key in (s.graph_name, f"{s.graph_name}__import"):
        if s.db.connection.exists(key):
            s.db.connection.execute_command("GRAPH.DELETE", key)


@pytest.fixture()
def links(tmp_path: Path) -> Path:
    return tmp_path / "registry_links.yaml"


def run(path: Path, store: Any, links: Path, **kw: Any):
    return import_registry(path, store, seeds_dir=SEEDS, links_path=links, **kw)


def snapshot(store: Any) -> tuple[list[Any], list[Any]]:
    nodes = store.read("MATCH (n:Enterprise) RETURN n.id AS id, properties(n) AS p ORDER BY id")
    rels = store.read("MATCH (a:Enterprise)-[r]->(b) RETURN a.id AS a, type(r) AS t, b.id AS b, "
                      "properties(r) AS p ORDER BY a, t, b")
    return ([(r["id"], sorted(r["p"].items(), key=str)) for r in nodes],
            [(r["a"], r["t"], r["b"], sorted(r["p"].items(), key=str)) for r in rels])


# -- parsing -------------------------------------------------------------------------------
def test_encodings_xlsx_parquet_read_the_same(tmp_path: Path) -> None:
    df = extract(30)
    frames = {}
    for name, enc in [("bom.csv", "utf-8-sig"), ("plain.csv", "utf-8"), ("gb.csv", "gb18030"),
                      ("x.xlsx", None), ("x.parquet", None)]:
        path = write_frame(df, tmp_path / name, encoding=enc or "utf-8")
        frames[name] = prepare(path, seeds_dir=SEEDS).df.drop("row")
    assert (tmp_path / "gb.csv").read_bytes() != (tmp_path / "plain.csv").read_bytes()
    first = frames["bom.csv"]
    assert first.columns[:2] == ["name", "uscc"]
    assert first["name"][0] == df["企业名称"][0]
    for name, frame in frames.items():
        assert frame.equals(first), name


def test_mapping_file_renames_columns(tmp_path: Path) -> None:
    df = special_rows().rename({"企业名称": "Company", "统一社会信用代码": "Credit code"})
    path = write_frame(df, tmp_path / "other.csv")
    with pytest.raises(RegistryError) as e:
        prepare(path, seeds_dir=SEEDS)
    assert "other.csv:1: 企业名称: missing column" in e.value.errors[0]
    mapping = tmp_path / "m.yaml"
    mapping.write_text("columns:\n  Company: 企业名称\n  Credit code: uscc\n", encoding="utf-8")
    prepared = prepare(path, mapping=mapping, seeds_dir=SEEDS)
    assert prepared.df["name"][0] == "中国重型汽车集团有限公司"
    assert prepared.header_of["name"] == "Company"


def test_errors_by_row_and_column_and_nothing_written(store: Any, links: Path,
                                                      tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "企业名称,统一社会信用代码,注册资本,成立日期,所属城市,所属区县,参保人数\n"
        f"甲有限公司,{SINOTRUK[:-1]}0,500万元,2021-02-30,济南市,历下区,3\n"
        f"乙有限公司,{IC_FIRMS[0]},abc,2020-01-01,济南市,火星区,x\n"
        f",{IC_FIRMS[0]},100万美元,2020-01-01,济南市,历下区,1\n", encoding="utf-8-sig")
    before = store.stats()
    with pytest.raises(RegistryError) as e:
        run(path, store, links)
    lines = e.value.lines()
    assert lines[:2] == [
        f"bad.csv:2: 统一社会信用代码: {SINOTRUK[:-1]}0 校验位错误 wrong check digit (GB 32100)",
        "bad.csv:2: 成立日期: 2021-02-30 日期无效 impossible date (use YYYY-MM-DD)"]
    text = "\n".join(lines)
    assert "bad.csv:3: 注册资本: abc 不是数字" in text
    assert "bad.csv:3: 所属区县: 火星区 不是济南的区县" in text
    assert "bad.csv:3: 参保人数: x 不是整数" in text
    assert "bad.csv:4: 企业名称: 企业名称为空 missing name" in text
    assert f"bad.csv:4: 统一社会信用代码: {IC_FIRMS[0]} 重复 duplicate of row 3" in text
    assert store.stats() == before


def test_errors_are_capped_with_a_count(tmp_path: Path) -> None:
    df = generate(80, 3).with_columns(pl.lit("不详").alias("注册资本"))
    with pytest.raises(RegistryError) as e:
        prepare(write_frame(df, tmp_path / "many.csv"), seeds_dir=SEEDS)
    lines = e.value.lines(cap=10)
    assert len(lines) == 11 and lines[-1].startswith("… and 70 more")


# -- upsert, resolution, classification, counts -------------------------------------------------
def test_import_twice_changes_nothing_and_sinotruk_merges(store: Any, links: Path,
                                                          tmp_path: Path) -> None:
    path = write_frame(extract(), tmp_path / "r.csv")
    report = run(path, store, links)
    assert report.written and report.rows == 206
    assert (report.new, report.updated, report.merged) == (205, 1, 1)  # 中国重汽 updated
    first = snapshot(store)
    stats = store.stats()
    again = run(path, store, links)
    assert (again.new, again.updated, again.unchanged, again.statements) == (0, 0, 206, 0)
    assert snapshot(store) == first
    assert store.stats() == stats
    # 中国重型汽车集团有限公司 lands on the document node 中国重汽 (alias 中国重型汽车集团)
    rows = store.read("MATCH (n:Enterprise {uscc: $c}) RETURN n.id AS id, n.name AS name, "
                      "n.basis AS basis, n.capital_wan AS cap", {"c": SINOTRUK})
    assert rows == [{"id": "sinotruk", "name": "中国重汽", "basis": rows[0]["basis"],
                     "cap": 12000.0}]
    assert rows[0]["basis"] != "registry"
    assert not store.read("MATCH (n:Node {id: $id}) RETURN n.id AS id",
                          {"id": "uscc-" + SINOTRUK.lower()})
    registry = store.read("MATCH (n:Enterprise {basis: 'registry'}) RETURN count(n) AS c")
    assert registry[0]["c"] == 205


def test_ic_manufacturing_counted_with_rule_and_inactive_excluded(store: Any, links: Path,
                                                                  tmp_path: Path) -> None:
    before = {c.segment: c for c in segment_counts(store, "integrated-circuits")}
    run(write_frame(special_rows(), tmp_path / "r.csv"), store, links)
    after = {c.segment: c for c in segment_counts(store, "integrated-circuits")}
    ic = after["ic-manufacturing"]
    # two active local 集成电路制造 firms; the third is 吊销: kept but not counted
    assert ic.firms == before["ic-manufacturing"].firms + 2
    assert ic.by_rule == 2 and ic.registry_firms == 2
    assert ic.capital_wan >= 2000 and ic.insured >= 240
    revoked = "uscc-" + IC_FIRMS[2].lower()
    kept = store.read("MATCH (n:Node {id: $id}) RETURN n.active AS active", {"id": revoked})
    assert kept == [{"active": False}]
    why = placements(store, "uscc-" + IC_FIRMS[0].lower())
    assert why == [{"segment": "ic-manufacturing", "segment_name": why[0]["segment_name"],
                    "chain": "integrated-circuits", "basis": "rule",
                    "rule": "行业代码 3973 集成电路制造", "role": "member"}]
    hitech = {c.segment: c.firms for c in segment_counts(store, "integrated-circuits",
                                                         district="jinan-hitech")}
    assert hitech["ic-manufacturing"] >= 2
    # the design firm in Suzhou is a candidate to court, not a local firm
    assert after["ic-design"].firms == before["ic-design"].firms
    cands = court_candidates(store, "integrated-circuits", "ic-design")
    assert [c.name for c in cands] == ["苏州测试设计股份有限公司"]
    assert cands[0].capital_wan == pytest.approx(1420.0)
    assert any("行业代码 6520" in r for r in cands[0].reasons)


def test_newer_extract_marks_firms_inactive(store: Any, links: Path, tmp_path: Path) -> None:
    df = special_rows()
    run(write_frame(df, tmp_path / "r1.csv"), store, links)
    n1 = {c.segment: c.firms for c in segment_counts(store, "integrated-circuits")}
    newer = df.with_columns(pl.when(pl.col("统一社会信用代码") == IC_FIRMS[0]).then(pl.lit("注销"))
                            .otherwise(pl.col("登记状态")).alias("登记状态"))
    report = run(write_frame(newer, tmp_path / "r2.csv"), store, links)
    assert (report.updated, report.unchanged) == (1, df.height - 1)
    n2 = {c.segment: c.firms for c in segment_counts(store, "integrated-circuits")}
    assert n2["ic-manufacturing"] == n1["ic-manufacturing"] - 1
    row = store.read("MATCH (n:Node {id: $id}) RETURN n.active AS a, n.registry_source AS s",
                     {"id": "uscc-" + IC_FIRMS[0].lower()})
    assert row == [{"a": False, "s": "r2.csv:3"}]


def test_fuzzy_look_alike_goes_to_review_then_link_is_kept(store: Any, links: Path,
                                                           tmp_path: Path) -> None:
    path = write_frame(special_rows(), tmp_path / "r.csv")
    report = run(path, store, links)
    review = report.review.to_dicts()
    lookalike = code("91370100000000009")
    assert [(r["uscc"], r["candidate"]) for r in review] == [(lookalike, ELEC)]
    uscc_of = "MATCH (n:Node {id: $e}) RETURN n.uscc AS u"
    assert store.read(uscc_of, {"e": ELEC}) == [{"u": None}]  # not merged silently
    result = CliRunner().invoke(_cli_app(), ["registry-link", lookalike, ELEC],
                                env={"CHAINATLAS_SEEDS_DIR": str(tmp_path)})
    _cli_app()  # forget the settings of this environment
    assert result.exit_code == 0, result.output
    assert Links.load(links).accepted == {lookalike: ELEC}
    report = run(path, store, links)
    assert report.review.height == 0
    assert store.read(uscc_of, {"e": ELEC}) == [{"u": lookalike}]
    assert not store.read("MATCH (n:Node {id: $id}) RETURN n.id AS id",
                          {"id": "uscc-" + lookalike.lower()})


def _cli_app():
    from chainatlas.cli import app
    from chainatlas.settings import get_settings

    get_settings.cache_clear()
    return app


def test_failed_import_leaves_graph_intact(store: Any, links: Path, tmp_path: Path) -> None:
    run(write_frame(special_rows(), tmp_path / "r.csv"), store, links)
    before = snapshot(store)
    statements: list[bulk.Statement] = [
        (bulk.upsert_firms(), [{"id": "uscc-x", "props": {"name": "新企业"}}]),
        ("UNWIND $rows AS row MATCH (n:Node {id: row.id}) SET n.bad = row.nested",
         [{"id": "sinotruk", "nested": {"a": {"b": 1}}}]),
    ]
    with pytest.raises(StoreError, match="unchanged"):
        bulk.staged_apply(store, statements)
    assert snapshot(store) == before
    assert not store.db.connection.exists(f"{store.graph_name}__import")


def test_dry_run_writes_nothing(store: Any, links: Path, tmp_path: Path) -> None:
    before = store.stats()
    report = run(write_frame(extract(50), tmp_path / "r.parquet"), store, links, dry_run=True)
    assert not report.written and report.rows == 56 and report.placements > 0
    assert store.stats() == before


def test_read_table_rejects_unknown_types(tmp_path: Path) -> None:
    (tmp_path / "x.json").write_text("{}")
    with pytest.raises(RegistryError, match="unknown file type"):
        read_table(tmp_path / "x.json")


def test_newer_extract_moves_a_firm_to_its_new_segment(store: Any, links: Path,
                                                       tmp_path: Path) -> None:
    df = special_rows()
    run(write_frame(df, tmp_path / "r1.csv"), store, links)
    moved = df.with_columns(
        pl.when(pl.col("统一社会信用代码") == IC_FIRMS[1]).then(pl.lit("I6520"))
        .otherwise(pl.col("行业代码")).alias("行业代码"))
    run(write_frame(moved, tmp_path / "r2.csv"), store, links)
    why = placements(store, "uscc-" + IC_FIRMS[1].lower())
    assert [(p["segment"], p["rule"]) for p in why] == [("ic-design", "行业代码 6520 集成电路设计")]


def test_district_rules_place_only_that_districts_firms(store: Any, links: Path,
                                                        tmp_path: Path) -> None:
    df = special_rows().with_columns(pl.lit("C3921").alias("行业代码"), pl.lit(None).alias(
        "国标行业小类"))
    df = df.with_columns(pl.when(pl.col("统一社会信用代码") == IC_FIRMS[0]).then(pl.lit("市中区"))
                         .otherwise(pl.col("所属区县")).alias("所属区县"))
    run(write_frame(df, tmp_path / "r.csv"), store, links)
    rows = store.read("MATCH (e:Enterprise)-[r:IN_SEGMENT]->(:Segment {id: "
                      "'shizhong-it-telecom-equipment'}) WHERE r.basis = 'rule' "
                      "RETURN e.uscc AS u")
    assert [r["u"] for r in rows] == [IC_FIRMS[0]]


def test_rule_file_names_real_segments_and_covers_every_segment(store: Any) -> None:
    from chainatlas.loaders.registry_rules import load_rules

    segments = {r["id"] for r in store.read("MATCH (s:Segment) RETURN s.id AS id")}
    rules = load_rules(SEEDS / "registry_rules.yaml", segments)
    covered = {r.segment for r in rules.codes} | {r.segment for r in rules.keywords}
    assert segments - covered == set(rules.no_rule)
    assert any(r.district == "shizhong" for r in rules.codes)
    assert {"3973", "6520", "3841", "3670", "3612", "2761", "3421", "3491", "6511", "6513",
            "3120"} <= {r.code for r in rules.codes}


def test_rule_file_errors_name_line_and_field(tmp_path: Path) -> None:
    from chainatlas.loaders.registry_rules import RulesError, load_rules

    bad = tmp_path / "rules.yaml"
    bad.write_text("codes:\n  - {code: '3973', segment: ic-manufacturing}\n"
                   "  - {code: 'x1', segment: nowhere}\n", encoding="utf-8")
    with pytest.raises(RulesError) as e:
        load_rules(bad, {"ic-manufacturing"})
    assert e.value.errors == [
        f"{bad}:3: codes[1]: segment: unknown segment id 'nowhere'",
        f"{bad}:3: codes[1]: code: 'x1' is not a 2-4 digit GB/T 4754 code"]


def test_cli_import_dry_run_and_errors(tmp_path: Path) -> None:
    good = write_frame(special_rows(), tmp_path / "ok.csv", encoding="gb18030")
    env = {"CHAINATLAS_DATA_DIR": str(tmp_path / "nodata"), "CHAINATLAS_SEEDS_DIR": str(SEEDS)}
    result = CliRunner().invoke(_cli_app(), ["import", str(good), "--dry-run"], env=env)
    assert result.exit_code == 0, result.output
    assert "valid (nothing written)" in result.output and "6 firms" in result.output
    bad = tmp_path / "bad.csv"
    bad.write_text(f"企业名称,统一社会信用代码\n甲公司,{SINOTRUK[:-1]}0\n", encoding="utf-8")
    result = CliRunner().invoke(_cli_app(), ["import", str(bad), "--dry-run"], env=env)
    _cli_app()
    assert result.exit_code == 1
    assert "bad.csv:2: 统一社会信用代码:" in result.output
    assert "未写入任何数据" in result.output


def test_related_caps_registry_firms_but_keeps_document_firms(store: Any, links: Path,
                                                              tmp_path: Path) -> None:
    from chainatlas.queries import related

    n = related.CAP + 20
    df = generate(n, 11).with_columns(
        pl.lit("C3612").alias("行业代码"), pl.lit("存续").alias("登记状态"),
        pl.lit("济南市").alias("所属城市"), pl.lit("历下区").alias("所属区县"))
    run(write_frame(df, tmp_path / "crowd.parquet"), store, links)
    docs = {r["id"] for r in store.read(
        "MATCH (e:Enterprise)-[:IN_SEGMENT]->(:Segment {id: 'automobile-passenger-vehicles'}) "
        "WHERE coalesce(e.basis, '') <> 'registry' RETURN e.id AS id")}
    assert docs, "the seeds have document firms (比亚迪, 吉利) in automobile-passenger-vehicles"
    firm = "uscc-" + df["统一社会信用代码"][0].lower()
    rows = related.related_rows(store, firm)
    same = [r["other"] for r in rows if r["reason"] == "same_segment"]
    assert docs <= set(same)  # document firms are never capped
    assert len(set(same) - docs) == related.CAP  # registry firms are: n - 1 > CAP exist
    grouped = store.read(related.RELATED, {"id": firm, "city": "city", "chain_kind": "chain",
                                           "cap": related.CAP, "registry": "registry"})
    assert sum(len(r["others"]) for r in grouped) == len(rows)
    assert len(grouped) < 20 < related.CAP  # a branch's registry firms share one row
    result = related.related_enterprises(store, firm, limit=5)
    assert result is not None and len(result.items) == 5 and result.total >= related.CAP


DOC_FIRMS_WALK = {  # the walk over every firm that the doc_firm_ids lists replace
    "Segment": "MATCH (x:Segment) OPTIONAL MATCH (o:Enterprise)-[:IN_SEGMENT]->(x) ",
    "Chain": "MATCH (x:Chain) "
             "OPTIONAL MATCH (o:Enterprise)-[:IN_SEGMENT]->(:Segment)-[:SEGMENT_OF]->(x) ",
    "District": "MATCH (x:District) OPTIONAL MATCH (o:Enterprise)-[:LOCATED_IN]->(x) ",
}


def doc_firm_lists(store: Any) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Each place's stored ``doc_firm_ids`` and the same computed by walking all its firms."""
    stored, walked = {}, {}
    for label, walk in DOC_FIRMS_WALK.items():
        for r in store.read(f"MATCH (x:{label}) RETURN x.id AS id, x.doc_firm_ids AS ids"):
            assert r["ids"] is not None, f"{label} {r['id']} has no doc_firm_ids"
            assert r["ids"] == sorted(r["ids"])  # the same list on both stores
            stored[r["id"]] = r["ids"]
        for r in store.read(walk + "WITH x, o WHERE coalesce(o.basis, '') <> 'registry' "
                            "RETURN x.id AS id, collect(DISTINCT o.id) AS ids"):
            walked[r["id"]] = sorted(r["ids"])
    return stored, {k: walked.get(k, []) for k in stored}


def test_doc_firm_lists_follow_every_load_and_import(store: Any, links: Path,
                                                     tmp_path: Path) -> None:
    """Every segment, chain and district lists its document firms (never registry firms) after
    the seed load and after each import — one that places a document firm (中国重汽, merged by
    its code, 行业代码 3611) in a segment by rule, and one that marks it inactive."""
    stored, walked = doc_firm_lists(store)
    assert stored == walked and "byd" in stored["automobile-passenger-vehicles"]
    assert "byd" in stored["automobile"]
    before = {k for k, v in stored.items() if "sinotruk" in v}
    run(write_frame(extract(), tmp_path / "a.parquet"), store, links)
    stored, walked = doc_firm_lists(store)
    assert stored == walked
    assert {k for k, v in stored.items() if "sinotruk" in v} > before  # placed by rule
    registry = {r["id"] for r in store.read(
        "MATCH (e:Enterprise {basis: 'registry'}) RETURN e.id AS id")}
    assert registry and not registry & {i for v in stored.values() for i in v}
    df = extract().with_columns(pl.lit("注销").alias("登记状态"))
    run(write_frame(df, tmp_path / "b.parquet"), store, links)
    assert doc_firm_lists(store)[0] == stored  # same places, the lists rewritten identically
    # a store written before the lists existed: related walks the places instead, same rows
    from chainatlas.queries import related

    def rows(firm: str) -> list[str]:
        return sorted(map(str, related.related_rows(store, firm)))

    with_lists = {f: rows(f) for f in ("byd", "sinotruk")}
    assert any("'same_segment', 'other': 'geely'" in r for r in with_lists["byd"])
    assert any("'same_chain', 'other': 'byd'" in r for r in with_lists["sinotruk"])
    for label in DOC_FIRMS_WALK:
        store.write(f"MATCH (x:{label}) REMOVE x.doc_firm_ids")
    assert {f: rows(f) for f in with_lists} == with_lists


def test_gap_report_counts_imported_firms_with_their_basis(store: Any, links: Path,
                                                          tmp_path: Path) -> None:
    """Issue 14 done-when: the 集成电路 gap report counts the imported 集成电路制造 firms (basis
    registry, placed by rule), and a segment with no document firm is covered by them."""
    from chainatlas.queries.gaps import gap_report

    def seg(report: Any, sid: str) -> Any:
        return next(s for s in report.segments if s.id == sid)

    before = seg(gap_report(store, "integrated-circuits"), "ic-manufacturing")
    run(write_frame(special_rows(), tmp_path / "r.csv"), store, links)
    after = seg(gap_report(store, "integrated-circuits"), "ic-manufacturing")
    assert after.counts.by_basis.get("registry", 0) == 2  # the 吊销 firm is not counted
    assert after.counts.firms == before.counts.firms + 2
    assert after.status == "covered"
    why = placements(store, "uscc-" + IC_FIRMS[0].lower())
    assert why[0]["basis"] == "rule" and "3973" in why[0]["rule"]


def test_store_reopens_after_an_import(tmp_path: Path, links: Path) -> None:
    """An import records the new counts and compacts like a load: the store reopens (the
    manifest check must not call the imported graph damaged) with the firms in it."""
    from chainatlas.graph.falkor import FalkorStore

    data = tmp_path / "db"
    s = FalkorStore(data, graph_name="reopen")
    load(SEEDS, s)
    run(write_frame(special_rows(), tmp_path / "r.csv"), s, links)
    n = s.stats()["nodes"]["Enterprise"]
    s.close()
    again = FalkorStore(data, graph_name="reopen")
    try:
        again.verify()
        assert again.stats()["nodes"]["Enterprise"] == n
    finally:
        again.close()


# -- scale paths: tallies and index lookups (issue 14 performance) ------------------------------
LIVE_COUNTS = (  # the walk over every firm that the tallies replace
    "MATCH (s:Segment)-[:SEGMENT_OF]->(:Chain {id: $chain}) "
    "OPTIONAL MATCH (e:Enterprise)-[r:IN_SEGMENT]->(s) "
    "WHERE coalesce(e.active, true) = true AND coalesce(e.local, true) = true AND "
    "($district IS NULL OR (e)-[:LOCATED_IN]->(:District {id: $district}) OR "
    "(e)-[:LOCATED_IN]->(:Node)-[:LOCATED_IN]->(:District {id: $district})) "
    "RETURN s.id AS segment, count(DISTINCT e) AS firms, "
    "count(DISTINCT CASE WHEN e.basis = 'registry' THEN e END) AS registry_firms, "
    "sum(coalesce(e.insured, 0)) AS insured ORDER BY segment"
)


def test_tallies_equal_a_walk_over_the_firms_after_each_import(store: Any, links: Path,
                                                               tmp_path: Path) -> None:
    """segment_counts reads the import's per-district tallies: the same figures as counting
    every firm, for every chain, in Jinan and in a district, after an import and after a newer
    extract moves firms out (注销)."""
    df = extract(400)
    chains = [r["id"] for r in store.read("MATCH (c:Chain) RETURN c.id AS id ORDER BY id")]

    def check() -> int:
        seen = 0
        for chain in chains:
            for district in (None, "jinan-hitech", "lixia"):
                live = {r["segment"]: r for r in store.read(
                    LIVE_COUNTS, {"chain": chain, "district": district})}
                for c in segment_counts(store, chain, district):
                    r = live[c.segment]
                    assert (c.firms, c.registry_firms, c.insured) == (
                        r["firms"], r["registry_firms"], int(r["insured"])), (chain, district)
                    seen += c.registry_firms
        return seen

    run(write_frame(df, tmp_path / "r1.csv"), store, links)
    assert check() > 0  # registry firms were counted somewhere
    newer = df.with_columns(pl.lit("注销").alias("登记状态"))
    run(write_frame(newer, tmp_path / "r2.csv"), store, links)
    assert check() == 0  # every registry firm is now inactive: the tallies say so


def test_search_finds_registry_firms_by_index_lookups(store: Any, links: Path,
                                                      tmp_path: Path) -> None:
    """Registry firms are found by exact name, name without legal form (range-index lookups),
    prefix, a substring inside the name, pinyin and initials (the full-text index), ranked
    with the same classes as document nodes."""
    from chainatlas.queries.search import search

    run(write_frame(special_rows(), tmp_path / "r.csv"), store, links)
    firm = "uscc-" + IC_FIRMS[0].lower()

    def match(q: str) -> str | None:
        hit = next((h for h in search(store, q, limit=1000).items if h.id == firm), None)
        return hit.match if hit else None

    assert match("济南测试芯片0有限公司") == "exact"
    assert match("济南测试芯片0") == "exact"  # the name without its legal form
    assert match("济南测试芯") == "prefix"
    assert match("jinanceshixinpian0") == "exact"  # full pinyin
    assert match("jncsxp0") == "initials"  # initials only: ranked below names, capped
    assert match("测试芯片0") == "contains"  # a substring inside a registry name
    assert match("试芯") == "contains" and match("测") is None  # two characters or more
    top = search(store, "济南测试芯片0").items[0]
    assert (top.id, top.basis) == (firm, "registry")
    assert search(store, "比亚迪").items[0].id == "byd"  # document nodes as before


def test_gap_view_sizes_registry_candidates_and_small_firms(store: Any, links: Path,
                                                            tmp_path: Path) -> None:
    """Issue 14, part 6, in the gap report itself: registry sizes per segment, registry firms
    outside Jinan as candidates to court (with the rule that placed them), and a segment known
    only from a few small registry firms is weak (with the figures), not covered."""
    from chainatlas.queries.gaps import gap_report

    before = {s.id: s for s in gap_report(store, "modern-medicine").segments}
    assert before["medicine-raw-materials"].status == "unknown"
    base = {h: None for h in HEADERS}
    tiny = [{**base, "企业名称": f"济南测试原料药{i}有限公司",
             "统一社会信用代码": code(f"91370100000005{i:02d}X"), "登记状态": "存续",
             "注册资本": "50万元", "所属城市": "济南市", "所属区县": "历下区",
             "行业代码": "C2710", "参保人数": "6"} for i in range(2)]
    df = pl.concat([special_rows(), pl.DataFrame(tiny, schema={h: pl.String for h in HEADERS})])
    run(write_frame(df, tmp_path / "r.csv"), store, links)

    ic = {s.id: s for s in gap_report(store, "integrated-circuits").segments}
    made = ic["ic-manufacturing"].counts
    assert made.by_basis.get("registry") == 2
    assert made.registry_capital_wan == pytest.approx(2000.0)
    assert made.registry_max_capital_wan == pytest.approx(1000.0)
    assert made.registry_insured == 240
    design = ic["ic-design"]
    reg = [c for c in design.candidates if c.basis == "rule"]
    assert [c.name for c in reg] == ["苏州测试设计股份有限公司"]
    assert reg[0].mark == "外地" and reg[0].local is False
    assert "行业代码 6520" in reg[0].reasons[0].text and "苏州" in reg[0].reasons[0].text
    # the document's own candidates (quoted) stay first
    doc = [c for c in design.candidates if c.basis != "rule"]
    assert design.candidates[:len(doc)] == doc

    med = {s.id: s for s in gap_report(store, "modern-medicine").segments}
    raw = med["medicine-raw-materials"]
    assert raw.status == "weak", raw.explanation
    assert "小微企业2家" in raw.explanation and "参保12人" in raw.explanation
    assert raw.counts.registry_insured == 12


def test_chain_map_names_the_largest_registry_firms_and_counts_the_rest(
        store: Any, links: Path, tmp_path: Path) -> None:
    """A map column draws the documents' actors first, then the largest local registry firms
    the import ranked (never a walk over the segment's firms), and counts the others."""
    from chainatlas.graph.tallies import COURT_TOP
    from chainatlas.viz.data import chain_map

    base = {h: None for h in HEADERS}
    many = [{**base, "企业名称": f"济南测试晶圆{i}有限公司",
             "统一社会信用代码": code(f"9137010000001{i:03d}X"), "登记状态": "存续",
             "注册资本": f"{100 + i}万元", "所属城市": "济南市", "所属区县": "历下区",
             "行业代码": "C3973", "参保人数": "10"} for i in range(COURT_TOP + 5)]
    df = pl.concat([special_rows(), pl.DataFrame(many, schema={h: pl.String for h in HEADERS})])
    run(write_frame(df, tmp_path / "r.csv"), store, links)
    seg = {s.id: s for s in chain_map(store, "integrated-circuits").segments}["ic-manufacturing"]
    reg = [a for a in seg.actors if a.registry]
    assert len(reg) == COURT_TOP
    assert seg.registry_firms == COURT_TOP + 5 + 2
    assert seg.registry_more == 7
    # documents' actors first; registry firms by size: the two 1000万 firms, then 124万 …
    assert all(not a.registry for a in seg.actors[:len(seg.actors) - len(reg)])
    assert [a.name for a in reg[:3]] == ["济南测试芯片0有限公司", "济南测试芯片1有限公司",
                                         f"济南测试晶圆{COURT_TOP + 4}有限公司"]
    assert reg[0].rule == "行业代码 3973 集成电路制造"
