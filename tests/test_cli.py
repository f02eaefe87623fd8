"""The ``chainatlas`` command as a user runs it: load, stats, query, serve."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from chainatlas.graph.embedded import _pid_alive
from chainatlas.settings import get_settings

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).parent))
from test_loader_errors import BAD

from tests.conftest import write_sources


def test_help_everywhere(cli) -> None:
    for cmd in ([], ["load"], ["serve"], ["stats"], ["query"]):
        result = cli(*cmd, "--help")
        assert result.exit_code == 0 and "Usage" in result.output


def test_load_dry_run_writes_nothing(cli, seeds: Path, tmp_path: Path) -> None:
    result = cli("load", str(seeds), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "valid" in result.output
    assert not (tmp_path / "data").exists()


def test_load_twice_same_counts_and_stats_json(cli, seeds: Path) -> None:
    assert cli("load", str(seeds)).exit_code == 0
    first = json.loads(cli("stats", "--json").output)
    assert cli("load", str(seeds)).exit_code == 0
    second = json.loads(cli("stats", "--json").output)
    assert first == second and first["store"] == "falkordb"
    assert first["nodes"]["Segment"] == 2


def test_bad_seeds_print_every_error_and_keep_graph(cli, seeds: Path) -> None:
    assert cli("load", str(seeds)).exit_code == 0
    before = json.loads(cli("stats", "--json").output)
    (seeds / "bad.yaml").write_text(BAD, encoding="utf-8")
    result = cli("load", str(seeds))
    assert result.exit_code == 1
    lines = [ln for ln in result.output.splitlines() if "bad.yaml:" in ln]
    assert len(lines) == 5, result.output
    assert "nothing was written" in result.output
    assert json.loads(cli("stats", "--json").output) == before


def test_named_query(cli, seeds: Path) -> None:
    cli("load", str(seeds))
    listing = cli("query")
    assert "chain-segments" in listing.output
    result = cli("query", "chain-segments", "--param", "chain=automobile", "--json")
    rows = json.loads(result.output)
    assert [r["id"] for r in rows] == ["auto-parts", "auto-vehicles"]
    assert cli("query", "chain-segments").exit_code == 1  # missing parameter


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(data: Path, seeds: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "CHAINATLAS_DATA_DIR": str(data), "CHAINATLAS_SEEDS_DIR": str(seeds),
           "CHAINATLAS_SOURCES_DIR": str(write_sources(data.parent))}
    env.pop("NEO4J_URI", None)
    return subprocess.Popen(
        [sys.executable, "-m", "chainatlas", "serve", "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


def _health(port: int, timeout: float = 30.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            r = httpx.get(f"http://127.0.0.1:{port}/health", timeout=2)
            if r.status_code == 200:
                return r.json()
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError("serve did not answer /health")


def test_serve_loads_seeds_survives_sigkill_and_keeps_data(tmp_path: Path, seeds: Path) -> None:
    data, port = tmp_path / "data", _free_port()
    proc = _serve(data, seeds, port)
    try:
        health = _health(port)
        assert health["store"] == "falkordb" and health["nodes"] > 0
        server_pid = json.loads((data / "falkordb" / "server.json").read_text())["pid"]
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        deadline = time.monotonic() + 10
        while _pid_alive(server_pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _pid_alive(server_pid), "the FalkorDB server outlived the killed service"
        (seeds / "auto.yaml").unlink()  # a restart must not reload: the data is kept
        proc = _serve(data, seeds, port)
        again = _health(port)
        assert again["counts"] == health["counts"]
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=20)


def test_seed_load_keeps_the_imported_registry(cli, tmp_path: Path) -> None:
    """A seed load rebuilds the graph from the seeds; the registry firms an officer imported
    are imported again from the recorded extract, not silently dropped."""
    import polars as pl

    from chainatlas.loaders.registry_gen import generate, write_frame

    seeds = ROOT / "seeds"
    os.environ["CHAINATLAS_SOURCES_DIR"] = str(ROOT / "seeds" / "documents")
    get_settings.cache_clear()
    if not Path(os.environ["CHAINATLAS_SOURCES_DIR"]).is_dir():
        pytest.skip("the source documents are not at seeds/documents")
    extract = write_frame(generate(300, 5).with_columns(pl.lit("存续").alias("登记状态")),
                          tmp_path / "registry.csv")
    assert cli("load", str(seeds)).exit_code == 0
    r = cli("import", str(extract))
    assert r.exit_code == 0, r.output

    def registry_firms() -> int:
        out = cli("stats", "--json")
        return json.loads(out.output)["nodes"]["Enterprise"]

    with_registry = registry_firms()
    r = cli("load", str(seeds))
    assert r.exit_code == 0, r.output
    assert "re-imported registry.csv" in r.output
    assert registry_firms() == with_registry
    r = cli("load", str(seeds), "--no-keep-registry")
    assert r.exit_code == 0 and "replaced them" in r.output
    assert registry_firms() < with_registry
