"""FalkorDB's ``GRAPH.BULK``: new nodes and relationships sent as binary buffers, no Cypher.

``GRAPH.BULK`` (the command behind the ``falkordb-bulk-loader`` package) creates nodes and
relationships from binary *tokens* without the query engine: no parameter text to parse, no
execution plan, one write lock per call; the graph's indexes are updated as each node is
created. Without its ``BEGIN`` token it appends to an existing graph key — the registry import
uses it on the staged copy of the graph (:func:`chainatlas.graph.bulk.staged_apply`), so the
swap stays atomic.

Wire format (FalkorDB ``src/bulk_insert/bulk_insert.c``; the loader's ``entity_file.py``)::

    GRAPH.BULK key [BEGIN] node_count edge_count node_tokens relation_tokens token…
    token    = header entity*
    header   = labels "\\0"  uint32 property_count  (property_name "\\0")*
               (labels: "Node:Enterprise"; a relation token names one type)
    node     = value*                       (one per header property, in order)
    relation = uint64 src  uint64 dst  value*   (src/dst: internal node ids)
    value    = 0x00                         null: the property is not set
             | 0x01 uint8                   boolean
             | 0x02 float64                 double
             | 0x03 utf-8 "\\0"              string
             | 0x04 int64                   integer
             | 0x05 int64 length value*     array

Why not the ``falkordb_bulk_loader`` package itself: its entry point is a click CLI over CSV
files that must create a *new* key (it sends ``BEGIN``), it packs each value with
``struct.pack`` in a per-row Python loop after re-parsing it from CSV text (≈ 25 M calls for
a million firms), and its schemaless typing turns strings such as ``"123"`` or ``"true"``
(also inside lists) into numbers and booleans, and strips whitespace. Here the same format is
built column-wise with pyarrow compute kernels, typed from the columns' own dtypes; the
package's value encoder is the reference the unit tests compare with.

>>> import pyarrow as pa
>>> [bytes(b) for b in encode_values(pa.array(["济", None]))]
[b'\\x03\\xe6\\xb5\\x8e\\x00', b'\\x00']
>>> [bytes(b) for b in encode_values(pa.array([True]))] + \\
...     [bytes(b)[:2] for b in encode_values(pa.array([[" a"], []]))]
[b'\\x01\\x01', b'\\x05\\x01', b'\\x05\\x00']
>>> header("Node:Enterprise", ["id"])
b'Node:Enterprise\\x00\\x01\\x00\\x00\\x00id\\x00'
"""

from __future__ import annotations

import struct
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

NULL, BOOL, DOUBLE, STRING, LONG, ARRAY = 0, 1, 2, 3, 4, 5
MAX_TOKEN_BYTES = 64 * 1024 * 1024
"""Bytes per token and per call (the loader's default; Redis takes up to 512 MB per argument)."""

_B = pa.large_binary()


def _const(value: bytes, n: int) -> pa.Array:
    """``n`` copies of ``value`` as a large-binary array."""
    width = len(value)
    data = np.frombuffer(value * n, dtype=np.uint8) if n else np.empty(0, np.uint8)
    offsets = np.arange(0, width * n + 1, width, dtype=np.int64) if width else \
        np.zeros(n + 1, dtype=np.int64)
    return pa.Array.from_buffers(_B, n, [None, pa.py_buffer(offsets), pa.py_buffer(data)])


def _records(tag: int, payload: np.ndarray) -> pa.Array:
    """One fixed-width record per row: the type byte then ``payload``'s row bytes."""
    n = payload.shape[0]
    width = 1 + payload.dtype.itemsize * (payload.shape[1] if payload.ndim > 1 else 1)
    rec = np.empty((n, width), dtype=np.uint8)
    rec[:, 0] = tag
    rec[:, 1:] = np.ascontiguousarray(payload).view(np.uint8).reshape(n, width - 1)
    offsets = np.arange(0, width * n + 1, width, dtype=np.int64)
    return pa.Array.from_buffers(_B, n, [None, pa.py_buffer(offsets), pa.py_buffer(rec)])


def _join(*parts: pa.Array | bytes) -> pa.Array:
    """Row-wise concatenation of large-binary arrays (and constant byte strings)."""
    args = [pa.scalar(p, _B) if isinstance(p, bytes) else p for p in parts]
    return pc.binary_join_element_wise(*args, pa.scalar(b"", _B))


def _with_nulls(arr: pa.Array, encoded: pa.Array) -> pa.Array:
    if arr.null_count == 0:
        return encoded
    return pc.if_else(arr.is_valid(), encoded, pa.scalar(bytes([NULL]), _B))


def encode_values(arr: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Each value of ``arr`` as its ``GRAPH.BULK`` binary form (a large-binary array, no nulls).

    Types follow the column: strings → string, booleans → boolean, integers → integer,
    floats → double, lists → array (of their elements' forms), null → not set.
    """
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    t = arr.type
    n = len(arr)
    if pa.types.is_dictionary(t):
        return encode_values(arr.dictionary_decode())
    if pa.types.is_null(t):
        return _const(bytes([NULL]), n)
    if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t):
        out = _join(bytes([STRING]), arr.cast(pa.large_string()).cast(_B), b"\x00")
    elif pa.types.is_boolean(t):
        out = pc.if_else(arr.fill_null(False), pa.scalar(bytes([BOOL, 1]), _B),
                         pa.scalar(bytes([BOOL, 0]), _B))
    elif pa.types.is_integer(t):
        out = _records(LONG, arr.cast(pa.int64()).fill_null(0).to_numpy().astype("<i8"))
    elif pa.types.is_floating(t):
        out = _records(DOUBLE, arr.cast(pa.float64()).fill_null(0.0).to_numpy().astype("<f8"))
    elif pa.types.is_list(t) or pa.types.is_large_list(t) or pa.types.is_list_view(t):
        lengths = pc.list_value_length(arr).fill_null(0).to_numpy().astype(np.int64)
        inner = encode_values(pc.list_flatten(arr))
        offsets = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        grouped = pa.LargeListArray.from_arrays(pa.array(offsets), inner)
        body = pc.binary_join(grouped, pa.scalar(b"", _B))
        out = _join(_records(ARRAY, lengths.astype("<i8")), body)
    else:
        raise TypeError(f"GRAPH.BULK cannot store values of type {t}")
    return _with_nulls(arr, out)


def header(labels: str, props: Sequence[str]) -> bytes:
    """A token's header: labels (``A:B``) or relationship type, then the property names."""
    out = labels.encode() + b"\x00" + struct.pack("=I", len(props))
    return out + b"".join(p.encode() + b"\x00" for p in props)


def encode_rows(table: pa.Table, ends: tuple[np.ndarray, np.ndarray] | None = None
                ) -> pa.Array:
    """Each row of ``table`` as one entity's bytes: ``ends`` (src, dst internal ids) first for
    relationships, then every column's value in order."""
    parts: list[pa.Array] = []
    if ends is not None:
        src, dst = ends
        parts.append(pa.Array.from_buffers(
            _B, len(src), [None, pa.py_buffer(np.arange(0, 16 * len(src) + 1, 16,
                                                         dtype=np.int64)),
                           pa.py_buffer(np.column_stack([src, dst]).astype("<u8").tobytes())]))
    parts += [encode_values(table.column(i)) for i in range(table.num_columns)]
    if not parts:
        return _const(b"", table.num_rows)
    return parts[0] if len(parts) == 1 else _join(*parts)


def tokens(head: bytes, rows: pa.Array, max_bytes: int = MAX_TOKEN_BYTES
           ) -> Iterator[tuple[int, bytes]]:
    """Split encoded ``rows`` into tokens of at most ``max_bytes``: ``(entity count, token)``."""
    n = len(rows)
    if n == 0:
        return
    buffers = rows.buffers()
    offsets = np.frombuffer(buffers[1], dtype=np.int64)[rows.offset: rows.offset + n + 1]
    data = memoryview(buffers[2]) if buffers[2] is not None else memoryview(b"")
    budget = max(max_bytes - len(head), 1)
    start = 0
    while start < n:
        # the last row that still fits (at least one row per token)
        end = int(np.searchsorted(offsets, offsets[start] + budget, side="right")) - 1
        end = min(max(end, start + 1), n)
        yield end - start, head + data[offsets[start]: offsets[end]].tobytes()
        start = end


def bulk_send(conn: Any, key: str, node_tokens: Sequence[tuple[int, bytes]] = (),
              rel_tokens: Sequence[tuple[int, bytes]] = (), *, begin: bool = False,
              max_bytes: int = MAX_TOKEN_BYTES) -> tuple[int, int]:
    """Send tokens to ``key`` in as few ``GRAPH.BULK`` calls as fit ``max_bytes`` each (nodes
    before relationships); returns the nodes and relationships created."""
    made = [0, 0]
    batch: list[tuple[int, bytes, bool]] = []
    size = 0

    def flush() -> None:
        nonlocal batch, size, begin
        if not batch:
            return
        nodes = [t for t in batch if t[2]]
        rels = [t for t in batch if not t[2]]
        args: list[Any] = ["BEGIN"] if begin else []
        args += [sum(c for c, _, _ in nodes), sum(c for c, _, _ in rels), len(nodes), len(rels)]
        args += [t for _, t, _ in nodes] + [t for _, t, _ in rels]
        conn.execute_command("GRAPH.BULK", key, *args)
        made[0] += sum(c for c, _, _ in nodes)
        made[1] += sum(c for c, _, _ in rels)
        begin = False
        batch, size = [], 0

    for is_node, seq in ((True, node_tokens), (False, rel_tokens)):
        for count, tok in seq:
            if batch and size + len(tok) > max_bytes:
                flush()
            batch.append((count, tok, is_node))
            size += len(tok)
        if is_node:
            flush()  # nodes first: a relationship may point at any of them
    flush()
    return made[0], made[1]
