"""Answers stay bounded at registry scale (issue 14): a district profile lists the document
graph's actors and at most ``ACTOR_CAP`` per kind, with whole counts from the store. Real
embedded store, a small generated registry import (a few hundred rows) over the project seeds."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from chainatlas.api.app import create_app
from chainatlas.loaders.load import load
from chainatlas.loaders.registry import import_registry
from chainatlas.loaders.registry_gen import generate_file
from chainatlas.queries import districts
from tests.conftest import app_settings, seeds_dir

SEEDS = seeds_dir()


@pytest.fixture(scope="module")
def reg_store(falkor: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The seeds plus 600 generated registry firms, in its own graph key."""
    tmp = tmp_path_factory.mktemp("scale-caps")
    s = copy.copy(falkor)
    s.graph_name = f"scalecaps_{tmp.name[-10:]}"
    load(SEEDS, s)
    file = tmp / "reg.parquet"
    generate_file(600, 3, file)
    import_registry(file, s, seeds_dir=SEEDS, links_path=tmp / "links.yaml")
    yield s
    for key in (s.graph_name, f"{s.graph_name}__import"):
        if s.db.connection.exists(key):
            s.db.connection.execute_command("GRAPH.DELETE", key)


def busiest_district(store: Any) -> tuple[str, int, int]:
    """The district with the most registry firms: id, all firms located in it, registry ones."""
    row = store.read(
        "MATCH (e:Enterprise)-[:LOCATED_IN]->(d:District) WITH d, count(e) AS n, "
        "count(CASE WHEN e.basis = 'registry' THEN 1 END) AS reg "
        "RETURN d.id AS id, n, reg ORDER BY reg DESC, id LIMIT 1")[0]
    return row["id"], row["n"], row["reg"]


def test_district_profile_caps_actors_and_counts_them_all(
        reg_store: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    did, n, reg = busiest_district(reg_store)
    assert reg > 8, "the generated extract should crowd one district"
    whole = districts.district_profile(reg_store, did)
    assert whole is not None and whole.counts["enterprise"] == n
    monkeypatch.setattr(districts, "ACTOR_CAP", 8)
    prof = districts.district_profile(reg_store, did)
    assert prof is not None
    firms = prof.actors["enterprise"]
    assert len(firms) == 8 and prof.counts["enterprise"] == n  # capped list, whole count
    assert all(len(c.actor_ids) <= 8 for c in prof.chains)
    assert sum(c.actors for c in prof.chains) >= sum(len(c.actor_ids) for c in prof.chains)
    # document firms first, then registry firms by registered capital
    basis = [f.basis for f in firms]
    assert basis == sorted(basis, key=lambda b: b == "registry")
    reg_ids = [f.id for f in firms if f.basis == "registry"]
    caps = {r["id"]: r["cap"] for r in reg_store.read(
        "UNWIND $ids AS i MATCH (e:Enterprise {id: i}) "
        "RETURN e.id AS id, coalesce(e.capital_wan, 0.0) AS cap", {"ids": reg_ids})}
    assert [caps[i] for i in reg_ids] == sorted(caps.values(), reverse=True)
    # chains present: document actors listed, registry firms counted from the chain tallies
    registry = {r["id"] for r in reg_store.read(
        "MATCH (e:Enterprise {basis: 'registry'}) RETURN e.id AS id")}
    assert any(c.registry_firms for c in whole.chains)
    assert not registry & {i for c in whole.chains for i in c.actor_ids}


def test_district_profile_over_http_is_bounded(reg_store: Any) -> None:
    did, n, _ = busiest_district(reg_store)
    app = create_app(app_settings(), store=reg_store)
    with TestClient(app) as c:
        body = c.get(f"/districts/{did}").json()
    assert body["counts"]["enterprise"] == n
    assert len(body["actors"]["enterprise"]) == min(n, districts.ACTOR_CAP)
    assert all(len(ch["actor_ids"]) <= districts.ACTOR_CAP for ch in body["chains"])


def test_whole_graph_answers_are_cached_until_an_import(
        falkor: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """/chains and /gaps are computed once per graph version: a second request reads the
    cache, an import (which bumps the version) is seen at the next request."""
    from chainatlas.api.routes import chains as chain_routes

    s = copy.copy(falkor)
    s.graph_name = f"cache_{tmp_path.name[-10:]}"
    load(SEEDS, s)
    calls: list[str] = []
    real_list, real_overview = chain_routes.list_chains, chain_routes.gap_overview
    monkeypatch.setattr(chain_routes, "list_chains",
                        lambda *a, **k: calls.append("chains") or real_list(*a, **k))
    monkeypatch.setattr(chain_routes, "gap_overview",
                        lambda *a, **k: calls.append("gaps") or real_overview(*a, **k))
    try:
        with TestClient(create_app(app_settings(), store=s)) as c:
            before = {x["id"]: x["enterprises"] for x in c.get("/chains").json()["items"]}
            assert c.get("/chains").json()["items"][0]["id"] in before
            gaps1 = c.get("/gaps").json()
            assert c.get("/gaps").json() == gaps1
            assert calls == ["chains", "gaps"]
            file = tmp_path / "reg.parquet"
            generate_file(300, 5, file)
            import_registry(file, s, seeds_dir=SEEDS, links_path=tmp_path / "links.yaml")
            after = {x["id"]: x["enterprises"] for x in c.get("/chains").json()["items"]}
            assert calls == ["chains", "gaps", "chains"]
            assert sum(after.values()) > sum(before.values())
    finally:
        for key in (s.graph_name, f"{s.graph_name}__import"):
            if s.db.connection.exists(key):
                s.db.connection.execute_command("GRAPH.DELETE", key)


def test_path_reads_the_hubs_once_per_graph_version(
        seed_store: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Finding the hubs counts every relationship of the graph (seconds at 1M firms): the
    path route keeps them until the graph changes, and answers the same."""
    from chainatlas.api.routes import graph as graph_routes

    calls: list[int] = []
    real = graph_routes.hubs
    monkeypatch.setattr(graph_routes, "hubs", lambda *a, **k: calls.append(1) or real(*a, **k))
    with TestClient(create_app(app_settings(), store=seed_store)) as c:
        first = c.get("/graph/path?from=byd&to=sinotruk").json()
        second = c.get("/graph/path?from=byd&to=sinotruk").json()
        assert c.get("/graph/path?from=sinotruk&to=byd").status_code == 200
    assert first == second and first["paths"] and first["hubs"]
    assert calls == [1]


def test_chain_map_draws_document_actors_and_counts_registry_firms(reg_store: Any) -> None:
    """The explorer's chain page (map.json) draws the document graph's actors and, of the
    registry firms of a segment, only the largest ones the import ranked (at most
    ``COURT_TOP``, marked with their rank); the rest are counted, never listed one by one."""
    from chainatlas.graph.tallies import COURT_TOP
    from chainatlas.viz.data import chain_map

    placed = reg_store.read(
        "MATCH (e:Enterprise {basis: 'registry'})-[:IN_SEGMENT]->(s:Segment) "
        "RETURN s.chain_id AS chain, count(e) AS n ORDER BY n DESC LIMIT 1")[0]
    assert placed["n"] > 0
    cm = chain_map(reg_store, placed["chain"])
    registry = {r["id"] for r in reg_store.read(
        "MATCH (e:Enterprise {basis: 'registry'}) RETURN e.id AS id")}
    drawn = {a.id for s in cm.segments for a in s.actors if not a.registry}
    assert drawn and not drawn & registry
    for s in cm.segments:
        top = [a for a in s.actors if a.registry]
        assert len(top) <= COURT_TOP and {a.id for a in top} <= registry
        assert s.registry_more == max(0, s.registry_firms - len(top))
    assert all(len({a.id for a in s.actors}) == len(s.actors) for s in cm.segments)


def test_chain_overview_lists_document_actors_and_counts_registry_firms(reg_store: Any) -> None:
    from chainatlas.queries.chains import chain_overview

    placed = reg_store.read(
        "MATCH (e:Enterprise {basis: 'registry'})-[:IN_SEGMENT]->(s:Segment) "
        "RETURN s.chain_id AS chain, s.id AS segment, count(e) AS n ORDER BY n DESC LIMIT 1")[0]
    ov = chain_overview(reg_store, placed["chain"])
    seg = next(s for s in ov.segments if s.id == placed["segment"])
    assert seg.registry_firms == placed["n"]
    assert seg.enterprises == placed["n"] + sum(a.kind == "enterprise" for a in seg.actors)
    registry = {r["id"] for r in reg_store.read(
        "MATCH (e:Enterprise {basis: 'registry'}) RETURN e.id AS id")}
    assert not registry & {a.id for s in ov.segments for a in s.actors}
    # districts: document actors listed, registry firms counted from the import's tallies
    assert any(d.registry_firms for d in ov.districts)
    assert not registry & {i for d in ov.districts for i in d.actor_ids}
    assert all(d.actors == len(d.actor_ids) + d.registry_firms for d in ov.districts)
