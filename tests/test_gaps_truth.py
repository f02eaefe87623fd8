"""Chain gaps that tell the truth (issue 10): what the documents say exists is never a gap or
unknown; ``overall`` follows the segments; ``/gaps`` agrees with every chain's report; firms
count once; support and firms outside Jinan never count; unknown is not a gap.

The seed tests assert principles and the segments the documents name (looked up by chain and
name, not by incidental seed ids), so that re-audited seeds keep passing.
"""

from __future__ import annotations

from typing import Any

import pytest

from chainatlas.graph.model import GraphData
from chainatlas.queries import gaps
from chainatlas.queries.chains import list_chains

# (chain id, words in the segment's name, the document's words saying it exists locally)
DOCUMENTS_SAY_PRESENT: list[tuple[str, str, str]] = [
    ("integrated-circuits", "设计", "集设计、制造、封测、应用、支撑于一体的全产业链"),
    ("integrated-circuits", "制造", "集设计、制造、封测、应用、支撑于一体的全产业链"),
    ("integrated-circuits", "封装", "集设计、制造、封测、应用、支撑于一体的全产业链"),
    ("integrated-circuits", "应用", "集设计、制造、封测、应用、支撑于一体的全产业链"),
    ("integrated-circuits", "支撑", "集设计、制造、封测、应用、支撑于一体的全产业链"),
    ("automobile", "芯片", "形成从芯片、动力电池等零部件生产"),
    ("automobile", "动力电池", "形成从芯片、动力电池等零部件生产"),
    ("automobile", "乘用车", "到乘用车、商用车整车生产的新能源汽车全产业链"),
    ("automobile", "商用车", "到乘用车、商用车整车生产的新能源汽车全产业链"),
    ("electronic-information", "服务器", "浪潮信息服务器出货量蝉联中国第一"),
    ("aerospace-low-altitude", "卫星", "济钢卫星总装基地一期建成投产"),
    ("aerospace-low-altitude", "发动机", "深蓝航天液体火箭发动机"),
    ("aerospace-low-altitude", "低空飞行管理", "济南数字低空飞行管理服务平台一期上线试运行"),
    ("artificial-intelligence", "大模型", "浪潮云建设运营国内首个人工智能模型工厂"),
    ("artificial-intelligence", "算力", "千卡级国产智算集群"),
    ("steel", "轧制", "山钢股份钢城基地棒材厂"),
    ("advanced-materials", "制备", "鲁银新材料制粉产量位居亚洲第一"),
    ("cnc-machine-tools-robots", "激光", "邦德激光建成北方最大的激光切割设备生产基地"),
    ("shizhong-power-equipment", "生产",
     "山东电力设备有限公司、济南西门子能源变压器有限公司两大链主企业"),
]


def _segment(rep: gaps.GapReport, words: str) -> gaps.SegmentGap | None:
    return next((s for s in rep.segments if words in s.name), None)


@pytest.mark.parametrize(("chain", "words", "quote"), DOCUMENTS_SAY_PRESENT,
                         ids=[f"{c}:{w}" for c, w, _ in DOCUMENTS_SAY_PRESENT])
def test_documents_say_present_never_gap_or_unknown(seed_store: Any, chain: str, words: str,
                                                    quote: str) -> None:
    rep = gaps.gap_report(seed_store, chain)
    if rep is None or _segment(rep, words) is None:
        pytest.skip(f"the seeds hold no segment of {chain} named with {words!r}")
    seg = _segment(rep, words)
    assert seg.status not in {"gap", "unknown"}, (seg.name, seg.status, seg.explanation)
    assert seg.status == "covered" and "缺链" not in seg.explanation
    quotes = [s.quote for st in seg.statements for s in st.sources] + [
        s.quote for e in seg.evidence for s in e.sources]
    assert any(quote in q or q in quote for q in quotes), (seg.name, quotes)


def test_key_chains_the_documents_name_are_present(seed_store: Any) -> None:
    """专用装备's 四大重点领域 and 新能源装备's 五能两新 are there (derived key chains)."""
    for flagship, names in (("special-equipment", {"工程机械", "轨道交通装备", "环保装备",
                                                   "安全应急装备"}),
                            ("new-energy-equipment", {"风能", "太阳能", "核能", "氢能", "储能",
                                                      "新型电池", "新型能源装备"})):
        rep = gaps.gap_report(seed_store, flagship)
        got = {k.name: k for k in rep.key_chains if k.name in names}
        if not got:
            pytest.skip(f"the seeds hold none of {sorted(names)} as key chains")
        for k in got.values():
            assert k.status == "covered", (k.name, k.status, k.explanation)
            assert k.derived and k.statements and k.statements[0].sources


def _all_chains(store: Any) -> list[str]:
    return [c.id for c in list_chains(store, None)]


def test_every_chain_overall_agrees_with_its_segments(seed_store: Any) -> None:
    """Over every chain (flagship, key, district): ``overall`` is the documented aggregation of
    ``summary``, each status has the evidence its rule asks for, and no firm counts twice."""
    reports = {cid: gaps.gap_report(seed_store, cid) for cid in _all_chains(seed_store)}
    assert len(reports) > 13
    for cid, rep in reports.items():
        assert sum(rep.summary.values()) == len(rep.segments), cid
        assert set(rep.summary) == set(gaps.STATUSES)
        if rep.segments:
            assert rep.overall == gaps.overall_of(rep.summary), (cid, rep.overall, rep.summary)
            if rep.summary["gap"]:
                assert rep.overall == "gap"
            if rep.overall == "covered":
                assert rep.summary["covered"] == len(rep.segments)
        assert rep.overall_zh == gaps.STATUS_ZH[rep.overall]
        assert rep.coverage.note and rep.coverage.note_en
        for s in rep.segments:
            ids = [e.id for e in s.evidence]
            assert len(ids) == len(set(ids)), (cid, s.id)  # each firm once
            assert all(e.kind in gaps.FIRM_KINDS for e in s.evidence)
            assert all(e.local is not False for e in s.evidence)  # 外地 never counts
            assert all(e.mark == "外地" for e in s.others if e.local is False)
            assert s.counts.firms >= len(s.evidence)
            assert s.explanation and s.explanation_en and s.status_zh
            says = {st.says for st in s.statements}
            if s.status == "gap":
                assert "missing" in says and s.counts.firms == 0
            if s.status == "unknown":
                assert s.counts.firms == 0 and "present" not in says
                assert "缺链" not in s.explanation.split("（")[0]
            if s.status == "covered":
                assert s.counts.firms > 0 or "present" in says
            if s.basis == "reference":  # marked as such, and never claims a quote
                assert s.status != "gap" or s.statements
            for c in s.candidates:  # a segment-level reason with a quote
                assert any(r.kind in gaps.SEGMENT_REASONS and r.sources for r in c.reasons)
                assert c.id not in ids


def test_projects_count_for_their_firm(seed_store: Any) -> None:
    """No segment lists a project whose owner is an enterprise: it counts for that firm."""
    owned = {r["id"] for r in seed_store.read(
        "MATCH (p:Project)-[:PROJECT_OF]->(:Enterprise) RETURN DISTINCT p.id AS id")}
    for cid in _all_chains(seed_store):
        rep = gaps.gap_report(seed_store, cid)
        for s in rep.segments:
            assert not owned & {e.id for e in s.evidence}, (cid, s.id)


def test_overview_agrees_with_every_report(client: Any) -> None:
    """``GET /gaps`` for every tier says what each chain's own report says."""
    for tier in ("flagship", "key", "district"):
        body = client.get("/gaps", params={"tier": tier}).json()
        rows = body["items"] if isinstance(body, dict) else body
        assert rows, tier
        for g in rows:
            rep = client.get(f"/chains/{g['chain']['id']}/gaps").json()
            assert g["summary"] == rep["summary"], g["chain"]["id"]
            assert g["overall"] == rep["overall"]
            assert g["coverage"] == rep["coverage"]
            for status in ("gap", "weak", "unknown"):
                assert [r["id"] for r in g[status]] == [
                    s["id"] for s in rep["segments"] if s["status"] == status]
            assert g["key_chains"] == {k["id"]: k["status"] for k in rep["key_chains"]}


def test_coverage_states_the_documented_counts(seed_store: Any) -> None:
    """航空航天 195 家, 高端数控机床与机器人 264 家, 新能源装备 136 家 next to the graph's count."""
    for chain, value in (("aerospace-low-altitude", 195), ("cnc-machine-tools-robots", 264),
                         ("new-energy-equipment", 136)):
        rep = gaps.gap_report(seed_store, chain)
        if rep is None:
            pytest.skip(f"no {chain}")
        cov = rep.coverage
        assert any(d.value == value and d.sources for d in cov.documented), (chain, cov)
        assert f"{value}家" in cov.note and f"本地企业{cov.firms_in_graph}家" in cov.note
        assert cov.firms_in_graph < value  # the graph is thin: the note says so
        assert "未掌握" in cov.note


def test_api_marks_basis(client: Any) -> None:
    """Reference segments, derived key chains and inferred statements say so in the API."""
    rows = client.get("/gaps").json()
    rows = rows["items"] if isinstance(rows, dict) else rows
    refs = [r for g in rows for st in ("gap", "weak", "unknown") for r in g[st]
            if r["basis"] == "reference"]
    assert refs and all(r["reference"] for r in refs)
    rep = client.get("/chains/new-energy-equipment/gaps").json()
    assert any(k["derived"] for k in rep["key_chains"])
    inferred = [st for s in rep["segments"] for st in s["statements"] if st["basis"] == "inferred"]
    assert inferred and all(st["basis_note"] and st["sources"] for st in inferred)


# -- the rule on a small graph built for it ---------------------------------------------------

def _n(kind: str, i: str, **p: Any) -> dict[str, Any]:
    return {"id": i, "props": {"kind": kind, "name": p.pop("name", i), "search_keys": [i],
                               "source_docs": ["d"], "source_quotes": [f"q-{i}"],
                               "basis": "stated", **p}}


def _r(a: str, b: str, **p: Any) -> dict[str, Any]:
    return {"src": a, "dst": b, "props": {"source_docs": ["d"], "source_quotes": [f"{a}>{b}"],
                                          "basis": "stated", **p}}


@pytest.fixture()
def rule_store(scratch_store: Any) -> Any:
    """One chain, segments a..f:

    a: firm F and two projects of F (one firm), an agency, a cluster, a platform (support);
    b: a firm outside Jinan only (外地), and a document says it is missing → gap;
    c: nothing at all → unknown; d: a document says present → covered;
    e: one firm whose leader role is only inferred, and a document says weak → weak;
    f: registry firms (two active, one not active, one outside) → covered by 2 registry firms;
    g: a registry count says none → gap. Chain-level firm 某某制药 matches f-keyword 制药.
    """
    seg = [_n("segment", f"s-{x}", chain_id="c", order=i, stage="midstream")
           for i, x in enumerate("abcdefg")]
    for s in seg:
        if s["id"] == "s-f":
            s["props"]["keywords"] = ["制药"]
    scratch_store.replace(GraphData(
        nodes={"Chain": [_n("chain", "c", tier="flagship")],
               "District": [_n("district", "jinan", level="city")],
               "Segment": seg,
               "Enterprise": [_n("enterprise", "F", local=True),
                              _n("enterprise", "X", local=False, location="深圳"),
                              _n("enterprise", "E", local=True),
                              _n("enterprise", "P", name="某某制药", local=True),
                              *[_n("enterprise", f"R{i}", basis="registry", local=i != 3,
                                   active=i != 2) for i in range(4)]],
               "Project": [_n("project", "F1"), _n("project", "F2")],
               "Agency": [_n("agency", "A")], "Cluster": [_n("cluster", "K")],
               "Platform": [_n("platform", "L")]},
        rels={"SEGMENT_OF": [_r(s["id"], "c") for s in seg],
              "IN_SEGMENT": [_r("F", "s-a", role="leader"), _r("F1", "s-a"), _r("F2", "s-a"),
                             _r("A", "s-a"), _r("K", "s-a"), _r("L", "s-a"), _r("X", "s-b"),
                             _r("E", "s-e", role="leader", basis="inferred", basis_note="读作"),
                             *[_r(f"R{i}", "s-f", basis="rule", basis_note="6520")
                               for i in range(4)]],
              "IN_CHAIN": [_r("P", "c")],
              "PROJECT_OF": [_r("F1", "F"), _r("F2", "F")],
              "PRESENCE": [_r("jinan", "s-b", says="missing"), _r("jinan", "s-d", says="present"),
                           _r("jinan", "s-e", says="weak"),
                           _r("jinan", "s-g", says="missing", basis="registry", count=0)]}))
    return scratch_store


def test_the_rule(rule_store: Any) -> None:
    rep = gaps.gap_report(rule_store, "c")
    st = {s.id: s for s in rep.segments}
    assert {k: v.status for k, v in st.items()} == {
        "s-a": "covered", "s-b": "gap", "s-c": "unknown", "s-d": "covered", "s-e": "weak",
        "s-f": "covered", "s-g": "gap"}
    a = st["s-a"]
    assert [e.id for e in a.evidence] == ["F"] and a.counts.firms == 1  # F and its projects
    assert sorted(a.evidence[0].via) == ["F1", "F2"] and a.evidence[0].leader
    assert {e.id for e in a.support} == {"A", "K", "L"}  # support, never firms
    b = st["s-b"]
    assert b.counts.firms == 0 and [e.mark for e in b.others] == ["外地"]
    assert b.explanation.startswith("缺链") and b.statements[0].sources
    assert st["s-c"].explanation.startswith("未掌握") and "不等于缺链" in st["s-c"].explanation
    assert not st["s-e"].evidence[0].leader  # an inferred leader role is not a named leader
    f = st["s-f"]
    assert f.counts.by_basis == {"registry": 2, "rule": 1}  # active local registry firms + P
    assert [e.id for e in f.evidence] == ["P"] and f.evidence[0].basis == "rule"
    assert "制药" in f.evidence[0].basis_note
    assert st["s-g"].explanation.startswith("缺链：企业登记数据")
    assert rep.summary == {"gap": 2, "weak": 1, "covered": 3, "unknown": 1}
    assert rep.overall == "gap"
    assert rep.coverage.firms_in_graph == 1 + 1 + 2 + 1  # F, E, R0, R1, P (not X, R2, R3)
