"""The crowd-labelling pages: ``/label`` and ``/gallery``, plain HTML/JS served from our origin.

The pages hold no data of their own: they sign a labeller in with ``labellingLogin`` and then
talk GraphQL with that labeller's bearer token, so they are public (see ``api.auth_middleware``)
and need no API key. Their scripts, styles and the clips they play all come from this origin;
the Content-Security-Policy says so, so a page cannot be made to load anything from elsewhere.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

LABELLING_STATIC_DIR: Final[Path] = Path(__file__).resolve().parent / "static" / "labelling"
LABELLING_STATIC: Final = "/labelling/static"
PAGE_PATHS: Final = frozenset({"/label", "/gallery"})

_SECURITY_HEADERS: Final[dict[str, str]] = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; media-src 'self' blob:; "
        "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
        "form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}


def _page(file_name: str) -> Route:
    path = LABELLING_STATIC_DIR / file_name

    async def page(request: Request) -> Response:
        return FileResponse(path, media_type="text/html", headers=_SECURITY_HEADERS)

    return Route("/" + file_name.removesuffix(".html"), page, methods=["GET", "HEAD"])


def labelling_page_routes() -> list[BaseRoute]:
    """``/label``, ``/gallery`` and their assets under :data:`LABELLING_STATIC`."""
    return [
        _page("label.html"),
        _page("gallery.html"),
        Mount(LABELLING_STATIC, StaticFiles(directory=LABELLING_STATIC_DIR)),
    ]
