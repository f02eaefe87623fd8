"""Property-based run over the OpenAPI spec: no input makes the API answer with a 5xx.

Schemathesis generates requests for every operation from the spec and calls the real app
(ASGI, on the real embedded store with the seeds); ``not_a_server_error`` fails on any 5xx.
One test per operation, each bounded by ``max_examples``.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from chainatlas.api.app import create_app
from chainatlas.settings import Settings

SETTINGS = Settings(load_on_start=False, cypher_console=True, api_key="test-key")
OPERATIONS = [(path, method.upper())
              for path, item in create_app(SETTINGS).openapi()["paths"].items()
              for method in item]


@pytest.fixture(scope="module")
def api_schema(seed_store: Any) -> Any:
    app = create_app(SETTINGS, store=seed_store)
    app.state.store = seed_store  # what the lifespan sets
    return schemathesis.openapi.from_asgi("/openapi.json", app)


@pytest.mark.parametrize("path,method", OPERATIONS, ids=[f"{m} {p}" for p, m in OPERATIONS])
def test_no_server_error(api_schema: Any, path: str, method: str) -> None:
    operation = api_schema[path][method]

    @given(case=operation.as_strategy())
    @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck),
              database=None)
    def run(case: Any) -> None:
        if path == "/cypher":
            case.headers = {**(case.headers or {}), "X-API-Key": "test-key"}
        case.call_and_validate(checks=[not_a_server_error])

    run()
