"""Helpers for the viz, brief and browser tests: a loaded scratch store and a live server.

Not used by the application itself.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

from chainatlas.graph.store import GraphStore

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


def load_store(data_dir: Path, seeds: Path | None = None) -> tuple[GraphStore, str]:
    """Open an embedded store in ``data_dir`` loaded with ``seeds``.

    With ``seeds=None`` the project's seeds are tried first and the small sample set of
    :mod:`chainatlas.viz.sample` is used when they do not load (e.g. while being edited).
    Returns the store and which seeds were loaded.
    """
    from chainatlas.graph.falkor import FalkorStore
    from chainatlas.loaders.load import load
    from chainatlas.settings import get_settings
    from chainatlas.viz.sample import write_sample_seeds

    store = FalkorStore(data_dir)
    if seeds is not None:
        load(seeds, store)
        return store, str(seeds)
    try:
        load(get_settings().seeds_dir, store)
        if store.read("MATCH (n:Node {id: 'byd'}) RETURN n.id AS id"):
            return store, "project seeds"
    except Exception:  # the seeds are being edited: use the sample
        pass
    load(write_sample_seeds(data_dir.parent / "sample-seeds"), store)
    return store, "sample seeds"


def build_app(store: GraphStore):
    """The real app on ``store``, with the viz and explorer routers mounted once."""
    from chainatlas.api.app import create_app
    from chainatlas.api.routes import ROUTERS, explorer, viz
    from chainatlas.settings import Settings

    app = create_app(Settings(load_on_start=False), store=store)
    for router in (viz.router, explorer.router):
        if router not in ROUTERS:
            app.include_router(router)
    return app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve(store: GraphStore) -> Iterator[str]:
    """Run the app with uvicorn in a background thread; yields its base URL."""
    import uvicorn

    port = free_port()
    from chainatlas.api.http11 import Utf8TargetH11Protocol

    server = uvicorn.Server(uvicorn.Config(build_app(store), host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="on",
                                           http=Utf8TargetH11Protocol))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


class ExternalRefs(HTMLParser):
    """Collects ``src``/``href`` of ``script`` and ``link`` tags that point off the machine."""

    def __init__(self) -> None:
        super().__init__()
        self.external: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ("script", "link"):
            return
        self.scripts += tag == "script"
        for name, value in attrs:
            if name in ("src", "href") and value and (
                    value.lower().startswith(("http:", "https:", "//"))):
                self.external.append(value)


def external_refs(html: str) -> ExternalRefs:
    """Parse ``html`` and return what its script and link tags load from elsewhere."""
    p = ExternalRefs()
    p.feed(html)
    return p
