"""Network pictures and briefing packs: ``/viz/...`` (HTML, SVG, PNG) and ``/briefs/{chain}.zip``.

``{node_id}`` and ``{chain_id}`` accept an id, a Chinese name, an alias, an English name or
pinyin. Errors are problem+json (404 with suggestions, 422 for bad parameters, 503 when no
CJK font is installed for the still pictures).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Annotated, Any, TypeVar
from urllib.parse import quote

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from chainatlas.api.deps import StoreDep
from chainatlas.api.models import PROBLEMS
from chainatlas.api.problems import NotFound, Problem
from chainatlas.graph.model import NODE_KINDS, REL_TYPES
from chainatlas.graph.store import GraphStore

router = APIRouter(tags=["viz"], responses={k: PROBLEMS[k] for k in (404, 422, 503, 504)})

T = TypeVar("T")
_render_lock = threading.Lock()  # matplotlib's font cache and rcParams are process-global

DepthQ = Annotated[int, Query(ge=1, le=3, description="Hops from the node (1–3)")]
KindsQ = Annotated[list[str] | None, Query(
    description="Node kinds to keep (repeat or comma-separate), e.g. enterprise,segment")]
RelsQ = Annotated[list[str] | None, Query(
    description="Relationship types to follow (repeat or comma-separate), e.g. IN_SEGMENT")]
MaxQ = Annotated[int, Query(ge=1, le=500, description="Cap on the number of nodes drawn")]
ShownQ = Annotated[int | None, Query(
    ge=1, le=500, description="Draw only this many most relevant nodes and say how many "
                              "more there are (另有…等N个); the explorer sends 40")]
DownloadQ = Annotated[bool, Query(description="Send as an attachment (download)")]

SVG = "image/svg+xml"
PNG = "image/png"
ZIP = "application/zip"


def _split(values: list[str] | None) -> list[str] | None:
    if not values:
        return None
    out = [v.strip() for item in values for v in item.split(",") if v.strip()]
    return out or None


def _check(kinds: list[str] | None, rels: list[str] | None) -> None:
    bad_k = [k for k in kinds or [] if k not in NODE_KINDS]
    bad_r = [r for r in rels or [] if r not in REL_TYPES]
    errors = ([{"parameter": "kinds", "in": "query", "message": f"unknown kind {k!r}; one of "
                + ", ".join(NODE_KINDS)} for k in bad_k]
              + [{"parameter": "rel_types", "in": "query", "message": f"unknown type {r!r}"}
                 for r in bad_r])
    if errors:
        names = ", ".join(sorted({e["parameter"] for e in errors}))
        raise Problem(422, "Invalid parameter", f"请检查参数：{names}。Check the parameter(s): "
                      + names, errors=errors)


def _guard(fn: Callable[[], T]) -> T:
    """Run a picture builder, turning lookup, parameter and font errors into problems."""
    from chainatlas.viz.data import NotFoundError
    from chainatlas.viz.fonts import MissingCJKFont

    try:
        return fn()
    except NotFoundError as e:
        raise NotFound(e.what, e.key, e.suggestions) from e
    except MissingCJKFont as e:
        raise Problem(503, "No CJK font installed", str(e)) from e
    except ValueError as e:
        raise Problem(422, "Invalid parameter", str(e)) from e


def _disposition(name: str, download: bool, name_zh: str | None = None) -> dict[str, str]:
    """``Content-Disposition`` with the Chinese file name (RFC 6266 / RFC 5987
    ``filename*=UTF-8''…``) and the ASCII id name as the fallback for old clients."""
    value = f'{"attachment" if download else "inline"}; filename="{name}"'
    if name_zh:
        value += "; filename*=UTF-8''" + quote(name_zh, safe="")
    return {"Content-Disposition": value}


def _nb_name(g: Any, ext: str) -> str:
    center = g.node(g.center)
    return f"{center.name if center else g.center}关系网络.{ext}"


def _cm_name(cm: Any, ext: str) -> str:
    from chainatlas.viz.style import chain_name

    return f"{chain_name(cm.name)}图谱.{ext}"


def _graph(store: GraphStore, node_id: str, depth: int, kinds: list[str] | None,
           rel_types: list[str] | None, max_nodes: int):
    from chainatlas.viz.data import neighbourhood

    k, r = _split(kinds), _split(rel_types)
    _check(k, r)
    return neighbourhood(store, node_id, depth=depth, kinds=k, rel_types=r, max_nodes=max_nodes)


def _still(build: Callable[[], bytes]) -> bytes:
    with _render_lock:
        return build()


_NB_DOC = "Same parameters as the JSON neighbourhood endpoint (depth, kinds, rel_types, max_nodes)."


@router.get("/viz/neighbourhood/{node_id}.html", operation_id="get_neighbourhood_html",
            response_class=HTMLResponse, summary="Neighbourhood as an interactive page",
            description="A self-contained, offline HTML page (vis-network inlined). " + _NB_DOC)
async def neighbourhood_html(store: StoreDep, node_id: str, depth: DepthQ = 1,
                             kinds: KindsQ = None, rel_types: RelsQ = None, max_nodes: MaxQ = 150,
                             download: DownloadQ = False) -> Response:
    from chainatlas.viz.interactive import neighbourhood_html as render

    def build() -> tuple[str, str, str]:
        g = _graph(store, node_id, depth, kinds, rel_types, max_nodes)
        return g.center, render(g), _nb_name(g, "html")

    center, html, zh = await run_in_threadpool(_guard, build)
    return HTMLResponse(html, headers=_disposition(f"{center}-neighbourhood.html", download,
                                                   zh))


def _nb_image(fmt: str):
    media = SVG if fmt == "svg" else PNG

    async def endpoint(store: StoreDep, node_id: str, depth: DepthQ = 1, kinds: KindsQ = None,
                       rel_types: RelsQ = None, max_nodes: MaxQ = 150,
                       download: DownloadQ = False) -> Response:
        from chainatlas.viz.still import neighbourhood_image

        def build() -> tuple[str, bytes, str]:
            g = _graph(store, node_id, depth, kinds, rel_types, max_nodes)
            return (g.center, _still(lambda: neighbourhood_image(g, fmt)),  # type: ignore[arg-type]
                    _nb_name(g, fmt))

        center, body, zh = await run_in_threadpool(_guard, build)
        return Response(body, media_type=media,
                        headers=_disposition(f"{center}-neighbourhood.{fmt}", download, zh))

    endpoint.__doc__ = (f"Neighbourhood as a still {fmt.upper()} picture (≥1920 px wide; at most "
                        "40 nodes drawn, the rest named as 另有…等N个 / and N more). " + _NB_DOC)
    return endpoint


for _fmt in ("svg", "png"):
    router.add_api_route(
        f"/viz/neighbourhood/{{node_id}}.{_fmt}", _nb_image(_fmt), methods=["GET"],
        operation_id=f"get_neighbourhood_{_fmt}", response_class=Response,
        summary=f"Neighbourhood as {_fmt.upper()}",
        responses={200: {"content": {SVG if _fmt == "svg" else PNG: {}}}})


def _chain_map(store: GraphStore, chain_id: str):
    from chainatlas.viz.data import chain_map

    return chain_map(store, chain_id)


@router.get("/viz/chains/{chain_id}/map.html", operation_id="get_chain_map_html",
            response_class=HTMLResponse, summary="Chain map as an interactive page")
async def chain_map_html(store: StoreDep, chain_id: str,
                         download: DownloadQ = False) -> Response:
    """The chain from upstream (left) to downstream (right), actors under their segment, gaps
    marked (缺链 red, 弱链 amber); a self-contained offline page."""
    from chainatlas.viz.interactive import chain_map_html as render

    def build() -> tuple[str, str, str]:
        cm = _chain_map(store, chain_id)
        return cm.id, render(cm), _cm_name(cm, "html")

    cid, html, zh = await run_in_threadpool(_guard, build)
    return HTMLResponse(html, headers=_disposition(f"{cid}-map.html", download, zh))


def _cm_image(fmt: str):
    media = SVG if fmt == "svg" else PNG

    async def endpoint(store: StoreDep, chain_id: str, download: DownloadQ = False) -> Response:
        from chainatlas.viz.still import chain_map_image

        def build() -> tuple[str, bytes, str]:
            cm = _chain_map(store, chain_id)
            return (cm.id, _still(lambda: chain_map_image(cm, fmt)),  # type: ignore[arg-type]
                    _cm_name(cm, fmt))

        cid, body, zh = await run_in_threadpool(_guard, build)
        return Response(body, media_type=media,
                        headers=_disposition(f"{cid}-map.{fmt}", download, zh))

    endpoint.__doc__ = (f"The chain map as a still {fmt.upper()} picture for slides "
                        "(≥1920 px wide, white background, Chinese labels).")
    return endpoint


for _fmt in ("svg", "png"):
    router.add_api_route(
        f"/viz/chains/{{chain_id}}/map.{_fmt}", _cm_image(_fmt), methods=["GET"],
        operation_id=f"get_chain_map_{_fmt}", response_class=Response,
        summary=f"Chain map as {_fmt.upper()}",
        responses={200: {"content": {SVG if _fmt == "svg" else PNG: {}}}})


@router.get("/viz/chains/{chain_id}/map.json", operation_id="get_chain_map_json",
            summary="Chain map data (segments in order, gap status, actors) and its drawing")
async def chain_map_json(store: StoreDep, chain_id: str) -> dict[str, Any]:
    """What the chain map draws: ``chain`` (segments upstream first, status, actors,
    candidates) and ``drawing`` (the vis-network payload the explorer renders)."""
    from dataclasses import asdict

    from chainatlas.viz.interactive import chain_map_payload

    def build() -> dict[str, Any]:
        cm = _chain_map(store, chain_id)
        return {"chain": asdict(cm), "drawing": chain_map_payload(cm)}

    return await run_in_threadpool(_guard, build)


@router.get("/viz/neighbourhood/{node_id}.json", operation_id="get_neighbourhood_drawing",
            summary="Neighbourhood drawing payload (positions, styles, tooltips)")
async def neighbourhood_json(store: StoreDep, node_id: str, depth: DepthQ = 1,
                             kinds: KindsQ = None, rel_types: RelsQ = None,
                             max_nodes: MaxQ = 150, shown: ShownQ = None) -> dict[str, Any]:
    """The payload the explorer draws with vis-network (the same as in the HTML page). With
    ``shown`` (the explorer sends 40, as the still pictures draw), only the most relevant nodes
    are drawn and the subtitle says what is left out (另有…等N个); ``hidden`` counts them."""
    from chainatlas.viz.interactive import neighbourhood_payload

    def build() -> dict[str, Any]:
        g = _graph(store, node_id, depth, kinds, rel_types, max_nodes)
        left: dict[str, int] = {}
        if shown is not None:
            from chainatlas.viz.still import cap_graph

            g, left = cap_graph(g, shown)
        note = ""
        if left:
            from chainatlas.viz.still import cap_note

            note = cap_note(len(g.nodes), left, "离线网页 HTML 含全部 the HTML download has all")
        return {"center": g.center, "truncated": g.truncated, "hidden": sum(left.values()),
                "drawing": neighbourhood_payload(g, note=note)}

    return await run_in_threadpool(_guard, build)


@router.get("/briefs/{chain_id}.zip", operation_id="get_brief_zip",
            response_class=Response, summary="Briefing pack of a chain (zip)",
            responses={200: {"content": {ZIP: {}}}})
async def brief_zip(store: StoreDep, chain_id: str) -> Response:
    """Chain map (HTML, SVG, PNG), gap table and key actors (CSV with BOM, XLSX) and a PPTX
    deck, zipped: the same pack as ``chainatlas brief CHAIN``."""
    from chainatlas.viz.brief import brief_zip_named

    name, body, zh = await run_in_threadpool(
        _guard, lambda: _still(lambda: brief_zip_named(store, chain_id)))  # type: ignore[arg-type]
    return Response(body, media_type=ZIP, headers=_disposition(name, True, zh))
