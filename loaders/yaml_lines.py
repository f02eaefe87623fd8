"""Read YAML and remember the line of every key and list item, for error messages.

>>> data, lines = parse_yaml("chains:\\n  - id: auto\\n    name: 汽车\\n", "x.yaml")
>>> data["chains"][0]["name"]
'汽车'
>>> lines[("chains", 0, "name")]
3
>>> line_of(lines, ("chains", 0, "nope"))
2
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import yaml

Path_ = tuple[str | int, ...]
LineMap = dict[Path_, int]


_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's loader when available (about 8x faster); same nodes and marks."""


class YamlSyntaxError(ValueError):
    """The file is not valid YAML (or has a duplicate key); ``line`` is 1-based."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


def _walk(node: yaml.Node, path: Path_, lines: LineMap) -> None:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            line = key_node.start_mark.line + 1
            if key in seen:
                raise YamlSyntaxError(f"duplicate key {key!r} (first on line {seen[key]})", line)
            seen[key] = line
            _walk(value_node, (*path, key), lines)
            lines[(*path, key)] = line
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, (*path, i), lines)


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
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return {}, {}
        lines: LineMap = {}
        _walk(node, (), lines)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        raise YamlSyntaxError(f"{e.problem or e}", (mark.line + 1) if mark else 1) from e
    finally:
        loader.dispose()
    return _plain(data), lines


def line_of(lines: LineMap, path: Path_) -> int:
    """Line of ``path``, or of its nearest ancestor that has one."""
    p = tuple(path)
    while p:
        if p in lines:
            return lines[p]
        p = p[:-1]
    return lines.get((), 1)
