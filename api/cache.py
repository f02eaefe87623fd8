"""Answers that depend only on the graph's content, kept until the graph changes.

The chain list, the gap overview (the explorer's home) and a chain's gap report read every
chain or every segment of a chain; at a million registry firms they cost from a hundred
milliseconds to seconds, and the explorer asks for the chain list on every page. Their answers
change only when a load or an import replaces the graph, and both bump the store's version
token (:meth:`chainatlas.graph.store.GraphStore.version`, one key read): the cache keys on it,
so another process's import is seen at the next request. A store without a version token
(Neo4j) is never cached. One cache per app, a bounded LRU.

>>> class Store:
...     graph_name, token = "g", "1"
...     def version(self): return self.token
>>> cache, store, calls = GraphCache(), Store(), []
>>> compute = lambda: calls.append(1) or len(calls)
>>> cache.get(store, ("chains",), compute), cache.get(store, ("chains",), compute)
(1, 1)
>>> store.token = "2"  # a load or an import replaced the graph
>>> cache.get(store, ("chains",), compute)
2
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")


class GraphCache:
    """A bounded LRU of answers keyed by (store, graph, version, key)."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, store: Any, key: Hashable, compute: Callable[[], T]) -> T:
        """The cached answer for ``key`` on the store's current graph, else ``compute()``
        (kept only when it returns: a timeout or an error is never cached)."""
        version = store.version()
        if version is None:
            return compute()
        full = (id(store), getattr(store, "graph_name", None), version, key)
        with self._lock:
            if full in self._items:
                self._items.move_to_end(full)
                return self._items[full]  # type: ignore[no-any-return]
        value = compute()
        with self._lock:
            self._items[full] = value
            self._items.move_to_end(full)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
