"""The coverage report on the real seeds loaded into a real embedded FalkorDB store."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from chainatlas.graph.falkor import FalkorStore
from chainatlas.loaders.load import load
from chainatlas.queries.coverage import coverage_report, print_coverage
from chainatlas.settings import Settings

FLAGSHIPS = {
    "aerospace-low-altitude", "artificial-intelligence", "automobile", "integrated-circuits",
    "special-equipment", "electronic-information", "new-energy-equipment",
    "cnc-machine-tools-robots", "high-end-software", "steel", "advanced-materials",
    "modern-medicine", "food-biomanufacturing",
}


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    store = FalkorStore(tmp_path_factory.mktemp("coverage-store"))
    try:
        load(Settings().seeds_dir, store)
        yield coverage_report(store)
    finally:
        store.close()


def test_thirteen_flagship_chains(report):
    assert report["flagship_chains"] == 13
    flagships = {c["id"] for c in report["chains"] if c["tier"] == "flagship"}
    assert flagships == FLAGSHIPS


def test_no_flagship_chain_without_actors(report):
    assert report["flagship_chains_without_actor"] == []
    for c in report["chains"]:
        if c["tier"] == "flagship":
            assert c["actors"] >= 1, c
            assert c["segments"] >= 3, c
            assert c["metrics"] >= 1, c


def test_key_chains_are_derived_and_parented(report):
    keys = [c for c in report["chains"] if c["tier"] == "key"]
    assert keys and report["key_chains"] == len(keys)
    assert all(c["parent"] in FLAGSHIPS for c in keys)
    assert report["derived_key_chains"] == len(keys)


def test_counts_and_districts(report):
    kinds = report["kinds"]
    for kind in ("enterprise", "platform", "park", "cluster", "agency", "person", "project",
                 "policy", "metric", "segment", "district"):
        assert kinds.get(kind, 0) > 0, kind
    districts = {d["id"]: d for d in report["districts"]}
    # the city, 12 districts/counties, the two functional zones (and the province)
    assert len([d for d in districts.values() if d["parent"] == "jinan"]) == 14
    assert districts["shizhong"]["actors"] > 0
    assert districts["shizhong"]["metrics"] > 0
    assert report["district_chains"] == 5


def test_leaders_and_gap_lists(report):
    chains = {c["id"]: c for c in report["chains"]}
    assert {"byd", "sinotruk", "geely"} <= set(chains["automobile"]["leaders"])
    assert {"shandong-electric-power-equipment", "siemens-energy-transformer-jinan"} <= set(
        chains["shizhong-power-equipment"]["leaders"])
    for key in ("actors_without_chain", "chains_without_actor", "segments_without_actor"):
        assert isinstance(report[key], list)
    no_chain = {a["id"] for a in report["actors_without_chain"]}
    assert "byd" not in no_chain


def test_print_coverage(report):
    buf = io.StringIO()
    print_coverage(report, Console(file=buf, width=200))
    out = buf.getvalue()
    assert "Chains" in out and "汽车" in out and "Districts" in out
