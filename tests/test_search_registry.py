"""Search over imported registry firms on the real embedded store: a substring inside a firm's
name, broad prefixes (capped, best-ranked first) and narrow ones (complete), checked against
the answer computed from the extract itself."""

from __future__ import annotations

import copy
from typing import Any

import polars as pl
import pytest
from stdnum.cn import uscc as stdnum_uscc

from chainatlas.graph.names import pinyin_initials
from chainatlas.graph.textkeys import grams_text
from chainatlas.loaders.load import load
from chainatlas.loaders.registry import import_registry, name_keys
from chainatlas.loaders.registry_gen import HEADERS, generate, write_frame
from chainatlas.queries.search import INITIALS_CAP, MATCH_KINDS, REGISTRY_CAP, search
from tests.conftest import seeds_dir

SEEDS = seeds_dir()
ROWS = 1500


def code(body: str) -> str:
    return body + stdnum_uscc.calc_check_digit(body)


SPECIAL = {  # name -> (code, status, city): firms with a known mid-name substring
    "济南鲁信重汽配件有限公司": (code("91370100000000021"), "存续", "济南市"),
    "济南华夏重汽配件有限公司": (code("91370100000000022"), "吊销", "济南市"),
    "青岛海岳芯片设计有限公司": (code("91370200000000023"), "存续", "青岛市"),
}


def extract() -> pl.DataFrame:
    base = {h: None for h in HEADERS}
    special = pl.DataFrame([
        {**base, "企业名称": name, "统一社会信用代码": c, "登记状态": status,
         "所属城市": city, "所属区县": "历下区" if city == "济南市" else "市南区",
         "所属省份": "山东省", "行业代码": "C3670", "注册资本": "100万元"}
        for name, (c, status, city) in SPECIAL.items()], schema={h: pl.String for h in HEADERS})
    return pl.concat([generate(ROWS, 11).cast(pl.String), special])


@pytest.fixture(scope="module")
def imported(falkor: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A graph of the seeds plus :func:`extract`, imported once for the module."""
    tmp = tmp_path_factory.mktemp("search_registry")
    s = copy.copy(falkor)
    s.graph_name = "search_registry"
    load(SEEDS, s)
    import_registry(write_frame(extract(), tmp / "r.csv"), s, seeds_dir=SEEDS,
                    links_path=tmp / "links.yaml")
    yield s
    if s.db.connection.exists(s.graph_name):
        s.db.connection.execute_command("GRAPH.DELETE", s.graph_name)


@pytest.fixture(scope="module")
def firms(imported: Any) -> list[dict[str, Any]]:
    """Every registry firm with what ranks it (read back, not recomputed)."""
    return imported.read("MATCH (n:Enterprise) WHERE n.basis = 'registry' RETURN n.id AS id, "
                         "n.name AS name, n.key_name AS key, n.key_pinyin AS pinyin, "
                         "n.key_initials AS initials, "
                         "n.active AS active, n.local AS local, n.key_grams AS grams")


def rank(f: dict[str, Any]) -> tuple[int, bool, bool, str]:
    """Registry firms within a match class: shorter name, active, local, then id."""
    return (len(f["name"]), not f["active"], not f["local"], f["id"])


def registry_hits(q: str, store: Any) -> list[Any]:
    return [h for h in search(store, q, limit=1000, fuzzy=False).items if h.basis == "registry"]


def test_import_writes_the_full_text_keys(firms: list[dict[str, Any]]) -> None:
    assert len(firms) == ROWS + len(SPECIAL)
    keys = name_keys(pl.Series([f["name"] for f in firms])).to_list()
    assert [f["key"] for f in firms] == keys
    assert all(f["grams"] == grams_text(f["key"], f["pinyin"], f["initials"]) for f in firms)


def test_a_substring_inside_the_name_finds_registry_firms(imported: Any) -> None:
    hits = search(imported, "重汽", limit=1000).items
    by_id = {h.id: h for h in hits}
    assert hits[0].id == "sinotruk"  # the document node (alias 重汽): exact, first
    found = [h for h in hits if h.name in SPECIAL]
    assert [h.name for h in found] == ["济南鲁信重汽配件有限公司", "济南华夏重汽配件有限公司"]
    assert {h.match for h in found} == {"contains"}
    assert all(by_id["sinotruk"].score > h.score for h in found)
    # same name length class: the active firm first, the 吊销 one after it
    assert found[0].score > found[1].score
    assert [h.name for h in registry_hits("芯片设计", imported)] == ["青岛海岳芯片设计有限公司"]
    assert registry_hits("华夏重汽配", imported)[0].name == "济南华夏重汽配件有限公司"
    assert registry_hits("汽重", imported) == []  # bigrams present, not in this order


def test_mid_name_and_narrow_prefix_are_complete(imported: Any,
                                                 firms: list[dict[str, Any]]) -> None:
    """Below the cap every matching firm is found: prefix ones as ``prefix``, the others as
    ``contains`` — the same sets as a scan of the extract."""
    for q in ("泉城科技", "科技1", "齐鲁"):
        want_prefix = {f["id"] for f in firms if f["key"].startswith(q)}
        want_inside = {f["id"] for f in firms if q in f["key"]} - want_prefix
        assert 0 < len(want_prefix | want_inside) < REGISTRY_CAP, q
        got = {h.id: h.match for h in registry_hits(q, imported)}
        assert {i for i, m in got.items() if m in ("exact", "prefix")} == want_prefix, q
        assert {i for i, m in got.items() if m == "contains"} == want_inside, q


def test_broad_prefix_is_capped_and_best_ranked_first(imported: Any,
                                                      firms: list[dict[str, Any]]) -> None:
    """济南 starts three quarters of the names: the answer holds :data:`REGISTRY_CAP` registry
    firms (the full-text lookup stops at the cap), all of them prefix hits, ranked among
    themselves like a scan of the extract would rank them (shorter name, active, local, id).
    The import creates firms in rank order, so the ones gathered lean to the best-ranked."""
    starts = sorted((f for f in firms if f["key"].startswith("济南")), key=rank)
    assert len(starts) > 2 * REGISTRY_CAP
    result = search(imported, "济南", limit=1000, fuzzy=False)
    registry = [h for h in result.items if h.basis == "registry"]
    assert result.total == len(result.items)
    assert len(registry) == REGISTRY_CAP and {h.match for h in registry} == {"prefix"}
    by_id = {f["id"]: f for f in starts}
    assert [h.id for h in registry] == sorted((h.id for h in registry),
                                              key=lambda i: rank(by_id[i]))
    best = {f["id"] for f in starts[:REGISTRY_CAP]}
    assert registry[0].id == starts[0]["id"]
    assert len(best & {h.id for h in registry}) >= REGISTRY_CAP // 4
    classes = [MATCH_KINDS.index(h.match) for h in result.items]
    assert classes == sorted(classes)  # document nodes and registry firms, class by class
    top = search(imported, "济南", limit=20, fuzzy=False)
    assert top.total == result.total and [h.id for h in top.items] == \
        [h.id for h in result.items[:20]]


@pytest.mark.parametrize("q,key", [("jinan", "pinyin"), ("jinanquancheng", "pinyin")])
def test_pinyin_prefixes(imported: Any, firms: list[dict[str, Any]], q: str, key: str) -> None:
    want = {f["id"] for f in firms if f[key].startswith(q)}
    got = {h.id for h in registry_hits(q, imported) if h.match in ("exact", "prefix")}
    assert got <= want and len(got) == min(len(want), REGISTRY_CAP), q


def test_initials_prefix_and_long_pinyin(imported: Any, firms: list[dict[str, Any]]) -> None:
    f = next(f for f in firms if len(f["pinyin"]) > 20)
    assert registry_hits(f["pinyin"], imported)[0].id == f["id"]  # longer than a token
    # initials alone are a weak signal: ranked as initials, at most INITIALS_CAP of them
    want = {f["id"] for f in firms if pinyin_initials(f["name"]).startswith("jnlx")}
    hits = registry_hits("jnlx", imported)
    assert len(want) > INITIALS_CAP and len(hits) == INITIALS_CAP
    assert {h.match for h in hits} == {"initials"} and {h.id for h in hits} <= want



