"""The fast seed-load path gives exactly what the straightforward one gave.

Each shortcut of the seed load (issue 14 part 8) is checked against the plain way of doing the
same thing: pinyin memoised per word vs pypinyin's ``lazy_pinyin`` per text; the YAML fast
parse with a lazy line map vs the full parse with its eager map (data, lines and errors); the
parameter text built by ``graph/params.py`` vs the falkordb client's; and the rows built for
the project seeds and for a generated seed set vs the rows the code before the change built.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from falkordb.graph import Graph
from falkordb.helpers import stringify_param_value
from hypothesis import given, settings
from hypothesis import strategies as st
from pypinyin import Style, lazy_pinyin

from chainatlas.graph import names
from chainatlas.graph.params import param_literal, params_prefix
from chainatlas.loaders import validate as validate_mod
from chainatlas.loaders.load import validate
from chainatlas.loaders.seed_gen import write_seed_set
from chainatlas.loaders.validate import read_seeds, seed_files
from chainatlas.loaders.yaml_lines import LazyLines, YamlSyntaxError, parse_yaml, parse_yaml_fast

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"


def ref_full(text: str) -> str:
    """pinyin_full as it was: one ``lazy_pinyin`` call per text."""
    return "".join(lazy_pinyin(names.normalise(text))).replace(" ", "")


def ref_initials(text: str) -> str:
    parts = lazy_pinyin(names.normalise(text), style=Style.FIRST_LETTER)
    return "".join(p for p in parts if p.strip()).replace(" ", "")


def ref_pair(text: str) -> tuple[str, str]:
    return ref_full(text), ref_initials(text)


CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
MIXED = st.text(st.one_of(CJK, CJK, st.characters(max_codepoint=0x7F), st.sampled_from(
    [*"长清区重汽银行\u3000，（）ＡＢ１-·\t\n", "\u3400", "\u9fff", "ǹ"])), max_size=16)


@settings(max_examples=400, deadline=None)
@given(MIXED)
def test_pinyin_matches_pypinyin_per_text(text: str) -> None:
    assert names.pinyin_pair(text) == ref_pair(text)
    assert (names.pinyin_full(text), names.pinyin_initials(text)) == ref_pair(text)


def test_pinyin_matches_on_every_seed_text() -> None:
    """Every string of the project seeds (names, aliases, quotes …), phrase readings included."""
    texts: set[str] = {"长清区", "重庆", "银行", "中国重汽", "济南二机床集团"}

    def walk(x: object) -> None:
        if isinstance(x, dict):
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)
        elif isinstance(x, str):
            texts.add(x)

    for f in seed_files(SEEDS):
        walk(parse_yaml(f.read_text(encoding="utf-8"))[0])
    assert len(texts) > 1000
    wrong = [t for t in texts if names.pinyin_pair(t) != ref_pair(t)]
    assert wrong == []


TRICKY_YAML = [
    "", "~\n", "just text\n", "a: 1\nb: [x, y]\n", "d: 2026-01-02\nt: 2026-01-02 10:00:00\n",
    "a: 1\na: 2\n", "x:\n  - {id: a, id: b}\n", "1: one\n", "? [a]\n: b\n", "a: &x [1]\nb: *x\n",
    "a: *nope\n", "a: !!set {x, y}\n", "a: !!omap [{x: 1}]\n", "<<: {a: 1}\nb: 2\n",
    "a: !custom x\n", "a: [unclosed\n", "id: x\nname: a\x07b\n", "a:\n\tb: 1\n",
    "a: 'R&D'\n", "=: 1\n", "a: yes\nb: 0o17\nc: .nan\nd: null\ne: 1e3\n", "- a\n- b\n",
    "a: |\n  line one\n  line two\n", "a: \"esc \\u00e9 \\n\"\n", "a:\n  b:\n    c: [1, {d: e}]\n",
]


@pytest.mark.parametrize("text", TRICKY_YAML)
def test_fast_parse_same_data_lines_and_errors(text: str) -> None:
    def run(parse):
        try:
            data, lines = parse(text, "t.yaml")
        except YamlSyntaxError as e:
            return ("error", e.line, str(e))
        return ("ok", data, dict(lines))

    assert run(parse_yaml_fast) == run(parse_yaml)


def test_fast_parse_on_every_seed_file() -> None:
    for f in seed_files(SEEDS):
        text = f.read_text(encoding="utf-8")
        fast, lazy = parse_yaml_fast(text, f.name)
        data, lines = parse_yaml(text, f.name)
        assert fast == data, f
        assert isinstance(lazy, LazyLines) or "&" in text
        assert dict(lazy) == lines, f


def test_seed_errors_same_with_the_full_parse(tmp_path: Path, monkeypatch) -> None:
    """Errors found after a fast parse name the same lines as after the full one."""
    (tmp_path / "a.yaml").write_text(
        "documents:\n  - {id: d, name: 文件}\n"
        "enterprises:\n  - id: x\n    name: 甲公司\n    chains: [nowhere]\n"
        "    sources:\n      - doc: d\n        quote: 甲\n      - doc: nodoc\n        quote: 乙\n"
        "  - id: y\n    name: 乙公司\n    aliases: [甲公司]\n    bogus: 1\n"
        "  - id: x\n    name: 丙公司\n    sources: [{doc: d, quote: 丙}]\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("metrics:\n  - id: m\n    subject: x\n    indicator: 数\n"
                                     "    value: 一百\n    sources: [{doc: d, quote: 数}]\n",
                                     encoding="utf-8")
    fast = [str(e) for e in read_seeds(tmp_path)[1]]
    monkeypatch.setattr(validate_mod, "parse_yaml_fast", parse_yaml)
    full = [str(e) for e in read_seeds(tmp_path)[1]]
    assert fast == full
    assert len(fast) >= 4 and any(":6: enterprises[0].chains[0]: no node" in e for e in fast)


VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
              st.text(max_size=8)),
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.text(st.characters(blacklist_characters="`"),
                                                    min_size=1, max_size=5), inner, max_size=4)),
    max_leaves=20)


@settings(max_examples=300, deadline=None)
@given(VALUES)
def test_param_text_same_as_the_client(value: object) -> None:
    assert param_literal(value) == stringify_param_value(value)
    header = Graph.__new__(Graph)._build_params_header({"rows": value})
    assert header == "CYPHER " + params_prefix({"rows": value})


def _rows_digest(seeds: Path, sources: Path | None) -> str:
    data = validate(seeds, sources)[1]
    blob = json.dumps({"nodes": data.nodes, "rels": data.rels}, sort_keys=True,
                      ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()


GENERATED_2000 = "ec5f2fe0a5dabd75cef57ecffe8a09708bea081debdde6c558af7da6374a8a19"
"""sha256 of the rows the code before the fast path (commit dc9dc89) built for
``write_seed_set(dir, 2000)`` (seed 14), quote check on. If the row format changes on purpose,
take the new digest with ``_rows_digest`` and say so in the commit."""


def test_rows_of_a_generated_seed_set_unchanged(tmp_path: Path) -> None:
    seeds, sources = write_seed_set(tmp_path, enterprises=2000)
    assert _rows_digest(seeds, sources) == GENERATED_2000


def test_rows_of_the_project_seeds_same_as_the_plain_path(monkeypatch) -> None:
    """The project seeds' rows, fast path vs plain path (full parse, pinyin per text)."""
    fast = _rows_digest(SEEDS, SEEDS / "documents")
    monkeypatch.setattr(validate_mod, "parse_yaml_fast", parse_yaml)
    monkeypatch.setattr(names, "pinyin_pair", ref_pair)
    assert _rows_digest(SEEDS, SEEDS / "documents") == fast
