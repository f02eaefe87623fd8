"""The web explorer at ``/``: plain HTML/CSS/JS from ``api/static`` (no build step) and the
vis-network bundle shipped in ``viz/static`` (the same file the HTML pictures inline), so the
explorer works with no internet."""

from __future__ import annotations

from importlib import resources

from fastapi import APIRouter
from fastapi.openapi.docs import get_redoc_html
from fastapi.responses import HTMLResponse, Response

from chainatlas.api.problems import NotFound

router = APIRouter(tags=["viz"])

MEDIA = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
         ".html": "text/html; charset=utf-8", ".svg": "image/svg+xml", ".png": "image/png"}
VENDOR = {"vis-network.min.js", "graph-view.js"}
"""Files of ``viz/static`` the explorer may load."""


def _read(package: str, name: str) -> bytes:
    base = resources.files(package).joinpath("static")
    if len(name) > 128 or "/" in name or "\\" in name or name.startswith("."):
        raise NotFound("static file", name[:128])
    try:
        if not base.joinpath(name).is_file():
            raise NotFound("static file", name)
        return base.joinpath(name).read_bytes()
    except OSError as e:  # e.g. "File name too long": nothing by that name
        raise NotFound("static file", name[:128]) from e


def _media(name: str) -> str:
    return next((m for ext, m in MEDIA.items() if name.endswith(ext)), "application/octet-stream")


@router.get("/", operation_id="get_explorer", response_class=HTMLResponse,
            summary="Web explorer (链图 ChainAtlas)")
def explorer() -> HTMLResponse:
    """The explorer page: search, chain list, chain maps and gaps, enterprises, downloads."""
    return HTMLResponse(_read("chainatlas.api", "index.html").decode("utf-8"))


@router.get("/ui/vendor/{name}", operation_id="get_explorer_vendor_file",
            include_in_schema=False)
def vendor_file(name: str) -> Response:
    """vis-network and the shared graph view code, from ``viz/static``."""
    if name not in VENDOR:
        raise NotFound("static file", name)
    return Response(_read("chainatlas.viz", name), media_type=_media(name),
                    headers={"Cache-Control": "public, max-age=3600"})


@router.get("/ui/{name}", operation_id="get_explorer_file", include_in_schema=False)
def static_file(name: str) -> Response:
    """The explorer's own assets (``api/static``)."""
    return Response(_read("chainatlas.api", name), media_type=_media(name),
                    headers={"Cache-Control": "no-cache"})


REDOC_CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
             "script-src 'self' 'unsafe-inline' blob:; worker-src 'self' blob:; "
             "font-src 'self' data:")
"""ReDoc's bundle always tries to show Redocly's logo from its CDN: the policy keeps every
request on this server (the page works the same without the logo)."""


@router.get("/redoc", include_in_schema=False)
def redoc() -> HTMLResponse:
    """ReDoc from the assets fastapi-offline ships (no CDN, no web fonts): works offline."""
    page = get_redoc_html(openapi_url="/openapi.json", title="ChainAtlas 链图 - ReDoc",
                          redoc_js_url="/static-offline-docs/redoc.standalone.js",
                          redoc_favicon_url="/static-offline-docs/favicon.png",
                          with_google_fonts=False)
    return HTMLResponse(page.body.decode("utf-8"),
                        headers={"Content-Security-Policy": REDOC_CSP})
