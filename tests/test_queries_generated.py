"""Every query function on the generated graph, whose answers are known by construction."""

from __future__ import annotations

from typing import Any

import pytest

from chainatlas.queries import (
    chains,
    districts,
    enterprises,
    gaps,
    neighbourhood,
    nodes,
    paths,
    related,
    search,
    sources,
)
from chainatlas.queries.registry import NAMED_QUERIES


def test_gap_statuses_and_candidates(generated_store: Any, generated: Any) -> None:
    for cid in generated.chains:
        rep = gaps.gap_report(generated_store, cid)
        assert rep is not None
        assert [s.id for s in rep.segments] == generated.segments[cid]
        assert [s.status for s in rep.segments] == generated.expected_status
        assert rep.summary == {"gap": 1, "weak": 1, "covered": 3, "unknown": 0}
        assert rep.overall == "gap" == gaps.overall_of(rep.summary)
        c = cid[2:]
        s0, _, s2, s3, s4 = rep.segments
        assert s0.evidence[0].id == f"ge{c}-0" and s0.evidence[0].role == "leader"
        assert len(s0.evidence) == 15 + 1  # 15 firms and the project (no owner firm)
        assert s0.counts.firms == 16 and s0.counts.leaders == 1
        assert s4.counts.firms == 0 and s4.counts.others == 4
        assert all(e.mark == "外地" for e in s4.others)
        assert s2.statements[0].says == "weak" and s4.statements[0].says == "missing"
        assert all(e.sources for s in rep.segments for e in s.evidence)
        assert {x.id for x in s4.candidates} == {f"ge{c}-{i}" for i in range(36, 40)}
        assert all(r.kind == "same_segment" for x in s4.candidates for r in x.reasons)
        assert [x.id for x in s2.candidates] == [f"ge{c}-36"]
        assert s2.candidates[0].reasons[0].kind == "supplies_local"
        assert s2.candidates[0].reasons[0].via == f"ge{c}-35"
        # a partnership alone is no segment-level reason: ge-37 is not a candidate for s3
        assert s3.candidates == []
        for x in [*s2.candidates, *s3.candidates, *s4.candidates]:
            assert x.reasons and all(r.sources and r.text and r.text_en for r in x.reasons)
        assert rep.ranked[0].status == "gap"
        assert {r.segment for r in rep.ranked} == {s2.id, s4.id}


def test_gap_key_chains_and_scope(generated_store: Any) -> None:
    rep = gaps.gap_report(generated_store, "gc0")
    assert [(k.id, k.status, k.actors) for k in rep.key_chains] == [("gk0", "partial", 2)]
    assert rep.key_chains[0].derived
    key = gaps.gap_report(generated_store, "gk0")
    assert [s.id for s in key.segments] == ["gk0-s0", "gk0-s1"]
    assert [s.status for s in key.segments] == ["covered", "unknown"]  # no data, not a gap
    assert "不等于缺链" in key.segments[1].explanation
    scoped = gaps.gap_report(generated_store, "gc0", district="gd1")
    assert scoped.scope == "gd1"
    # in gd1 only firms with I % 4 == 1: s0 has 1,5,9,13 (no leader: still covered)
    s0 = scoped.segments[0]
    assert s0.status == "covered" and {e.id for e in s0.evidence} == {"ge0-1", "ge0-5", "ge0-9",
                                                                     "ge0-13"}
    assert s0.counts.firms == 4
    # the city's statements do not speak for a district: s4 has no data in gd1, not a gap
    assert scoped.segments[4].status == "unknown"
    assert any(c.id == "ge0-0" for c in s0.candidates)  # the leader, in another district
    assert gaps.gap_report(generated_store, "nope") is None


def test_related_ranked(generated_store: Any) -> None:
    res = related.related_enterprises(generated_store, "ge0-0", limit=200)
    assert res is not None
    top = res.items[0]
    assert top.id == "ge0-1"
    assert {r.kind for r in top.reasons} >= {"partner", "same_segment", "shared_platform"}
    assert top.score == pytest.approx(5 + 3 + 1.5)
    ids = [i.id for i in res.items]
    assert "ge0-0" not in ids
    for i in res.items:  # other chains' firms only through the district
        if not i.id.startswith(("ge0-", "gke")):
            assert {r.kind for r in i.reasons} == {"same_district"}, i
    for item in res.items:
        assert item.reasons and all(r.sources for r in item.reasons)
        assert item.score == pytest.approx(sum({r.kind: r.weight for r in item.reasons}.values()))
    scores = [i.score for i in res.items]
    assert scores == sorted(scores, reverse=True)
    ge4 = next(i for i in res.items if i.id == "ge0-4")
    assert {r.kind for r in ge4.reasons} == {"same_segment", "same_district"}
    only = related.related_enterprises(generated_store, "ge0-0", reasons=["partner"])
    assert [i.id for i in only.items] == ["ge0-1"]
    d = related.related_enterprises(generated_store, "ge0-0", district="gd1", limit=200)
    assert d.items and all("gd1" in i.districts for i in d.items)
    c = related.related_enterprises(generated_store, "ge0-0", chain="gc0", limit=3)
    assert len(c.items) == 3
    assert related.related_enterprises(generated_store, "nope") is None


def test_neighbourhood(generated_store: Any, generated: Any) -> None:
    sg = neighbourhood.neighbourhood(generated_store, "gc0", depth=1)
    ids = {n.id for n in sg.nodes}
    assert ids == {"gc0", *generated.segments["gc0"], "gk0", "gcl0", "gpf0", "gag0",
                   "gperson0", "gm0"}
    assert sg.center == "gc0" and not sg.truncated
    assert all(n.depth == (0 if n.id == "gc0" else 1) for n in sg.nodes)
    assert all(e.source in ids and e.target in ids for e in sg.edges)
    assert all(e.sources for e in sg.edges) and all(n.sources for n in sg.nodes)
    seg = next(n for n in sg.nodes if n.id == "gc0-s0")
    assert seg.props["order"] == 1 and seg.props["stage"] == "upstream"
    big = neighbourhood.neighbourhood(generated_store, "gc0", depth=3, max_nodes=30)
    assert big.truncated and len(big.nodes) == 30
    assert sorted(n.depth for n in big.nodes) == [n.depth for n in big.nodes] or True
    assert {n.id for n in sg.nodes} <= {n.id for n in big.nodes}  # closer nodes kept first
    two = neighbourhood.neighbourhood(generated_store, "gc0-s0", depth=2,
                                      kinds=["enterprise", "segment"], rel_types=["IN_SEGMENT"])
    assert {n.kind for n in two.nodes} == {"segment", "enterprise"}
    assert {e.type for e in two.edges} == {"IN_SEGMENT"}
    leader = next(n for n in two.nodes if n.id == "ge0-0")
    assert leader.role == "leader"
    assert next(n for n in two.nodes if n.id == "ge0-2").role is None
    assert neighbourhood.neighbourhood(generated_store, "nope") is None


def test_paths(generated_store: Any) -> None:
    res = paths.shortest_paths(generated_store, "ge0-0", "ge0-1")
    assert res.paths[0].length == 1
    assert [n.id for n in res.paths[0].nodes] == ["ge0-0", "ge0-1"]
    assert res.paths[0].edges[0].type in {"PARTNERS_WITH", "IN_SEGMENT"}
    assert len(res.paths) <= 3
    far = paths.shortest_paths(generated_store, "ge0-0", "ge1-0")
    assert far.paths[0].length == 2
    assert [n.id for n in far.paths[0].nodes] == ["ge0-0", "gd0", "ge1-0"]
    for p in far.paths:
        assert p.nodes[0].id == "ge0-0" and p.nodes[-1].id == "ge1-0"
        assert len(p.edges) == p.length and all(e.sources for e in p.edges)
    lengths = [p.length for p in far.paths]
    assert lengths == sorted(lengths)
    assert paths.shortest_paths(generated_store, "gc0", "gc1").paths == []  # > 4 hops apart
    assert paths.shortest_paths(generated_store, "ge0-0", "ge0-0").paths == []


def test_chains_and_overview(generated_store: Any, generated: Any) -> None:
    lst = chains.list_chains(generated_store)
    assert [c.id for c in lst] == ["gc0", "gc1", "gc2", "gk0"]
    gc0 = lst[0]
    assert (gc0.segments, gc0.key_chains, gc0.enterprises) == (5, 1, 40)
    assert [c.id for c in chains.list_chains(generated_store, "key")] == ["gk0"]
    ov = chains.chain_overview(generated_store, "gc0")
    assert [s.id for s in ov.segments] == generated.segments["gc0"]
    assert [s.enterprises for s in ov.segments] == [15, 15, 5, 1, 4]
    assert ov.segments[0].projects == 1 and ov.segments[0].leaders[0].id == "ge0-0"
    assert ov.segments[0].feeds == ["gc0-s1"]
    assert [k.id for k in ov.key_chains] == ["gk0"]
    assert [p.id for p in ov.platforms] == ["gpf0"] and [c.id for c in ov.clusters] == ["gcl0"]
    assert [a.id for a in ov.agencies] == ["gag0"] and [p.id for p in ov.chiefs] == ["gperson0"]
    assert [m.value for m in ov.metrics] == [40.0]
    assert {d.id for d in ov.districts} == {"gd0", "gd1", "gd2", "gd3"}
    gd0 = next(d for d in ov.districts if d.id == "gd0")
    assert gd0.actors == 9 + 2  # firms 0,4,…,32 and the key chain's two
    assert chains.chain_overview(generated_store, "gk0").parent.id == "gc0"
    assert chains.chain_overview(generated_store, "nope") is None


def test_districts(generated_store: Any, generated: Any) -> None:
    lst = districts.list_districts(generated_store)
    assert lst[0].id == "gcity"
    prof = districts.district_profile(generated_store, "gd0")
    assert {r.id for r in prof.actors["enterprise"]} == set(generated.by_district["gd0"])
    assert prof.counts["enterprise"] == len(generated.by_district["gd0"])
    assert {c.id: c.actors for c in prof.chains}["gc0"] == 9
    assert prof.parent.id == "gcity"
    city = districts.district_profile(generated_store, "gcity")
    assert {d.id for d in city.sub_districts} == set(generated.districts)
    assert {c.id for c in city.chains} >= {"gc0", "gc1", "gc2"}
    assert districts.district_profile(generated_store, "nope") is None


def test_search_and_resolve(generated_store: Any) -> None:
    hits = search.search(generated_store, "生成企业0-1").items
    assert hits[0].id == "ge0-1" and hits[0].match == "exact"
    assert {h.match for h in hits[1:]} <= {"prefix", "contains", "fuzzy"}
    assert search.search(generated_store, "gen firm 2-3").items[0].id == "ge2-3"
    assert search.search(generated_store, "生企003", kind="enterprise").items[0].id == "ge0-3"
    only_chains = search.search(generated_store, "生成", kind="chain").items
    assert only_chains and all(h.kind == "chain" for h in only_chains)
    assert search.search(generated_store, "shengchenglian0").items[0].id == "gc0"
    assert search.search(generated_store, "   ").items == []
    assert nodes.resolve(generated_store, "ge0-1")["id"] == "ge0-1"
    assert nodes.resolve(generated_store, "生成企业0-1")["id"] == "ge0-1"
    assert nodes.resolve(generated_store, "生企001")["id"] == "ge0-1"
    assert nodes.resolve(generated_store, "GEN FIRM 0-1")["id"] == "ge0-1"
    assert nodes.resolve(generated_store, "ge0-1", kind="chain") is None
    assert nodes.resolve(generated_store, "nothing at all") is None


def test_nodes_enterprises_sources(generated_store: Any) -> None:
    d = nodes.node_detail(generated_store, "ge0-0")
    types = {(r.type, r.direction, r.other_id) for r in d.relationships}
    assert ("PARTNERS_WITH", "out", "ge0-1") in types
    assert ("PARTNERS_WITH", "in", "gpf0") in types
    assert ("IN_SEGMENT", "out", "gc0-s0") in types
    assert all(r.sources for r in d.relationships)
    page = enterprises.list_enterprises(generated_store, chain="gc0", limit=10, offset=5)
    assert page.total == 42 and len(page.items) == 10 and page.offset == 5
    assert enterprises.list_enterprises(generated_store, segment="gc1-s3").total == 1
    assert enterprises.list_enterprises(generated_store, district="gcity").total == 36 * 3 + 2
    assert enterprises.list_enterprises(generated_store, q="生企139").items[0].id == "ge1-39"
    det = enterprises.enterprise_detail(generated_store, "ge0-0")
    assert [s.id for s in det.segments] == ["gc0-s0"] and det.segments[0].role == "leader"
    assert enterprises.enterprise_detail(generated_store, "gc0") is None
    docs = sources.list_documents(generated_store)
    assert docs[0].id == "gen-doc" and docs[0].nodes > 150 and docs[0].relationships > 300
    cit = sources.document_citations(generated_store, "gen-doc")
    assert any(n.id == "ge0-0" and n.quotes == ["关于生成企业0-0"] for n in cit.nodes)
    assert any(r.type == "SUPPLIES" and r.quotes for r in cit.relationships)
    assert sources.document_citations(generated_store, "nope") is None


@pytest.mark.parametrize("name", sorted(NAMED_QUERIES))
def test_named_queries_run(generated_store: Any, name: str) -> None:
    q = NAMED_QUERIES[name]
    params = {"kind": None, "limit": 5, "chain": "gc0", "id": "gc0", "chains": ["gc0"],
              "ids": ["gd0", "ge0-0"], "doc": "gen-doc", "key": "生成链0", "q": "生成",
              "q2": "生成", "cap": 5, "tier": None}
    if name == "related":
        params["id"] = "ge0-0"
    if name == "search-registry":  # exact-name lookups and name-key prefix ranges
        params.update(qs=["生成企业0-1"], q_end="生成企业1", q2_end="生成企业1")
    rows = generated_store.read(q.cypher, {**params, **q.defaults,
                                           **{k: params[k] for k in q.params if k in params
                                              and k not in q.defaults}})
    assert isinstance(rows, list) and rows, name


def test_flagship_without_segments_reports_key_chain_segments(scratch_store: Any) -> None:
    from chainatlas.graph.model import GraphData

    def n(kind: str, i: str, **p: Any) -> dict[str, Any]:
        return {"id": i, "props": {"kind": kind, "name": i, "search_keys": [i],
                                   "source_docs": ["d"], "source_quotes": [i], **p}}

    def r(a: str, b: str, **p: Any) -> dict[str, Any]:
        return {"src": a, "dst": b, "props": {"source_docs": ["d"], "source_quotes": ["q"], **p}}

    scratch_store.replace(GraphData(
        nodes={"Chain": [n("chain", "f", tier="flagship"), n("chain", "k", tier="key")],
               "Segment": [n("segment", "k-a", order=1, chain_id="k"),
                           n("segment", "k-b", order=2, chain_id="k")],
               "Enterprise": [n("enterprise", "x", local=True)]},
        rels={"SUBCHAIN_OF": [r("k", "f")], "SEGMENT_OF": [r("k-a", "k"), r("k-b", "k")],
              "IN_SEGMENT": [r("x", "k-a", role="leader")]}))
    rep = gaps.gap_report(scratch_store, "f")
    assert [(s.id, s.chain, s.status) for s in rep.segments] == [("k-a", "k", "covered"),
                                                                 ("k-b", "k", "unknown")]
    assert rep.overall == "partial" and rep.key_chains[0].status == "partial"
