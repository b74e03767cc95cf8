"""The web page ``judge serve`` serves at ``/``: its static files (judge/service/web/, shipped in the package, the
editor bundle built ahead by scripts/build-web), with their content types, revalidation by ETag and a strict
Content-Security-Policy. The page and its files need no token: the page asks for one and sends it with each call.
"""

import hashlib
from dataclasses import dataclass
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

WEB = Path(__file__).resolve().parent / "web"
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".png": "image/png",
    ".svg": "image/svg+xml",
}
# Scripts and styles only from this origin (no inline code, no eval), fetches and WebSockets only to it, no frames.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-cache",  # always revalidated (a 304 when unchanged): an upgraded judge's page is seen at once
}


@dataclass(frozen=True)
class Asset:
    body: bytes
    content_type: str
    etag: str


def load_assets(folder: Path = WEB) -> dict[str, Asset]:
    """Every file the page is made of, read once: name -> its bytes, type and ETag."""
    assets = {}
    for path in sorted(folder.iterdir()):
        if path.is_file() and path.suffix in CONTENT_TYPES:
            body = path.read_bytes()
            etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
            assets[path.name] = Asset(body, CONTENT_TYPES[path.suffix], etag)
    return assets


def serve(asset: Asset, request: Request) -> Response:
    headers = {**SECURITY_HEADERS, "ETag": asset.etag}
    if asset.etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return Response(asset.body, media_type=asset.content_type, headers=headers)


def routes(folder: Path = WEB) -> list[Route]:
    """``/`` (the page) and ``/static/{name}`` (its files); an unknown name is a 404 JSON as any unknown route."""
    assets = load_assets(folder)

    async def index(request: Request) -> Response:
        return serve(assets["index.html"], request)

    async def static(request: Request) -> Response:
        asset = assets.get(request.path_params["name"])
        if asset is None or request.path_params["name"] == "index.html":
            return Response('{"error":"not found"}', status_code=404, media_type="application/json")
        return serve(asset, request)

    return [Route("/", index, methods=["GET", "HEAD"]), Route("/static/{name}", static, methods=["GET", "HEAD"])]
