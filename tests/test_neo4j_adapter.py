"""The Neo4j adapter without a Neo4j server: its DDL and its error when none answers.

The full contract against a live Neo4j runs in tests/test_contract.py when NEO4J_URI is set.
"""

from __future__ import annotations

import re
import socket

import pytest

from chainatlas.graph.model import ALL_LABELS
from chainatlas.graph.neo4j_store import Neo4jStore, schema_statements
from chainatlas.graph.store import StoreUnavailable


def test_schema_is_named_idempotent_and_cjk() -> None:
    stmts = schema_statements()
    assert all(" IF NOT EXISTS " in s for s in stmts)
    names = [re.match(r"CREATE (?:CONSTRAINT|INDEX|FULLTEXT INDEX) (\w+) ", s).group(1)
             for s in stmts]
    assert len(set(names)) == len(names)  # every constraint and index has its own name
    assert any("REQUIRE n.id IS UNIQUE" in s for s in stmts)
    assert sum("ON (n.name)" in s for s in stmts) == len(ALL_LABELS) + 1
    assert any("FULLTEXT" in s and "'cjk'" in s for s in stmts)


def test_unreachable_server_says_what_to_do() -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(StoreUnavailable, match="NEO4J_URI"):
        Neo4jStore(f"bolt://127.0.0.1:{port}", "neo4j", "secret")
