"""``POST /cypher``: a read-only Cypher console for analysts (off unless enabled, API key)."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Header

from chainatlas.api.deps import SettingsDep, StoreDep
from chainatlas.api.models import PROBLEMS, ProblemDetail
from chainatlas.api.problems import Problem
from chainatlas.queries.console import ConsoleRequest, ConsoleResult, run_console

_P = {"model": ProblemDetail, "content": {"application/problem+json": {}}}
router = APIRouter(tags=["console"], responses={
    400: {**_P, "description": "Query rejected (write, schema, multi-statement, invalid)"},
    401: {**_P, "description": "Missing or wrong X-API-Key"},
    403: {**_P, "description": "Console enabled without an API key configured"},
    404: {**_P, "description": "Console disabled"},
    **{k: PROBLEMS[k] for k in (422, 503, 504)},
})


@router.post("/cypher", response_model=ConsoleResult, operation_id="run_cypher")
def run_cypher(
    body: ConsoleRequest, store: StoreDep, settings: SettingsDep,
    x_api_key: Annotated[str | None, Header(alias="X-API-Key")] = None,
) -> ConsoleResult:
    """Run one read-only Cypher statement with parameters (timeout and row cap apply)."""
    if not settings.cypher_console:
        raise Problem(404, "Console disabled",
                      "The Cypher console is off; set CHAINATLAS_CYPHER_CONSOLE=true to enable it.")
    if settings.api_key is None or not settings.api_key.get_secret_value():
        raise Problem(403, "Console has no API key",
                      "Set CHAINATLAS_API_KEY: the console never runs without a key.")
    expected = settings.api_key.get_secret_value().encode()
    if x_api_key is None or not secrets.compare_digest(x_api_key.encode(), expected):
        raise Problem(401, "API key required", "Send the API key in the X-API-Key header.")
    return run_console(store, body.query, body.params, row_cap=settings.cypher_row_cap,
                       timeout_ms=settings.cypher_timeout_ms)
