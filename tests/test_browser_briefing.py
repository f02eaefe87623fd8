"""The explorer as a new user meets it, in real headless Chromium (Debian's, via playwright)
with every request off the loopback interface refused: /docs and /redoc, a chain page, a key
chain with no segments, an unknown enterprise, an enterprise's lineage, a district page."""

from __future__ import annotations

from urllib.parse import quote, urlparse

import pytest

from chainatlas.viz.testing import CHROMIUM, CHROMIUM_ARGS, load_store, serve

pytestmark = pytest.mark.browser  # skipped without chromium (conftest)


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    store, _ = load_store(tmp_path_factory.mktemp("briefing") / "db")
    with serve(store) as url:
        yield url
    store.close()


@pytest.fixture(scope="module")
def browser():
    sync = pytest.importorskip("playwright.sync_api")
    with sync.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=[
            *CHROMIUM_ARGS, "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"])
        yield b
        b.close()


class Offline:
    """A page whose requests off 127.0.0.1 are refused (and recorded), with its errors."""

    def __init__(self, browser):
        self.page = browser.new_page(viewport={"width": 1400, "height": 900})
        self.blocked: list[str] = []
        self.errors: list[str] = []

        def route(r):
            u = urlparse(r.request.url)
            if u.scheme in ("data", "blob", "about") or u.hostname == "127.0.0.1":
                r.continue_()
            else:
                self.blocked.append(r.request.url)
                r.abort()

        self.page.route("**/*", route)
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def close(self) -> None:
        self.page.close()


def test_docs_and_redoc_work_offline_from_the_api_link(base_url, browser):
    o = Offline(browser)
    page = o.page
    page.goto(base_url + "/")
    page.click("header a.api")
    page.wait_for_url(base_url + "/docs", timeout=10_000)
    page.wait_for_selector(".swagger-ui .opblock-summary", timeout=30_000)
    assert page.locator(".swagger-ui .opblock").count() > 20
    page.goto(base_url + "/redoc")
    page.wait_for_selector("h1:has-text('ChainAtlas')", timeout=30_000)
    assert page.locator("[role=menuitem], li[data-item-id]").count() > 10
    assert o.blocked == [], o.blocked
    o.close()


def test_chain_page(base_url, browser):
    o = Offline(browser)
    page = o.page
    page.goto(base_url + "/#/chain/integrated-circuits")
    page.wait_for_selector("#gaps tbody tr", timeout=20_000)
    page.wait_for_selector("main .view canvas", timeout=15_000)
    assert page.locator("main h1").inner_text().startswith("集成电路产业链")
    # the documents say the chain is whole here: every segment is covered, none a gap
    assert page.locator("#gaps td.status.covered").count() >= 4
    assert page.locator("#gaps td.status.gap, #gaps td.status.unknown").count() == 0
    assert o.errors == [] and o.blocked == [], (o.errors, o.blocked)
    o.close()


def test_key_chain_without_segments_says_what_it_is(base_url, browser):
    o = Offline(browser)
    page = o.page
    page.goto(base_url + "/#/chain/energy-storage")
    page.wait_for_selector("#no-segments", timeout=20_000)
    text = page.locator("main").inner_text()
    assert "0 个环节" not in text and page.locator("#gaps").count() == 0
    assert "新能源装备" in page.locator("#no-segments").inner_text()
    page.locator("#no-segments a").click()
    page.wait_for_selector("#gaps tbody tr", timeout=20_000)
    assert "new-energy-equipment" in page.url
    assert o.errors == [] and o.blocked == [], (o.errors, o.blocked)
    o.close()


def test_unknown_enterprise_one_plain_error_with_a_suggestion(base_url, browser):
    o = Offline(browser)
    page = o.page
    page.goto(base_url + "/#/enterprise/" + quote("比亚迪汽车"))
    page.wait_for_selector("main .error", timeout=20_000)
    page.wait_for_timeout(800)  # anything else that would add a second error has run
    errors = page.locator("main .error")
    assert errors.count() == 1
    msg = errors.inner_text()
    assert "没有找到" in msg and "No enterprise" in msg and "/search" not in msg
    assert page.locator("main .suggestions a", has_text="比亚迪").count() >= 1
    page.locator("main .searchhint a").click()
    page.wait_for_selector("#suggest li[role=option]", timeout=10_000)
    o.close()  # console errors are expected here: the 404 itself


def test_enterprise_page_shows_the_lineage(base_url, browser):
    o = Offline(browser)
    page = o.page
    page.goto(base_url + "/#/enterprise/catl")
    page.wait_for_selector("#lineage li", timeout=20_000)
    assert "汽车 › 动力电池" in page.locator("#lineage").inner_text()
    assert o.errors == [] and o.blocked == [], (o.errors, o.blocked)
    o.close()


def test_district_page(base_url, browser):
    o = Offline(browser)
    page = o.page
    page.goto(base_url + "/#/district/" + quote("市中区"))
    page.wait_for_selector("main h1:has-text('市中区')", timeout=20_000)
    page.wait_for_selector("#district-chains tbody tr", timeout=15_000)
    assert o.errors == [] and o.blocked == [], (o.errors, o.blocked)
    o.close()


def test_downloaded_map_legend_covers_no_node(base_url, browser):
    """The stand-alone map (download, briefing pack): the legend is a strip under the picture,
    so no actor or segment box is hidden behind it (it used to float over the 全链 row)."""
    o = Offline(browser)
    page = o.page
    for chain in ("new-energy-equipment", "automobile"):
        page.goto(f"{base_url}/viz/chains/{chain}/map.html")
        page.wait_for_function("window.chainatlasNetwork && "
                               "Object.keys(window.chainatlasNetwork.getPositions()).length")
        page.wait_for_timeout(300)  # the first draw fits the view
        legend = page.locator("#legend").bounding_box()
        boxes = page.evaluate("""() => {
            const n = window.chainatlasNetwork, g = document.getElementById('graph');
            const r = g.getBoundingClientRect();
            return n.body.nodeIndices.map(id => {
                const b = n.getBoundingBox(id);
                const a = n.canvasToDOM({x: b.left, y: b.top});
                const z = n.canvasToDOM({x: b.right, y: b.bottom});
                return {id, top: a.y + r.top, bottom: z.y + r.top, left: a.x + r.left,
                        right: z.x + r.left};
            });
        }""")
        assert legend and boxes, chain
        covered = [b["id"] for b in boxes
                   if b["bottom"] > legend["y"] and b["top"] < legend["y"] + legend["height"]
                   and b["right"] > legend["x"] and b["left"] < legend["x"] + legend["width"]]
        assert covered == [], (chain, covered)
        assert "图例" in page.inner_text("#legend")
    assert not o.errors, o.errors
    o.close()
