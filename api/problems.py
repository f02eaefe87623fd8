"""RFC 9457 problem details (``application/problem+json``) for every error the API returns."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from chainatlas.graph.store import (
    QueryRejected,
    QueryTimeout,
    StoreBusy,
    StoreError,
    StoreUnavailable,
)

PROBLEM = "application/problem+json"


class Problem(Exception):
    """Raise from a route to answer with a problem document."""

    def __init__(self, status: int, title: str, detail: str = "",
                 headers: dict[str, str] | None = None, **extra: Any) -> None:
        super().__init__(detail or title)
        self.status, self.title, self.detail, self.extra = status, title, detail, extra
        self.headers = headers


class NotFound(Problem):
    def __init__(self, what: str, key: str, suggestions: list[dict[str, Any]] | None = None):
        super().__init__(404, f"{what} not found",
                         f"No {what} matches {key!r}. Try /search?q=... or one of the suggestions.",
                         suggestions=suggestions or [])


def problem_response(request: Request, status: int, title: str, detail: str = "",
                     headers: dict[str, str] | None = None, **extra: Any) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail,
            "instance": str(request.url.path)[:300], **extra}
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


RETRY_AFTER = {"Retry-After": "2"}


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
NO_CONTROL_PATTERN = "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f]*$"
"""The OpenAPI ``pattern`` of every string parameter: the control characters the API refuses
(so the schema says what is answered with 422)."""


def install(app: FastAPI) -> None:
    """Register the handlers that turn every error into problem+json."""

    @app.middleware("http")
    async def _no_control_chars(request: Request, call_next):
        # NUL and other control characters in the path or query string never name anything
        # and break the stores' parameter encoding: refuse them up front.
        for where, text in (("path", request.url.path), ("query", request.url.query)):
            if _CONTROL.search(unquote(text)):
                return problem_response(
                    request, 422, "Invalid parameter",
                    f"Control characters are not allowed in the {where}.",
                    errors=[{"parameter": where, "in": where, "message": "control character"}])
        return await call_next(request)

    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem):
        return problem_response(request, exc.status, exc.title, exc.detail,
                                headers=exc.headers, **exc.extra)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        errors = [
            {"parameter": ".".join(str(x) for x in e["loc"][1:]) or str(e["loc"][0]),
             "in": str(e["loc"][0]), "message": e["msg"]}
            for e in exc.errors()
        ]
        names = ", ".join(e["parameter"] for e in errors)
        return problem_response(request, 422, "Invalid parameter",
                                f"Check the parameter(s): {names}", errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        # keep the handler's headers: 405 carries Allow
        return problem_response(request, exc.status_code, str(exc.detail), "",
                                headers=getattr(exc, "headers", None))

    @app.exception_handler(StoreUnavailable)
    async def _down(request: Request, exc: StoreUnavailable):
        # the embedded store restarts itself meanwhile (FalkorStore.revive): ask to retry
        title = "Graph store busy" if isinstance(exc, StoreBusy) else "Graph store unavailable"
        return problem_response(request, 503, title, str(exc), headers=RETRY_AFTER)

    @app.exception_handler(QueryTimeout)
    async def _timeout(request: Request, exc: QueryTimeout):
        return problem_response(request, 504, "Query timed out",
                                f"{exc} Narrow the query (smaller depth or limit).")

    @app.exception_handler(QueryRejected)
    async def _rejected(request: Request, exc: QueryRejected):
        return problem_response(request, 400, "Query rejected", str(exc))

    @app.exception_handler(StoreError)
    async def _store(request: Request, exc: StoreError):
        return problem_response(request, 500, "Graph store error", str(exc))
