"""Shared fixtures: the project's seeds in a real embedded FalkorDB, a generated graph with
known answers, and the API client on the real app.

* ``seed_store`` — session-scoped :class:`FalkorStore` loaded from ``seeds/``;
* ``client`` — ``TestClient(create_app(settings, store=seed_store))`` (console enabled, key
  ``test-key``);
* ``generated`` / ``generated_store`` — a synthetic graph built as :class:`GraphData` directly
  (3 chains × 5 segments × 40 enterprises, a key chain, districts, parks, clusters, platforms,
  partners and suppliers) and the answers the queries must give on it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from chainatlas.cli import app
from chainatlas.graph.model import NODE_KINDS, GraphData
from chainatlas.graph.names import search_keys
from chainatlas.settings import Settings, get_settings

API_KEY = "test-key"
GEN_DOC = "gen-doc"


# -- generated graph ----------------------------------------------------------------------
@dataclass
class Generated:
    """The synthetic graph and the answers the queries must give on it."""

    data: GraphData
    chains: list[str]
    segments: dict[str, list[str]]
    enterprises: list[str]
    expected_status: list[str]
    districts: list[str]
    by_district: dict[str, list[str]] = field(default_factory=dict)


def _props(kind: str, node_id: str, name: str, name_en: str | None = None,
           aliases: list[str] | None = None, **extra: Any) -> dict[str, Any]:
    aliases = aliases or []
    props = {"kind": kind, "name": name, "aliases": aliases, "aliases_text": " ".join(aliases),
             "search_keys": search_keys(name, aliases, name_en),
             "source_docs": [GEN_DOC], "source_quotes": [f"关于{name}"], "basis": "stated",
             **extra}
    if name_en:
        props["name_en"] = name_en
    return props


def build_generated(n_chains: int = 3, n_segments: int = 5, per_chain: int = 40) -> Generated:
    """A deterministic graph with known gaps, relations and districts.

    Per chain ``gcC``: segments ``gcC-s0..s4`` feeding each other in order. Enterprises
    ``geC-I`` (I < 40): I < 15 in s0 (I=0 leads), 15 ≤ I < 30 in s1 (I=15 leads), 30..34 in s2
    (no leader), 35 in s3 alone, 36..39 outside Jinan (local=false) in s4; statements (PRESENCE
    from the city) say s2 is weak and s4 missing. So the statuses are covered, covered, weak
    (the statement), covered (one local firm), gap (statement, no local firm). geC-36
    supplies geC-35 (candidate for s2), geC-37 partners with geC-35 (no candidate: a
    partnership alone is no segment-level reason). Partners: I and I+1 for I % 10 == 0.
    District ``gdI%4``; park ``gpC`` for I % 5 == 0; cluster ``gclC`` for I % 3 == 0; platform
    ``gpfC`` partners with geC-0 and geC-1. Key chain ``gk0`` under gc0 with 2 segments and
    two firms (one leader).
    """
    nodes: dict[str, list[dict[str, Any]]] = {k.label: [] for k in NODE_KINDS.values()}
    rels: dict[str, list[dict[str, Any]]] = {}

    def node(kind: str, node_id: str, name: str, **kw: Any) -> None:
        nodes[NODE_KINDS[kind].label].append({"id": node_id, "props": _props(kind, node_id,
                                                                              name, **kw)})

    def rel(t: str, a: str, b: str, **props: Any) -> None:
        rels.setdefault(t, []).append({"src": a, "dst": b, "props": {
            "source_docs": [GEN_DOC], "source_quotes": [f"{a}-{t}-{b}"], "basis": "stated",
            **props}})

    node("document", GEN_DOC, "生成文献", issuer="tests")
    node("district", "gcity", "生成市", level="city")
    districts = [f"gd{i}" for i in range(4)]
    for i, d in enumerate(districts):
        node("district", d, f"生成区{i}", level="district")
        rel("LOCATED_IN", d, "gcity")
    gen = Generated(GraphData(), [], {}, [], ["covered", "covered", "weak", "covered", "gap"],
                    districts, {d: [] for d in districts})
    for c in range(n_chains):
        cid = f"gc{c}"
        gen.chains.append(cid)
        node("chain", cid, f"生成链{c}", name_en=f"Generated chain {c}", tier="flagship",
             derived=False)
        segs = [f"{cid}-s{s}" for s in range(n_segments)]
        gen.segments[cid] = segs
        for s, sid in enumerate(segs):
            node("segment", sid, f"生成链{c}环节{s}", stage="upstream" if s < 2 else "downstream",
                 order=s + 1, chain_id=cid, basis="reference",
                 reference="generated breakdown")
            rel("SEGMENT_OF", sid, cid)
            if s + 1 < n_segments:
                rel("UPSTREAM_OF", sid, segs[s + 1])
        node("park", f"gp{c}", f"生成园区{c}")
        rel("LOCATED_IN", f"gp{c}", districts[c % 4])
        node("cluster", f"gcl{c}", f"生成集群{c}", level="provincial")
        rel("SERVES", f"gcl{c}", cid)
        node("platform", f"gpf{c}", f"生成平台{c}", type="lab")
        rel("SERVES", f"gpf{c}", cid)
        node("agency", f"gag{c}", f"生成办公室{c}", type="industry_office")
        rel("OVERSEES", f"gag{c}", cid)
        node("person", f"gperson{c}", f"生成链长{c}", title="副市长")
        rel("CHAIN_CHIEF_OF", f"gperson{c}", cid)
        node("metric", f"gm{c}", f"生成链{c}2025年企业数", indicator="企业数",
             value=float(per_chain), unit="家", year=2025, metric_kind="result")
        rel("METRIC_OF", f"gm{c}", cid)
        node("project", f"gpr{c}", f"生成项目{c}", status="started", year=2026)
        rel("IN_SEGMENT", f"gpr{c}", segs[0], role="member")
        for i in range(per_chain):
            eid = f"ge{c}-{i}"
            gen.enterprises.append(eid)
            local = i < 36
            if i < 15:
                seg, leader = 0, i == 0
            elif i < 30:
                seg, leader = 1, i == 15
            elif i < 35:
                seg, leader = 2, False
            elif i == 35:
                seg, leader = 3, False
            else:
                seg, leader = 4, False
            node("enterprise", eid, f"生成企业{c}-{i}", name_en=f"Gen Firm {c}-{i}",
                 aliases=[f"生企{c}{i:02d}"], local=local, tags=[])
            rel("IN_SEGMENT", eid, segs[seg], role="leader" if leader else "member")
            if local:
                d = districts[i % 4]
                rel("LOCATED_IN", eid, d)
                gen.by_district[d].append(eid)
            if i % 5 == 0 and local:
                rel("LOCATED_IN", eid, f"gp{c}")
            if i % 3 == 0:
                rel("MEMBER_OF", eid, f"gcl{c}")
            if i % 10 == 0 and i + 1 < per_chain:
                rel("PARTNERS_WITH", eid, f"ge{c}-{i + 1}")
        # document statements: s2 is weak, s4 is missing in the city (its firms are 外地)
        rel("PRESENCE", "gcity", segs[2], says="weak")
        rel("PRESENCE", "gcity", segs[4], says="missing")
        rel("SUPPLIES", f"ge{c}-36", f"ge{c}-35", product="部件")
        rel("PARTNERS_WITH", f"ge{c}-37", f"ge{c}-35")
        rel("PARTNERS_WITH", f"gpf{c}", f"ge{c}-0")
        rel("PARTNERS_WITH", f"gpf{c}", f"ge{c}-1")
    node("chain", "gk0", "生成重点链0", tier="key", derived=True)
    rel("SUBCHAIN_OF", "gk0", "gc0")
    for s in range(2):
        node("segment", f"gk0-s{s}", f"生成重点链0环节{s}", stage="midstream", order=s + 1,
             chain_id="gk0")
        rel("SEGMENT_OF", f"gk0-s{s}", "gk0")
    for i in range(2):
        node("enterprise", f"gke-{i}", f"生成重点企业{i}", local=True, tags=[])
        rel("IN_SEGMENT", f"gke-{i}", "gk0-s0", role="leader" if i == 0 else "member")
        rel("LOCATED_IN", f"gke-{i}", "gd0")
        gen.by_district["gd0"].append(f"gke-{i}")
    for label, rows in nodes.items():
        if label != "Document":
            for row in rows:
                rel("MENTIONS", GEN_DOC, row["id"], quote="x")
    gen.data = GraphData(nodes={k: v for k, v in nodes.items() if v}, rels=rels)
    return gen


# -- stores -------------------------------------------------------------------------------
def seeds_dir() -> Path:
    return Settings().seeds_dir


def cli_env(**extra: str) -> dict[str, str]:
    """The environment of a ``chainatlas`` subprocess: never Neo4j, and the source documents
    when they are at hand — else the quote check off (a checkout without ``../shared``), so a
    first start still loads the seeds."""
    env = {**os.environ, **extra}
    env.pop("NEO4J_URI", None)
    sources = Settings().sources_dir
    if Path(sources).is_dir():
        env["CHAINATLAS_SOURCES_DIR"] = str(sources)
    else:
        env["CHAINATLAS_QUOTE_CHECK"] = "false"
    return env


@pytest.fixture(scope="session")
def falkor(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One embedded FalkorDB server for the session (graphs selected by name)."""
    from chainatlas.graph.falkor import FalkorStore

    store = FalkorStore(tmp_path_factory.mktemp("db"), graph_name="seeds")
    yield store
    store.close()


@pytest.fixture(scope="session")
def seed_store(falkor: Any) -> Any:
    """The embedded store holding the project's seeds."""
    from chainatlas.loaders.load import load

    load(seeds_dir(), falkor, sources_dir=Settings().sources_dir)  # quotes + spans
    return falkor


@pytest.fixture(scope="session")
def generated() -> Generated:
    return build_generated()


@pytest.fixture(scope="session")
def generated_store(falkor: Any, generated: Generated) -> Any:
    """An embedded store (same server, another graph) holding the generated graph."""
    store = share(falkor, "generated")
    store.replace(generated.data)
    return store


def share(falkor: Any, graph_name: str) -> Any:
    """Another graph on the session's embedded server (no second server process)."""
    from chainatlas.graph.falkor import FalkorStore

    store = FalkorStore.__new__(FalkorStore)
    store.server, store.db, store.graph_name = falkor.server, falkor.db, graph_name
    return store


@pytest.fixture(scope="session")
def neo4j_store() -> Iterator[Any]:
    """The Neo4j store of ``NEO4J_URI`` (one database, shared by every Neo4j test); skipped
    when ``NEO4J_URI`` is unset (start one with ``scripts/neo4j.sh start``)."""
    if not neo4j_uri():
        pytest.skip(NEO4J_SKIP)
    from chainatlas.graph.neo4j_store import Neo4jStore

    s = Settings()
    store = Neo4jStore(neo4j_uri(), s.neo4j_user, s.neo4j_password.get_secret_value(),
                       s.neo4j_database)
    yield store
    store.clear()
    store.close()


@pytest.fixture(scope="session", params=["falkordb", "neo4j"])
def contract_store(request: pytest.FixtureRequest, falkor: Any) -> Any:
    """Each store back end on a graph of its own: embedded always, Neo4j when NEO4J_URI is set."""
    if request.param == "falkordb":
        return share(falkor, "contract")
    return request.getfixturevalue("neo4j_store")


@pytest.fixture
def neo4j_seed_store(neo4j_store: Any, seed_store: Any) -> Any:
    """Neo4j holding the project's seeds, like ``seed_store``.

    Neo4j Community has one database, which the contract tests replace too; the seeds are
    (re)loaded whenever its counts differ from the embedded seed graph's.
    """
    from chainatlas.loaders.load import load

    if neo4j_store.stats() != seed_store.stats():
        load(seeds_dir(), neo4j_store, sources_dir=Settings().sources_dir)
    return neo4j_store


def app_settings(**overrides: Any) -> Settings:
    base: dict[str, Any] = {"load_on_start": False, "cypher_console": True, "api_key": API_KEY}
    return Settings(**{**base, **overrides})


@pytest.fixture(scope="session")
def client(seed_store: Any) -> Iterator[Any]:
    """The real app on the seed store (console enabled, API key ``test-key``)."""
    from fastapi.testclient import TestClient

    from chainatlas.api.app import create_app

    with TestClient(create_app(app_settings(), store=seed_store)) as c:
        yield c


@pytest.fixture(scope="session")
def gen_client(generated_store: Any) -> Iterator[Any]:
    """The real app on the generated graph."""
    from fastapi.testclient import TestClient

    from chainatlas.api.app import create_app

    with TestClient(create_app(app_settings(), store=generated_store)) as c:
        yield c


NEO4J_URI = os.environ.pop("NEO4J_URI", None)
"""Taken out of the environment at start: only the Neo4j fixtures use it, so every other test —
and every ``chainatlas`` subprocess a test starts — runs on the embedded store as before."""


def neo4j_uri() -> str | None:
    return NEO4J_URI


NEO4J_SKIP = ("NEO4J_URI is not set: the Neo4j contract run is skipped "
              "(scripts/neo4j.sh start, then NEO4J_URI=bolt://… make test)")


# -- tests per store in the summary ---------------------------------------------------------
_STORE_OF: dict[str, str] = {}
_OUTCOMES: dict[str, str] = {}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Skip ``browser`` tests where Debian's chromium is absent (saying how to install it), and
    note which store each store test runs on: ``[falkordb]`` / ``[neo4j]`` contract tests,
    Neo4j-only tests, and parity tests comparing both stores."""
    from chainatlas.viz.testing import CHROMIUM

    no_browser = pytest.mark.skip(reason=f"{CHROMIUM} is absent: install Debian's chromium "
                                         "(scripts/system-deps.sh test) to run the browser tests")
    for item in items:
        if item.get_closest_marker("browser") and not os.path.exists(CHROMIUM):
            item.add_marker(no_browser)
        params = getattr(getattr(item, "callspec", None), "params", {})
        fixtures = getattr(item, "fixturenames", ())
        store = params.get("contract_store")
        if "neo4j_seed_store" in fixtures:
            store = "both (falkordb = neo4j)"
        elif store is None and "neo4j_store" in fixtures:
            store = "neo4j"
        if store:
            _STORE_OF[item.nodeid] = store


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.nodeid not in _STORE_OF:
        return
    if report.failed:
        _OUTCOMES[report.nodeid] = "failed"
    elif report.skipped:
        _OUTCOMES.setdefault(report.nodeid, "skipped")
    elif report.when == "call":
        _OUTCOMES.setdefault(report.nodeid, "passed")


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """One line per store: how many store tests passed, failed or were skipped."""
    if not _STORE_OF:
        return
    counts: dict[str, dict[str, int]] = {}
    for nodeid, store in _STORE_OF.items():
        outcome = _OUTCOMES.get(nodeid)
        if outcome:
            c = counts.setdefault(store, {})
            c[outcome] = c.get(outcome, 0) + 1
    terminalreporter.section("tests per store")
    for store in sorted(counts):
        c = counts[store]
        terminalreporter.write_line(
            f"{store}: {c.get('passed', 0)} passed, {c.get('failed', 0)} failed, "
            f"{c.get('skipped', 0)} skipped")
    if not neo4j_uri():
        terminalreporter.write_line(NEO4J_SKIP)


@pytest.fixture
def scratch_store(falkor: Any) -> Iterator[Any]:
    """An empty graph of its own on the session server, cleared after the test."""
    store = share(falkor, "scratch")
    store.clear()
    yield store
    store.clear()


# -- the command line on a fresh data dir (test_cli, test_seed_limits) --------------------
@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    """A small valid seed directory (the documents and one file of the loader tests)."""
    d = tmp_path / "seeds"
    d.mkdir()
    shutil.copy(seeds_dir() / "documents.yaml", d)
    from tests.test_loader_errors import GOOD

    (d / "auto.yaml").write_text(GOOD, encoding="utf-8")
    return d


SOURCE_TEXT = "济南市 汽车 动力电池等零部件 整车 重汽 比亚迪 吉利 宁德时代 临工重机"
"""Every quote of GOOD and BAD, as the text of their document (the quote check runs)."""


def write_sources(tmp_path: Path) -> Path:
    d = tmp_path / "sources"
    d.mkdir(exist_ok=True)
    (d / "jinan-2026-plan.txt").write_text(SOURCE_TEXT, encoding="utf-8")
    return d


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Run ``chainatlas`` in-process on a fresh data dir (a traceback fails the test)."""
    monkeypatch.setenv("CHAINATLAS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CHAINATLAS_SOURCES_DIR", str(write_sources(tmp_path)))
    monkeypatch.delenv("NEO4J_URI", raising=False)
    get_settings.cache_clear()
    runner = CliRunner()

    def run(*args: str):
        result = runner.invoke(app, list(args))
        assert not isinstance(result.exception, Exception) or isinstance(
            result.exception, SystemExit), f"traceback: {result.exception!r}\n{result.output}"
        return result

    yield run
    get_settings.cache_clear()
