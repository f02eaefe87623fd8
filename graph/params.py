"""Query parameters written as FalkorDB's ``CYPHER name=value`` header, fast.

The ``falkordb`` client turns parameters into that header with a recursive pure-Python
function; for a seed load of 100,000 firms it was most of the write time. This module writes
the same text (byte for byte: ``tests/test_seed_load_speed.py`` compares it with the client's
``stringify_param_value`` and ``_build_params_header``) with type dispatch instead of an
``isinstance`` chain, so a batch's text can also be built in a second thread while the server
runs the previous batch (:meth:`chainatlas.graph.falkor.FalkorStore.replace`).

>>> param_literal({"id": "a", "props": {"aliases": ["重汽", 'say "hi"'], "n": 2, "x": None}})
'{`id`:"a",`props`:{`aliases`:["重汽","say \\\\"hi\\\\""],`n`:2,`x`:null}}'
>>> params_prefix({"rows": [1, 2.5, True]})
'`rows`=[1,2.5,True] '
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any


def _string(v: str) -> str:
    return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"' if v else '""'


def _key(k: Any) -> str:
    key = k.decode() if isinstance(k, bytes) else str(k)
    if key == "":
        raise ValueError("Cypher map key cannot be empty")
    if "`" in key:
        raise ValueError(f"Cypher map key cannot contain a backtick: {key!r} (FalkorDB does not "
                         "support escaped backticks in identifiers)")
    return key


def _list(v: list | tuple) -> str:
    return "[" + ",".join([_literal(x) for x in v]) + "]"


def _dict(v: dict) -> str:
    return "{" + ",".join([f"`{_key(k)}`:{_literal(x)}" for k, x in v.items()]) + "}"


_BY_TYPE: dict[type, Callable[[Any], str]] = {
    str: _string, list: _list, tuple: _list, dict: _dict, int: str, float: str, bool: str,
    type(None): lambda _: "null",
}


def _literal(value: Any) -> str:
    fn = _BY_TYPE.get(type(value))
    if fn is not None:
        return fn(value)
    # subclasses and other types: the client's order of checks
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, list | tuple):
        return _list(value)
    if isinstance(value, dict):
        return _dict(value)
    return str(value)


def param_literal(value: Any) -> str:
    """``value`` as the client's ``stringify_param_value`` writes it."""
    return _literal(value)


def params_prefix(params: Mapping[str, Any]) -> str:
    """What the client puts after ``CYPHER `` for ``params`` (``"`name`=value "`` each): a query
    text ``params_prefix(p) + cypher`` sent with empty parameters is the same command."""
    return "".join(f"`{_key(k)}`={_literal(v)} " for k, v in params.items())
