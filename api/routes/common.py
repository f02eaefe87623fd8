"""Helpers shared by the routers: resolve ``{id}`` (id, name or alias) or answer 404 / 422."""

from __future__ import annotations

from typing import Any, TypeVar

from chainatlas.api.problems import NotFound, Problem
from chainatlas.graph.model import NODE_KINDS
from chainatlas.graph.store import GraphStore
from chainatlas.queries.nodes import resolve, suggestions


def resolve_or_404(store: GraphStore, key: str, kind: str | None = None,
                   timeout_ms: int | None = None) -> dict[str, Any]:
    """The node ``key`` designates (id, Chinese name or alias), else a 404 with suggestions."""
    props = resolve(store, key, kind, timeout_ms=timeout_ms)
    if props is None:
        what = NODE_KINDS[kind].key if kind else "node"
        hits = suggestions(store, key, kind)
        raise NotFound(what, key, [h.model_dump(include={"id", "kind", "name", "match"})
                                   for h in hits])
    return props


T = TypeVar("T")


def found(value: T | None, what: str, key: str) -> T:
    """``value``, or a 404 when the node vanished between resolving and reading (a reload)."""
    if value is None:
        raise NotFound(what, key)
    return value


def resolve_param(store: GraphStore, name: str, key: str | None, kind: str,
                  timeout_ms: int | None = None) -> str | None:
    """The id of a filter parameter's node, else a 422 naming the parameter."""
    if key is None or key == "":
        return None
    props = resolve(store, key, kind, timeout_ms=timeout_ms)
    if props is None:
        hits = suggestions(store, key, kind)
        raise Problem(422, "Invalid parameter", f"参数 {name}：没有与“{key}”匹配的对象。"
                      f"Parameter {name!r}: no {kind} matches {key!r}.",
                      errors=[{"parameter": name, "in": "query",
                               "message": f"unknown {kind}"}],
                      suggestions=[h.model_dump(include={"id", "kind", "name"}) for h in hits])
    return props["id"]


def split_list(name: str, values: list[str] | None, allowed: list[str] | tuple[str, ...]
               ) -> list[str] | None:
    """Repeated or comma-separated values of a list parameter, checked against ``allowed``.

    >>> split_list("kinds", ["enterprise,segment"], ["enterprise", "segment"])
    ['enterprise', 'segment']
    """
    if not values:
        return None
    out = [v.strip() for raw in values for v in raw.split(",") if v.strip()]
    bad = [v for v in out if v not in allowed]
    if bad:
        raise Problem(422, "Invalid parameter",
                      f"参数 {name} 的取值无效：{'、'.join(bad)}。"
                      f"Parameter {name!r}: unknown value(s) {', '.join(bad)}; allowed: "
                      + ", ".join(allowed),
                      errors=[{"parameter": name, "in": "query",
                               "message": f"unknown value(s): {', '.join(bad)}"}])
    return out or None
