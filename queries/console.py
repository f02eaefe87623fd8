"""The read-only Cypher console: checks in Python, then the store's own read-only mode.

Defence in depth: :func:`check_query` refuses more than one statement (a ``;`` followed by
more text outside string literals and comments), write and schema clauses (CREATE, MERGE,
DELETE, SET, REMOVE, DROP, LOAD CSV, FOREACH) and any procedure CALL outside a small list of
read-only catalogue procedures; then the store runs it read-only (FalkorDB GRAPH.RO_QUERY,
Neo4j EXPLAIN query type ``r``), with a timeout and a row cap.

>>> check_query("MATCH (n) RETURN n.name AS name;")
'MATCH (n) RETURN n.name AS name'
>>> check_query("MATCH (n) RETURN ';' AS x")
"MATCH (n) RETURN ';' AS x"
>>> check_query("MATCH (n) RETURN n; MATCH (m) RETURN m")
Traceback (most recent call last):
...
chainatlas.graph.store.QueryRejected: Only one statement is allowed (found text after ';').
"""

from __future__ import annotations

import re
import time
from typing import Any

from fastapi.encoders import jsonable_encoder
from pydantic import BaseModel, Field, field_validator

from chainatlas.graph.store import GraphStore, QueryRejected

FORBIDDEN = ("CREATE", "MERGE", "DELETE", "DETACH", "SET", "REMOVE", "DROP", "FOREACH", "LOAD")
ALLOWED_PROCEDURES = frozenset({
    "db.labels", "db.relationshiptypes", "db.propertykeys", "db.indexes", "db.constraints",
})
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")
_PARAM = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,99}")
_COMMENTS = re.compile(r"//[^\n]*|/\*.*?\*/", re.S)


def _code_parts(query: str) -> list[tuple[int, str]]:
    """The query outside string literals, backtick names and comments: (offset, text) pieces."""
    parts: list[tuple[int, str]] = []
    i, n, start = 0, len(query), 0
    while i < n:
        c = query[i]
        if c in "'\"`":
            parts.append((start, query[start:i]))
            j = i + 1
            while j < n and query[j] != c:
                j += 2 if query[j] == "\\" and c != "`" else 1
            i = start = j + 1
            continue
        if query.startswith("//", i):
            parts.append((start, query[start:i]))
            j = query.find("\n", i)
            i = start = n if j < 0 else j + 1
            continue
        if query.startswith("/*", i):
            parts.append((start, query[start:i]))
            j = query.find("*/", i + 2)
            i = start = n if j < 0 else j + 2
            continue
        i += 1
    parts.append((start, query[start:n]))
    return [(o, t) for o, t in parts if t]


def check_query(query: str) -> str:
    """The query to run (a trailing ``;`` removed), or :class:`QueryRejected` with why."""
    if not query or not query.strip():
        raise QueryRejected("The query is empty.")
    parts = _code_parts(query)
    cut: int | None = None
    for offset, text in parts:
        k = text.find(";")
        if k >= 0:
            cut = offset + k
            break
    if cut is not None:
        rest = _COMMENTS.sub("", query[cut + 1:])
        if rest.strip():
            raise QueryRejected("Only one statement is allowed (found text after ';').")
        query = query[:cut]
    code = " ".join(t for _, t in _code_parts(query))
    words = [(m.group(0), m.start()) for m in _WORD.finditer(code)]
    for k, (w, pos) in enumerate(words):
        if pos > 0 and code[pos - 1] in ".$":
            continue  # a property or parameter name
        up = w.upper()
        if up in FORBIDDEN:
            raise QueryRejected(f"Only read queries are allowed ({up} is a write or schema "
                                "clause).")
        if up == "CALL":
            proc = words[k + 1][0].lower() if k + 1 < len(words) else ""
            if proc not in ALLOWED_PROCEDURES:
                raise QueryRejected(
                    f"Procedure {proc or '?'!s} is not allowed here; allowed: "
                    + ", ".join(sorted(ALLOWED_PROCEDURES)))
    return query.strip()


def _has_nul(value: Any) -> bool:
    """True when a NUL character hides anywhere in a parameter value (or key)."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


class ConsoleRequest(BaseModel):
    query: str = Field(..., max_length=20_000, description="One read-only Cypher statement")
    params: dict[str, Any] = Field(default_factory=dict, description="Query parameters")

    @field_validator("params")
    @classmethod
    def _names(cls, v: dict[str, Any]) -> dict[str, Any]:
        bad = [k for k in v if not _PARAM.fullmatch(k)]
        if bad:
            raise ValueError(f"parameter names must be identifiers: {bad!r}")
        if _has_nul(v):
            raise ValueError("parameter values must not contain NUL characters")
        return v

    @field_validator("query")
    @classmethod
    def _no_nul(cls, v: str) -> str:
        if "\x00" in v:
            raise ValueError("the query must not contain NUL characters")
        return v


class ConsoleResult(BaseModel):
    columns: list[str]
    rows: list[dict[str, Any]]
    row_count: int
    truncated: bool
    elapsed_ms: float


def run_console(store: GraphStore, query: str, params: dict[str, Any] | None = None, *,
                row_cap: int = 1000, timeout_ms: int = 5000) -> ConsoleResult:
    """What does this analyst's read-only query return (capped, with a timeout)?"""
    text = check_query(query)
    t0 = time.perf_counter()
    try:
        rows = store.read_only(text, params or {}, timeout_ms=timeout_ms)
    except (ValueError, TypeError) as e:  # the client refused the parameters
        raise QueryRejected(f"Invalid parameters: {e}") from e
    elapsed = (time.perf_counter() - t0) * 1000
    cols = list(rows[0]) if rows else []
    kept = jsonable_encoder(rows[:row_cap])
    return ConsoleResult(columns=cols, rows=kept, row_count=len(kept),
                         truncated=len(rows) > row_cap, elapsed_ms=round(elapsed, 2))
