"""Response models of the API that are not query results, and the documented error shape."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from chainatlas.queries.console import ConsoleRequest, ConsoleResult

__all__ = ["PROBLEMS", "ConsoleRequest", "ConsoleResult", "ProblemDetail"]


class ProblemDetail(BaseModel):
    """RFC 9457 problem details, as every error of the API is returned."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str = ""
    instance: str | None = None
    suggestions: list[dict[str, Any]] | None = Field(None, description="for 404: did you mean")
    errors: list[dict[str, Any]] | None = Field(None, description="for 422: which parameters")


def _p(description: str) -> dict[str, Any]:
    return {"model": ProblemDetail, "description": description,
            "content": {"application/problem+json": {}}}


PROBLEMS: dict[int | str, dict[str, Any]] = {
    404: _p("Unknown id, name or alias (with suggestions)"),
    422: _p("Invalid parameter (named in `errors`)"),
    503: _p("Graph store unavailable"),
    504: _p("Query timed out"),
}
"""The error responses every resource route documents."""
