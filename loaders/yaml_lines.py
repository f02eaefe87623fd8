"""Read YAML and remember the line of every key and list item, for error messages.

>>> data, lines = parse_yaml("chains:\\n  - id: auto\\n    name: 汽车\\n", "x.yaml")
>>> data["chains"][0]["name"]
'汽车'
>>> lines[("chains", 0, "name")]
3
>>> line_of(lines, ("chains", 0, "nope"))
2
>>> parse_yaml("a: &x [1, 2]\\nb: *x\\n")[0]
{'a': [1, 2], 'b': [1, 2]}
>>> names = "abcdefghijklmnopqrstuv"
>>> bomb = "a: &a [x, x]\\n" + "".join(f"{c}: &{c} [*{p}, *{p}]\\n"
...                                   for p, c in zip(names, names[1:]))
>>> def error(text):
...     try:
...         parse_yaml(text)
...     except YamlSyntaxError as e:
...         return f"line {e.line}: {e}"
>>> print(error(bomb)[:40])
line 1: YAML aliases expand to more than
>>> print(error("id: x\\nname: a\\x07b\\n")[:55])
line 2: control character '\\x07' is not allowed in YAML
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Any

import yaml

Path_ = tuple[str | int, ...]
LineMap = dict[Path_, int]


_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's loader when available (about 8x faster); same nodes and marks."""


MAX_EXPANDED = 100_000
"""Most values aliases (``*name``) may add to a document when expanded; more is an alias bomb."""


class YamlSyntaxError(ValueError):
    """The file is not valid YAML (or has a duplicate key); ``line`` is 1-based."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


def _expanded_size(root: yaml.Node) -> tuple[int, int]:
    """How many values aliases add when ``root`` is expanded (each use of an alias counts its
    whole value again), and the line of the first alias; linear in the document (sizes are
    memoised per node)."""
    sizes: dict[int, int] = {}
    seen_alias_line = 0

    def size(node: yaml.Node) -> int:
        nonlocal seen_alias_line
        key = id(node)
        if key in sizes:
            if not seen_alias_line:
                seen_alias_line = node.start_mark.line + 1
            return sizes[key]
        sizes[key] = 1  # a self-referencing node counts once
        if isinstance(node, yaml.MappingNode):
            total = 1 + sum(size(k) + size(v) for k, v in node.value)
        elif isinstance(node, yaml.SequenceNode):
            total = 1 + sum(size(v) for v in node.value)
        else:
            total = 1
        sizes[key] = total
        return sizes[key]

    total = size(root)
    return total - len(sizes), seen_alias_line  # the values aliases add


def _walk(node: yaml.Node, path: Path_, lines: LineMap, seen: set[int] | None = None) -> None:
    lines[path] = node.start_mark.line + 1
    seen = set() if seen is None else seen
    if id(node) in seen:
        return  # an alias: its lines are those of the anchored value, walked once
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        seen_keys: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            line = key_node.start_mark.line + 1
            if key in seen_keys:
                raise YamlSyntaxError(f"duplicate key {key!r} (first on line {seen_keys[key]})",
                                      line)
            seen_keys[key] = line
            _walk(value_node, (*path, key), lines, seen)
            lines[(*path, key)] = line
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, (*path, i), lines, seen)


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def parse_yaml(text: str, name: str = "<string>") -> tuple[Any, LineMap]:
    """Parse ``text``; return the data (dates as ISO strings) and the line map."""
    try:
        loader = _Loader(text)
    except yaml.reader.ReaderError as e:
        raise _reader_error(e, text) from e
    try:
        node = loader.get_single_node()
        if node is None:
            return {}, {}
        total, alias_line = _expanded_size(node)
        if total > MAX_EXPANDED:
            raise YamlSyntaxError(f"YAML aliases expand to more than {MAX_EXPANDED} values (an "
                                  "alias bomb?); write the values out instead", alias_line or 1)
        lines: LineMap = {}
        _walk(node, (), lines)
        data = loader.construct_document(node)
    except yaml.reader.ReaderError as e:
        raise _reader_error(e, text) from e
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        raise YamlSyntaxError(f"{e.problem or e}", (mark.line + 1) if mark else 1) from e
    except yaml.YAMLError as e:
        raise YamlSyntaxError(str(e).splitlines()[0] if str(e) else "invalid YAML", 1) from e
    except RecursionError as e:
        raise YamlSyntaxError("the YAML is nested too deeply", 1) from e
    finally:
        with contextlib.suppress(NameError):
            loader.dispose()
    return _plain(data), lines


class _SlowPath(Exception):
    """The fast parse met something only the full parse handles exactly (e.g. a duplicate key)."""


class _FastLoader(_Loader):  # type: ignore[misc,valid-type]
    """libyaml's loader, its timestamps constructed as ISO strings (what :func:`_plain` makes)."""

    def construct_iso_date(self, node: yaml.Node) -> str:
        return self.construct_yaml_timestamp(node).isoformat()


_FastLoader.add_constructor("tag:yaml.org,2002:timestamp", _FastLoader.construct_iso_date)

_STR, _MAP, _SEQ = ("tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")


def _build(node: yaml.Node, loader: _FastLoader) -> Any:
    """The plain data of ``node``, as :func:`parse_yaml` returns it, without PyYAML's generic
    constructor for the common nodes (string scalars, maps with string keys written once,
    sequences); other scalars go through the loader's constructors. Anything else (sets,
    ordered maps, a duplicate or non-string key) is :class:`_SlowPath`."""
    cls = node.__class__
    if cls is yaml.ScalarNode:
        return node.value if node.tag == _STR else loader.construct_object(node)
    if cls is yaml.MappingNode and node.tag == _MAP:
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            if key_node.tag != _STR or key in out:
                raise _SlowPath
            out[key] = _build(value_node, loader)
        return out
    if cls is yaml.SequenceNode and node.tag == _SEQ:
        return [_build(v, loader) for v in node.value]
    raise _SlowPath


class LazyLines(Mapping):
    """A :data:`LineMap` worked out only when first read (for an error message): the fast parse
    does not walk the document for lines, which most loads never need.

    >>> lines = LazyLines("a:\\n  - b: 1\\n")
    >>> lines[("a", 0, "b")], line_of(lines, ("a", 0, "zz"))
    (2, 2)
    """

    def __init__(self, text: str, name: str = "<string>") -> None:
        self._text, self._name = text, name
        self._lines: LineMap | None = None

    @property
    def lines(self) -> LineMap:
        if self._lines is None:
            self._lines = parse_yaml(self._text, self._name)[1]
            self._text = ""
        return self._lines

    def __getitem__(self, path: Path_) -> int:
        return self.lines[path]

    def __contains__(self, path: object) -> bool:
        return path in self.lines

    def __iter__(self) -> Iterator[Path_]:
        return iter(self.lines)

    def __len__(self) -> int:
        return len(self.lines)


def parse_yaml_fast(text: str, name: str = "<string>") -> tuple[Any, Mapping[Path_, int]]:
    """:func:`parse_yaml` with the line map worked out only when read (:class:`LazyLines`):
    the same data, and the same :class:`YamlSyntaxError` for a bad file.

    Without anchors (no ``&``) no alias can expand, so the alias-bomb count is skipped; a file
    with anchors, merge keys, non-string or duplicate keys, or any error takes the full path.

    >>> text = "chains:\\n  - id: auto\\n    date: 2026-01-02\\n"
    >>> parse_yaml_fast(text)[0] == parse_yaml(text)[0]
    True
    >>> try:
    ...     parse_yaml_fast("a: 1\\na: 2\\n")
    ... except YamlSyntaxError as e:
    ...     print(e.line, e)
    2 duplicate key 'a' (first on line 1)
    """
    if "&" in text or "<<" in text:
        return parse_yaml(text, name)
    try:
        loader = _FastLoader(text)
        try:
            node = loader.get_single_node()
            data = {} if node is None else _build(node, loader)
        finally:
            loader.dispose()
    except (_SlowPath, yaml.YAMLError, RecursionError, ValueError, TypeError):
        data = _SlowPath  # the full parse says exactly what is wrong
    if data is _SlowPath:
        return parse_yaml(text, name)
    return data, LazyLines(text, name)


def _reader_error(e: yaml.reader.ReaderError, text: str) -> YamlSyntaxError:
    """A control character (or other unreadable one) as an error on its line."""
    pos = e.position if isinstance(e.position, int) else 0
    char = e.character
    shown = repr(chr(char)) if isinstance(char, int) else repr(char)
    return YamlSyntaxError(f"control character {shown} is not allowed in YAML (remove it, or "
                           "write it as an escape in a double-quoted string)",
                           text.count("\n", 0, pos) + 1)


def line_of(lines: Mapping[Path_, int], path: Path_) -> int:
    """Line of ``path``, or of its nearest ancestor that has one."""
    p = tuple(path)
    while p:
        if p in lines:
            return lines[p]
        p = p[:-1]
    return lines.get((), 1)
