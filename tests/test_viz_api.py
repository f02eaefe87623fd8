"""The /viz and /briefs routes and the explorer's files, on the real app and embedded store."""

from __future__ import annotations

import io
import zipfile
from importlib import resources
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from chainatlas.viz.sample import write_sample_seeds
from chainatlas.viz.testing import build_app, external_refs, load_store


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    root = tmp_path_factory.mktemp("vizapi")
    store, _ = load_store(root / "db", write_sample_seeds(root / "seeds"))
    with TestClient(build_app(store)) as c:
        yield c
    store.close()


@pytest.mark.parametrize("path,media", [
    ("/viz/neighbourhood/byd.html", "text/html"),
    ("/viz/neighbourhood/byd.svg?depth=2", "image/svg+xml"),
    ("/viz/neighbourhood/byd.png?kinds=enterprise,segment&max_nodes=20", "image/png"),
    (f"/viz/neighbourhood/{quote('重汽')}.html", "text/html"),
    ("/viz/chains/integrated-circuits/map.html", "text/html"),
    (f"/viz/chains/{quote('集成电路')}/map.svg", "image/svg+xml"),
    ("/viz/chains/automobile/map.png", "image/png"),
])
def test_pictures(client, path, media):
    r = client.get(path)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith(media)
    if media == "image/png":
        assert r.content[:8] == b"\x89PNG\r\n\x1a\n"
    if media == "text/html":
        assert external_refs(r.text).external == []
        assert "<script>alert(1)</script>" not in r.text


def test_download_header(client):
    r = client.get("/viz/chains/automobile/map.png?download=true")
    assert r.headers["content-disposition"].startswith("attachment")


def test_not_found_is_problem_json_with_suggestions(client):
    r = client.get(f"/viz/chains/{quote('集成')}/map.png")
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    assert body["status"] == 404 and body["suggestions"][0]["id"] == "integrated-circuits"


def test_bad_parameters_are_422(client):
    for path in ("/viz/neighbourhood/byd.html?kinds=bogus", "/viz/neighbourhood/byd.png?depth=9"):
        r = client.get(path)
        assert r.status_code == 422, path
        assert r.headers["content-type"].startswith("application/problem+json")


def test_brief_zip(client):
    r = client.get(f"/briefs/{quote('集成电路')}.zip")
    assert r.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(r.content)).namelist()
    for suffix in ("-map.html", "-map.svg", "-map.png", "-gaps.csv", "-actors.csv", ".xlsx",
                   "-brief.pptx"):
        assert any(n.endswith(suffix) for n in names), suffix


def test_json_for_the_explorer(client):
    d = client.get("/viz/chains/integrated-circuits/map.json").json()
    assert d["chain"]["segments"][0]["stage"] == "upstream"
    assert d["drawing"]["boxes"]["columns"]
    n = client.get("/viz/neighbourhood/byd.json").json()
    assert n["center"] == "byd"
    assert client.get(f"/viz/neighbourhood/{quote('比亚迪')}.json").json()["center"] == "byd"


def test_openapi_operation_ids(client):
    spec = client.get("/openapi.json").json()
    ops = {op["operationId"]: op for p in spec["paths"].values() for op in p.values()}
    for op_id in ("get_neighbourhood_html", "get_neighbourhood_svg", "get_neighbourhood_png",
                  "get_chain_map_html", "get_chain_map_svg", "get_chain_map_png",
                  "get_brief_zip"):
        assert op_id in ops and ops[op_id]["tags"] == ["viz"]


def test_explorer_files_served_offline(client):
    r = client.get("/")
    assert r.status_code == 200 and "链图" in r.text
    assert external_refs(r.text).external == []
    vis = client.get("/ui/vendor/vis-network.min.js")
    shipped = resources.files("chainatlas.viz").joinpath("static", "vis-network.min.js")
    assert vis.content == shipped.read_bytes()
    assert client.get("/ui/app.js").status_code == 200
    assert client.get("/ui/app.css").headers["content-type"].startswith("text/css")
    assert client.get("/ui/..%2Fapp.py").status_code == 404
    assert client.get("/ui/vendor/LICENSE").status_code == 404


def test_download_names_are_chinese_with_an_ascii_fallback(client):
    import re
    from urllib.parse import unquote

    def names(url: str) -> tuple[str, str]:
        r = client.get(url)
        assert r.status_code == 200, r.text[:200]
        cd = r.headers["content-disposition"]
        cd.encode("ascii")  # the header itself stays ASCII
        plain = re.search(r'filename="([^"]+)"', cd)
        star = re.search(r"filename\*=UTF-8''([^;\s]+)", cd)
        assert plain and star, cd
        return plain.group(1), unquote(star.group(1))

    assert names("/briefs/integrated-circuits.zip") == ("integrated-circuits-brief.zip",
                                                       "集成电路产业链招商简报包.zip")
    assert names("/viz/neighbourhood/byd.png?download=true") == ("byd-neighbourhood.png",
                                                                "比亚迪关系网络.png")
    assert names("/viz/chains/integrated-circuits/map.html?download=true")[1] \
        == "集成电路产业链图谱.html"
