"""RFC 9457 problem details (``application/problem+json``) for every error the API returns."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from chainatlas.graph.model import NODE_KINDS
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


_WHAT_ZH = {k: v.zh for k, v in NODE_KINDS.items()} | {
    "node": "节点", "static file": "文件", "document": "文件", "picture": "图片"}

TITLE_ZH = {
    "Invalid parameter": "参数无效",
    "Not Found": "未找到",
    "Method Not Allowed": "不支持该请求方法",
    "Console disabled": "查询控制台未开启",
    "Console has no API key": "查询控制台未设置 API 密钥",
    "API key required": "需要 API 密钥",
    "No CJK font installed": "未安装中文字体",
    "Graph store busy": "图谱存储繁忙，请稍后重试",
    "Graph store unavailable": "图谱存储暂不可用，请稍后重试",
    "Query timed out": "查询超时",
    "Query rejected": "查询被拒绝",
    "Graph store error": "图谱存储出错",
}
"""Chinese for the English problem titles: every title is said in Chinese first."""


def bilingual_title(title: str) -> str:
    """The problem title in Chinese, then English (titles already in Chinese are kept).

    >>> bilingual_title("Invalid parameter")
    '参数无效 Invalid parameter'
    >>> bilingual_title("enterprise not found")
    '未找到企业 enterprise not found'
    >>> bilingual_title("参数无效 Invalid parameter")
    '参数无效 Invalid parameter'
    """
    if re.search(r"[\u4e00-\u9fff]", title):
        return title
    if title in TITLE_ZH:
        return f"{TITLE_ZH[title]} {title}"
    if title.endswith(" not found"):
        what = title.removesuffix(" not found")
        return f"未找到{_WHAT_ZH.get(what, '')} {title}"
    return title


class NotFound(Problem):
    def __init__(self, what: str, key: str, suggestions: list[dict[str, Any]] | None = None):
        zh = _WHAT_ZH.get(what, "")
        super().__init__(404, f"{what} not found",
                         f"没有名为“{key}”的{zh or '对象'}，"
                         "请用 /search?q=… 搜索或参考 suggestions。"
                         f"No {what} matches {key!r}. Try /search?q=... or one of the suggestions.",
                         suggestions=suggestions or [])


def problem_response(request: Request, status: int, title: str, detail: str = "",
                     headers: dict[str, str] | None = None, **extra: Any) -> JSONResponse:
    body = {"type": "about:blank", "title": bilingual_title(title), "status": status,
            "detail": detail, "instance": str(request.url.path)[:300], **extra}
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
                                f"请检查参数：{names}。Check the parameter(s): {names}",
                                errors=errors)

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
