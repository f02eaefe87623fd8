"""The explorer on an empty store (the seeds were not loaded at start, e.g. the source documents
were not found) says so and what to do, instead of showing an empty page."""

from __future__ import annotations

import os

import pytest

from chainatlas.viz.testing import CHROMIUM, CHROMIUM_ARGS, serve

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM),
                       reason=f"{CHROMIUM} is absent: install Debian's chromium "
                              "(scripts/system-deps.sh test) to run the browser tests"),
]


def test_empty_store_home_says_what_to_do(tmp_path):
    from chainatlas.graph.falkor import FalkorStore

    sync = pytest.importorskip("playwright.sync_api")
    store = FalkorStore(tmp_path / "db")
    try:
        assert store.is_empty()
        with serve(store) as url, sync.sync_playwright() as p:
            b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = b.new_page()
            page.goto(url + "/")
            note = page.wait_for_selector("#empty-note", timeout=15_000)
            text = note.inner_text()
            assert "图谱为空" in text and "The graph is empty" in text
            assert "CHAINATLAS_SOURCES_DIR" in text and "chainatlas load" in text
            b.close()
    finally:
        store.close()
