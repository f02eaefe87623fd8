"""Cypher builders for writes and schema: small pure functions, one text per purpose.

Labels and relationship types are checked against the model before they enter a query text;
values always travel as parameters.

>>> print(merge_nodes("Enterprise"))  # doctest: +NORMALIZE_WHITESPACE
UNWIND $rows AS row MERGE (n:Node:Enterprise {id: row.id}) SET n += row.props
SET n.basis = coalesce(n.basis, 'stated')
>>> print(merge_rels("IN_CHAIN"))  # doctest: +NORMALIZE_WHITESPACE
UNWIND $rows AS row MATCH (a:Node {id: row.src}) MATCH (b:Node {id: row.dst})
MERGE (a)-[r:IN_CHAIN]->(b) SET r += row.props
>>> merge_nodes("Robert'); DROP")
Traceback (most recent call last):
...
ValueError: unknown label: "Robert'); DROP"
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TypeVar

from chainatlas.graph.doc_firms import doc_firm_statements
from chainatlas.graph.model import ALL_LABELS, BASE_LABEL, REL_TYPES
from chainatlas.graph.tallies import tally_statements

T = TypeVar("T")


def check_label(label: str) -> str:
    """Return ``label`` if it is a model label, else raise ``ValueError``."""
    if label not in ALL_LABELS and label != BASE_LABEL:
        raise ValueError(f"unknown label: {label!r}")
    return label


def check_rel_type(rel_type: str) -> str:
    """Return ``rel_type`` if it is a model relationship type, else raise ``ValueError``."""
    if rel_type not in REL_TYPES:
        raise ValueError(f"unknown relationship type: {rel_type!r}")
    return rel_type


def merge_nodes(label: str) -> str:
    """``UNWIND $rows`` upsert of nodes of one label; rows are ``{id, props}``. A node written
    without ``basis`` gets ``stated`` (the fact-basis contract: every node has one; search and
    the gap counts find the document graph through the ``Node.basis`` index)."""
    return (
        f"UNWIND $rows AS row MERGE (n:{BASE_LABEL}:{check_label(label)} {{id: row.id}}) "
        "SET n += row.props SET n.basis = coalesce(n.basis, 'stated')"
    )


def merge_rels(rel_type: str) -> str:
    """``UNWIND $rows`` upsert of relationships of one type; rows are ``{src, dst, props}``."""
    return (
        f"UNWIND $rows AS row MATCH (a:{BASE_LABEL} {{id: row.src}}) "
        f"MATCH (b:{BASE_LABEL} {{id: row.dst}}) "
        f"MERGE (a)-[r:{check_rel_type(rel_type)}]->(b) SET r += row.props"
    )


def count_nodes_by_label() -> str:
    """Counts of nodes per kind label (the base label excluded).

    >>> 'labels(n)' in count_nodes_by_label()
    True
    """
    return (
        f"MATCH (n:{BASE_LABEL}) UNWIND labels(n) AS label "
        f"WITH label WHERE label <> '{BASE_LABEL}' "
        "RETURN label, count(*) AS count ORDER BY label"
    )


def count_rels_by_type() -> str:
    """Counts of relationships per type."""
    return "MATCH ()-[r]->() RETURN type(r) AS type, count(r) AS count ORDER BY type"


DELETE_ALL = "MATCH (n) DETACH DELETE n"


def batched(rows: Sequence[T] | Iterable[T], size: int) -> Iterator[list[T]]:
    """Split ``rows`` into lists of at most ``size`` items.

    >>> list(batched([1, 2, 3, 4, 5], 2))
    [[1, 2], [3, 4], [5]]
    >>> list(batched([], 3))
    []
    """
    if size < 1:
        raise ValueError("batch size must be at least 1")
    batch: list[T] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def write_plan(
    nodes: dict[str, list[dict[str, Any]]],
    rels: dict[str, list[dict[str, Any]]],
    batch_size: int,
) -> list[tuple[str, list[dict[str, Any]]]]:
    """All ``(cypher, rows)`` writes for a graph: nodes first, then relationships, then the
    derived properties (registry tallies when registry firms are loaded; every place's
    document firms, :mod:`chainatlas.graph.doc_firms`).

    >>> plan = write_plan({"Chain": [{"id": "a", "props": {}}]}, {}, 10)
    >>> plan[0][0].startswith("UNWIND $rows AS row MERGE (n:Node:Chain")
    True
    """
    plan: list[tuple[str, list[dict[str, Any]]]] = []
    for label in sorted(nodes):
        plan += [(merge_nodes(label), b) for b in batched(nodes[label], batch_size)]
    for rel_type in sorted(rels):
        plan += [(merge_rels(rel_type), b) for b in batched(rels[rel_type], batch_size)]
    if any((n.get("props") or {}).get("basis") == "registry"
           for rows in nodes.values() for n in rows):
        plan += tally_statements()  # registry firms loaded: tally them as an import does
    return plan + doc_firm_statements()  # each place's document firms (related enterprises)
