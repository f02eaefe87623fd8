"""The read-only Cypher console: checks in Python, then the store's own read-only mode.

Defence in depth: :func:`check_query` refuses more than one statement (a ``;`` followed by
more text outside string literals and comments), write and schema clauses (CREATE, MERGE,
DELETE, SET, REMOVE, DROP, LOAD CSV, FOREACH) and any procedure CALL outside a small list of
read-only catalogue procedures; then the store runs it read-only (FalkorDB GRAPH.RO_QUERY,
Neo4j EXPLAIN query type ``r``), with a timeout and a row cap.

The cap and the timeout bound the work **in the store**, not only what Python keeps: the
query runs wrapped as ``CALL { <query> } RETURN * LIMIT cap+1`` (:func:`wrap_query`; the rows
past the cap are never produced), ``range()`` may only be called with number bounds that give
at most :data:`MAX_RANGE` values (:func:`check_ranges`), the store caps every query's memory
(FalkorDB ``QUERY_MEM_CAPACITY``) and its queue (``MAX_QUEUED_QUERIES``), and at most
:data:`MAX_CONCURRENT` console queries run at once — another one is refused at once
(:class:`ConsoleBusy`, API 503 with ``Retry-After``) instead of queueing behind them.

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
import threading
import time
from typing import Any

from fastapi.encoders import jsonable_encoder
from pydantic import BaseModel, Field, field_validator

from chainatlas.graph.store import GraphStore, QueryRejected, StoreBusy, StoreError

MAX_RANGE = 100_000
"""Most values one ``range()`` call of a console query may produce."""
MAX_CONCURRENT = 1
"""Console queries running at once (the store has few query threads; the API needs them)."""
_running = threading.BoundedSemaphore(MAX_CONCURRENT)


class ConsoleBusy(StoreBusy):
    """Another console query is running (API: 503 with Retry-After)."""

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


_RANGE = re.compile(r"\brange\s*\(", re.I)
_NUMBER = r"\s*(-?\d+|\$[A-Za-z_][A-Za-z0-9_]*)\s*"
_RANGE_ARGS = re.compile(rf"\brange\s*\({_NUMBER},{_NUMBER}(?:,{_NUMBER})?\)", re.I)


def check_ranges(query: str, params: dict[str, Any] | None = None) -> None:
    """Refuse ``range()`` calls that are not plain number bounds or produce too many values.

    >>> check_ranges("UNWIND range(1, 10) AS x RETURN x")
    >>> check_ranges("UNWIND range(1, $n) AS x RETURN x", {"n": 10_000_000})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    chainatlas.graph.store.QueryRejected: range() may produce at most 100000 values ...
    >>> check_ranges("RETURN range(1, toInteger('9999999'))")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    chainatlas.graph.store.QueryRejected: range() takes number bounds here ...
    """
    code = " ".join(t for _, t in _code_parts(query))
    calls = len(_RANGE.findall(code))
    if not calls:
        return
    found = _RANGE_ARGS.findall(code)
    if len(found) != calls:
        raise QueryRejected("range() takes number bounds here (literals or $parameters), "
                            "e.g. range(1, 100).")

    def value(tok: str) -> int:
        if tok.startswith("$"):
            v = (params or {}).get(tok[1:])
            if not isinstance(v, int) or isinstance(v, bool):
                raise QueryRejected(f"range() bound {tok} must be an integer parameter.")
            return v
        return int(tok)

    for start, end, step in found:
        a, b, c = value(start), value(end), value(step) if step else 1
        if c == 0:
            raise QueryRejected("range() step must not be 0.")
        n = max(0, (b - a) // c + 1)
        if n > MAX_RANGE:
            raise QueryRejected(f"range() may produce at most {MAX_RANGE} values here "
                                f"(this one: {n}).")


def _top_level_split(text: str) -> list[str]:
    parts, depth, cur = [], 0, ""
    for ch in text:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    return parts


_RETURN = re.compile(r"\bRETURN\b(?:\s+DISTINCT\b)?", re.I)
_TAIL = re.compile(r"\b(ORDER\s+BY|SKIP|LIMIT|UNION)\b", re.I)
_ALIAS = re.compile(r"\bAS\s+`?([A-Za-z_][A-Za-z0-9_]*)`?\s*$", re.I)


def return_columns(query: str) -> list[str] | None:
    """The column names of the query's last ``RETURN`` (None when they cannot be told).

    >>> return_columns("MATCH (n) RETURN n.name AS name, n.id, count(*) AS c ORDER BY c")
    ['name', 'n.id', 'c']
    >>> return_columns("MATCH (n) RETURN *") is None
    True
    """
    code = "".join(t for _, t in _code_parts(query))
    if "'" in query or '"' in query or "`" in query:
        return None  # keep it simple: string literals may hide commas and keywords
    matches = list(_RETURN.finditer(code))
    if not matches:
        return None
    proj = code[matches[-1].end():]
    tail = _TAIL.search(proj)
    if tail:
        proj = proj[:tail.start()]
    cols = []
    for part in _top_level_split(proj):
        part = part.strip()
        if not part or part == "*":
            return None
        m = _ALIAS.search(part)
        cols.append(m.group(1) if m else part)
    return cols


def wrap_query(query: str, row_cap: int) -> str:
    """The query with its row cap pushed into the store (one row more, to tell truncation).

    >>> wrap_query("MATCH (n) RETURN n.name AS name", 10)
    'CALL { MATCH (n) RETURN n.name AS name } RETURN * LIMIT 11'
    """
    return f"CALL {{ {query} }} RETURN * LIMIT {int(row_cap) + 1}"


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
    check_ranges(text, params)
    if not _running.acquire(blocking=False):
        raise ConsoleBusy("Another console query is running; try again in a moment.")
    t0 = time.perf_counter()
    try:
        code = " ".join(t for _, t in _code_parts(text))
        # a lone catalogue procedure (no RETURN) cannot be a subquery; its output is small
        run = wrap_query(text, row_cap) if re.search(r"\bRETURN\b", code, re.I) else text
        rows = store.read_only(run, params or {}, timeout_ms=timeout_ms)
    except (ValueError, TypeError) as e:  # the client refused the parameters
        raise QueryRejected(f"Invalid parameters: {e}") from e
    except StoreError:
        raise
    finally:
        _running.release()
    elapsed = (time.perf_counter() - t0) * 1000
    cols = list(rows[0]) if rows else []
    wanted = return_columns(text)
    if rows and wanted and sorted(wanted) == sorted(cols):
        cols = wanted  # RETURN * sorts the columns: give them back in the query's order
        rows = [{c: r[c] for c in cols} for r in rows]
    kept = jsonable_encoder(rows[:row_cap])
    return ConsoleResult(columns=cols, rows=kept, row_count=len(kept),
                         truncated=len(rows) > row_cap, elapsed_ms=round(elapsed, 2))
