"""Bounded rendering: pictures and briefing packs never starve the rest of the API.

Drawing a chain map or a briefing pack takes a second or more of CPU (and matplotlib is
serialised by a process-wide lock), so an unauthenticated client asking for ``map.png`` in a
loop could tie up every worker thread. :class:`RenderGate` is an ASGI middleware in front of
the render routes (``/viz/….html|svg|png`` and ``/briefs/….zip``):

* a **cache** keyed by (path, query, graph version) answers a picture that was already drawn
  for the current graph at once — the same map is asked for again and again;
* at most ``slots`` render requests are in progress (``workers`` drawing, the rest waiting
  for the drawing lock); one more is answered at once with **503 problem+json and
  ``Retry-After``** instead of queueing without bound;
* everything else (``/health``, ``/search``, …) never waits for a render slot.

>>> RenderGate.is_render_path("/viz/chains/auto/map.png"), RenderGate.is_render_path("/health")
(True, False)
"""

from __future__ import annotations

import json
import re
import threading
from collections import OrderedDict
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.concurrency import run_in_threadpool

from chainatlas.graph.store import StoreError

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_RENDER = re.compile(r"^/(viz/.+\.(html|svg|png)|briefs/[^/]+\.zip)$")
RETRY_AFTER = 2


class RenderCache:
    """A small LRU of finished responses, bounded by entries and bytes.

    >>> c = RenderCache(entries=2, max_bytes=100)
    >>> c.put("a", (200, [], b"x" * 10)); c.put("b", (200, [], b"y")); c.put("c", (200, [], b"z"))
    >>> c.get("a") is None, c.get("c")[2]
    (True, b'z')
    """

    def __init__(self, entries: int = 64, max_bytes: int = 64 * 2**20) -> None:
        self.entries, self.max_bytes = entries, max_bytes
        self._data: OrderedDict[Any, tuple[int, list[tuple[bytes, bytes]], bytes]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: Any) -> tuple[int, list[tuple[bytes, bytes]], bytes] | None:
        with self._lock:
            hit = self._data.get(key)
            if hit is not None:
                self._data.move_to_end(key)
            return hit

    def put(self, key: Any, value: tuple[int, list[tuple[bytes, bytes]], bytes]) -> None:
        size = len(value[2])
        if size > self.max_bytes // 4:
            return
        with self._lock:
            if key in self._data:
                self._bytes -= len(self._data.pop(key)[2])
            self._data[key] = value
            self._bytes += size
            while len(self._data) > self.entries or self._bytes > self.max_bytes:
                _, old = self._data.popitem(last=False)
                self._bytes -= len(old[2])


class RenderGate:
    """ASGI middleware: cache and bound the render routes (see the module docstring)."""

    def __init__(self, app: ASGIApp, slots: int = 4, cache: RenderCache | None = None) -> None:
        self.app = app
        self.slots = slots
        self.in_progress = 0
        self._count = threading.Lock()
        self.cache = cache or RenderCache()

    @staticmethod
    def is_render_path(path: str) -> bool:
        return bool(_RENDER.match(path))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") != "GET" \
                or not self.is_render_path(scope.get("path", "")):
            await self.app(scope, receive, send)
            return
        key = await self._key(scope)
        if key is not None:
            hit = self.cache.get(key)
            if hit is not None:
                await _send(send, *hit, cached=True)
                return
        with self._count:
            busy = self.in_progress >= self.slots
            if not busy:
                self.in_progress += 1
        if busy:
            await _busy(scope, send)
            return
        try:
            captured: dict[str, Any] = {"body": b""}

            async def capture(message: Message) -> None:
                if message["type"] == "http.response.start":
                    captured["status"] = message["status"]
                    captured["headers"] = list(message.get("headers", []))
                elif message["type"] == "http.response.body":
                    captured["body"] += message.get("body", b"")
                await send(message)

            await self.app(scope, receive, capture)
            if key is not None and captured.get("status") == 200:
                self.cache.put(key, (200, captured["headers"], captured["body"]))
        finally:
            with self._count:
                self.in_progress -= 1

    @staticmethod
    async def _key(scope: Scope) -> tuple[str, bytes, str] | None:
        app = scope.get("app")
        store = getattr(getattr(app, "state", None), "store", None)
        if store is None:
            return None
        try:
            version = await run_in_threadpool(store.version)
        except StoreError:
            return None  # the route itself will answer (e.g. 503 when the store is down)
        if version is None:
            return None
        return scope["path"], scope.get("query_string", b""), version


async def _send(send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes,
                cached: bool = False) -> None:
    extra = [(b"x-render-cache", b"hit")] if cached else []
    await send({"type": "http.response.start", "status": status, "headers": headers + extra})
    await send({"type": "http.response.body", "body": body})


async def _busy(scope: Scope, send: Send) -> None:
    body = json.dumps({
        "type": "about:blank", "title": "Too many pictures being drawn", "status": 503,
        "detail": "绘图繁忙 Every drawing slot is in use; try again in a few seconds (cached "
                  "pictures are answered at once).",
        "instance": scope.get("path", ""),
    }).encode()
    await send({"type": "http.response.start", "status": 503, "headers": [
        (b"content-type", b"application/problem+json"),
        (b"content-length", str(len(body)).encode()),
        (b"retry-after", str(RETRY_AFTER).encode())]})
    await send({"type": "http.response.body", "body": body})
