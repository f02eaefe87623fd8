"""One list envelope ``{items, total, limit, offset}`` for every list endpoint, with
``limit`` / ``offset`` everywhere, documented with an example; unknown parameters → 422."""

from __future__ import annotations

from typing import Any

import pytest

PROBLEM = "application/problem+json"
LISTS = ["/chains", "/gaps", "/districts", "/sources", "/search?q=jinan", "/enterprises",
         "/enterprises/byd/related"]


def _sep(url: str) -> str:
    return "&" if "?" in url else "?"


@pytest.mark.parametrize("url", LISTS)
def test_every_list_has_the_envelope_and_pages(client: Any, url: str) -> None:
    whole = client.get(url + _sep(url) + "limit=500").json()
    assert {"items", "total", "limit", "offset"} <= set(whole), url
    assert whole["total"] >= 2 and len(whole["items"]) == min(whole["total"], 500)
    second = client.get(url + _sep(url) + "limit=1&offset=1").json()
    assert (second["limit"], second["offset"], second["total"]) == (1, 1, whole["total"])
    assert second["items"] == whole["items"][1:2]
    far = client.get(url + _sep(url) + f"offset={whole['total']}").json()
    assert far["items"] == [] and far["total"] == whole["total"]


def test_search_offset_is_not_ignored(client: Any) -> None:
    first = client.get("/search", params={"q": "jinan", "limit": 20}).json()["items"]
    later = client.get("/search", params={"q": "jinan", "limit": 20, "offset": 20}).json()
    assert later["offset"] == 20 and later["items"]
    assert not {h["id"] for h in first} & {h["id"] for h in later["items"]}


@pytest.mark.parametrize("url,bad", [("/chains", "ofset"), ("/search?q=x", "page"),
                                     ("/enterprises/byd/related", "sort"),
                                     ("/nodes/byd", "depth"), ("/graph/path?from=byd&to=sicc",
                                                              "hubs")])
def test_unknown_parameter_is_a_problem_naming_it(client: Any, url: str, bad: str) -> None:
    r = client.get(url + _sep(url) + f"{bad}=1")
    assert r.status_code == 422 and r.headers["content-type"].startswith(PROBLEM)
    assert [e["parameter"] for e in r.json()["errors"]] == [bad]
    assert bad in r.json()["detail"]


def test_openapi_documents_the_envelope_with_examples(client: Any) -> None:
    spec = client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    paths = {"/chains": "list_chains", "/gaps": "list_chain_gaps", "/districts":
             "list_districts", "/sources": "list_sources", "/search": "search_nodes",
             "/enterprises": "list_enterprises", "/enterprises/{id}/related":
             "get_related_enterprises"}
    for path, op_id in paths.items():
        op = spec["paths"][path]["get"]
        assert op["operationId"] == op_id
        names = {p["name"] for p in op["parameters"]}
        assert {"limit", "offset"} <= names, path
        content = op["responses"]["200"]["content"]["application/json"]
        ref = content["schema"]["$ref"].rsplit("/", 1)[-1]
        assert {"items", "total", "limit", "offset"} <= set(schemas[ref]["properties"]), path
        example = content["example"]
        assert {"items", "total", "limit", "offset"} <= set(example), path


@pytest.mark.parametrize("url", ["/docs", "/redoc"])
def test_api_docs_load_nothing_from_a_cdn(client: Any, url: str) -> None:
    from chainatlas.viz.testing import external_refs

    r = client.get(url)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    refs = external_refs(r.text)
    assert refs.scripts >= 1 and refs.external == [], refs.external
    assert "fonts.googleapis" not in r.text and "cdn." not in r.text
    for asset in ("/static-offline-docs/swagger-ui-bundle.js",
                  "/static-offline-docs/redoc.standalone.js"):
        if asset in r.text:
            assert client.get(asset).status_code == 200


def test_explorer_pages_ignore_extra_parameters(client: Any) -> None:
    assert client.get("/", params={"utm_source": "mail"}).status_code == 200
    assert client.get("/ui/app.js", params={"v": "2"}).status_code == 200
