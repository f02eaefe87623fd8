"""Hostile and broken seed sources, as a user runs ``chainatlas load`` on the real store.

Each test fails on the old behaviour named in its docstring (issue 11, findings 2, 7 and 9).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pytest

from chainatlas.settings import get_settings

sys.path.insert(0, str(Path(__file__).parent))
import itertools

from test_loader_errors import GOOD

ROOT = Path(__file__).resolve().parent.parent


def flat(result) -> str:
    """The output with rich's line wrapping undone."""
    return " ".join(result.output.split())


def _nodes(cli) -> int:
    return sum(json.loads(cli("stats", "--json").output)["nodes"].values())


def _errors(output: str, name: str) -> list[str]:
    return [ln for ln in output.splitlines() if f"{name}:" in ln]


# -- finding 2: an empty source never wipes the graph ----------------------------------------
def test_an_empty_seed_dir_refuses_to_replace_a_graph(cli, seeds: Path, tmp_path: Path) -> None:
    """Old behaviour: "loaded 0 file(s): 0 nodes", exit 0, store left empty."""
    assert cli("load", str(seeds)).exit_code == 0
    before = _nodes(cli)
    empty = tmp_path / "empty"
    empty.mkdir()
    result = cli("load", str(empty))
    assert result.exit_code == 1
    assert "--allow-empty" in flat(result) and "unchanged" in flat(result)
    assert _nodes(cli) == before > 0
    (empty / "blank.yaml").write_text("# nothing here\n", encoding="utf-8")
    assert cli("load", str(empty)).exit_code == 1  # files without items: the same
    assert cli("load", str(empty), "--allow-empty").exit_code == 0
    assert _nodes(cli) == 0


# -- finding 9: quotes always checked ---------------------------------------------------------
def test_missing_source_documents_refuse_the_load(cli, seeds: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Old behaviour: without the documents the load went ahead with a yellow note."""
    monkeypatch.setenv("CHAINATLAS_SOURCES_DIR", str(tmp_path / "absent"))
    get_settings.cache_clear()
    result = cli("load", str(seeds))
    assert result.exit_code == 1
    assert "--no-quote-check" in flat(result) and "CHAINATLAS_SOURCES_DIR" in flat(result)
    assert not (tmp_path / "data").exists() or _nodes(cli) == 0
    forced = cli("load", str(seeds), "--no-quote-check")
    assert forced.exit_code == 0 and "NOT checked" in flat(forced)


def test_a_non_verbatim_quote_is_an_error(cli, seeds: Path) -> None:
    (seeds / "auto.yaml").write_text(GOOD.replace("quote: 整车}", "quote: 整车制造}"),
                                     encoding="utf-8")
    result = cli("load", str(seeds))
    assert result.exit_code == 1
    [line] = _errors(result.output, "auto.yaml")
    assert "整车制造" in line and "verbatim" in line


# -- finding 7: errors with a location, no tracebacks, no cascade ---------------------------------
def _bad_file(seeds: Path, name: str, content: bytes | str) -> None:
    p = seeds / name
    if isinstance(content, str):
        p.write_text(content, encoding="utf-8")
    else:
        p.write_bytes(content)


def test_an_alias_bomb_is_one_error_and_fast(cli, seeds: Path) -> None:
    """Old behaviour: MemoryError after 122 s at 6.3 GB."""
    names = "abcdefghij"
    bomb = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
        f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
        for p, c in itertools.pairwise(names))
    _bad_file(seeds, "bomb.yaml", bomb)
    t0 = time.monotonic()
    result = cli("load", str(seeds), "--dry-run")
    assert time.monotonic() - t0 < 30
    assert result.exit_code == 1
    [line] = _errors(result.output, "bomb.yaml")
    assert "alias" in line


@pytest.mark.parametrize(("content", "expect_line", "words"), [
    ("enterprises:\n  - id: x\n    name: a\x07b\n", 3, "control character"),
    ("enterprises:\n  - id: x\n    name: [unclosed\n", 4, "yaml"),
    ("enterprises:\n  - id: x\n    name: 比亚迪\n".encode("gbk"), 3, "UTF-8"),
])
def test_an_unreadable_file_is_one_error_with_its_line(cli, seeds: Path, content: str | bytes,
                                                       expect_line: int, words: str) -> None:
    """Old behaviour: a ReaderError traceback, or the error plus 34 "no node with id"."""
    # another file links to items of the broken one: no cascade of "no node with id"
    _bad_file(seeds, "links.yaml", "enterprises:\n  - id: y\n    name: 乙\n    partners: [x]\n"
              "    sources: [{doc: jinan-2026-plan, quote: 比亚迪}]\n")
    _bad_file(seeds, "broken.yaml", content)
    result = cli("load", str(seeds))
    assert result.exit_code == 1
    assert "no node with id" not in result.output
    [line] = _errors(result.output, "broken.yaml")
    assert f"broken.yaml:{expect_line}:" in line and words in line, line


def test_a_directory_named_like_a_seed_file_is_one_error(cli, seeds: Path) -> None:
    (seeds / "chains.yaml").mkdir()
    result = cli("load", str(seeds))
    assert result.exit_code == 1
    [line] = _errors(result.output, "chains.yaml")
    assert "directory" in line
    assert "no node with id" not in result.output


def test_nan_inf_nul_and_huge_names_are_errors_with_file_line_field(cli, seeds: Path) -> None:
    """Old behaviour: a raw FalkorDB Cypher parse error; a 1 MB name loaded."""
    _bad_file(seeds, "values.yaml", (
        "enterprises:\n"
        "  - id: nan-firm\n    name: 甲\n    capital: .nan\n"
        "  - id: inf-firm\n    name: 乙\n    capital: .inf\n"
        '  - id: nul-firm\n    name: "丙\\0"\n'
        f"  - id: long-firm\n    name: {'长' * 100_000}\n"))
    result = cli("load", str(seeds))
    assert result.exit_code == 1
    lines = _errors(result.output, "values.yaml")
    assert any("values.yaml:4: enterprises[0].capital" in ln and "NaN" in ln for ln in lines)
    assert any("values.yaml:7: enterprises[1].capital" in ln for ln in lines)
    assert any("values.yaml:9: enterprises[2].name" in ln and "control" in ln for ln in lines)
    assert any("values.yaml:11: enterprises[3].name" in ln and "at most" in ln for ln in lines)
    assert "Cypher" not in result.output


def test_a_huge_file_is_one_error_and_errors_are_capped(cli, seeds: Path) -> None:
    """Old behaviour: a 50 MB file gave 785,837 error lines at 3.4 GB."""
    _bad_file(seeds, "huge.yaml", "enterprises:\n" + "  - {id: x, bogus: 1}\n" * 1_000_000)
    result = cli("load", str(seeds))
    assert result.exit_code == 1
    [line] = _errors(result.output, "huge.yaml")
    assert "MB" in line
    (seeds / "huge.yaml").unlink()
    _bad_file(seeds, "many.yaml", "enterprises:\n" + "".join(
        f"  - {{id: x{i}, name: 名{i}, bogus: 1}}\n" for i in range(120)))
    result = cli("load", str(seeds))
    assert result.exit_code == 1
    assert len(_errors(result.output, "many.yaml")) == 50
    total = int(flat(result).split(" error(s) in the seeds")[0].split()[-1])
    assert total > 50 and f"and {total - 50} more" in flat(result)
