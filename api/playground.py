"""GraphiQL playground served entirely from our own origin (no CDN).

strawberry-graphql ships ``strawberry/static/graphiql.html``, which pulls React,
js-cookie, GraphiQL and the explorer plugin from unpkg.com.  The exact same files
(byte-identical: the template's ``integrity`` hashes still match) are vendored in
``api/static/graphiql/`` by ``scripts/vendor_graphiql.sh``.  :func:`playground_html`
takes strawberry's own HTML (via :func:`strawberry.http.ides.get_graphql_ide_html`,
the function strawberry's views use) and points every asset at ``static_prefix``.

Wiring it up (the app owns the routes)::

    from starlette.responses import HTMLResponse
    from starlette.staticfiles import StaticFiles
    from strawberry.asgi import GraphQL

    class PlaygroundGraphQL(GraphQL):
        async def render_graphql_ide(self, request):
            return HTMLResponse(playground_html("/graphql/static"))

    Mount("/graphql/static", StaticFiles(directory=STATIC_DIR))

The page posts queries to its own URL, so it must be served at the GraphQL
endpoint itself (``/graphql``), exactly as strawberry does.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from pathlib import Path
from typing import Final

from strawberry.http.ides import get_graphql_ide_html

__all__ = ["ASSET_FILES", "STATIC_DIR", "playground_html"]

STATIC_DIR: Final[Path] = Path(__file__).resolve().parent / "static" / "graphiql"

# unpkg URL in strawberry 0.341.2's graphiql.html -> vendored file in STATIC_DIR.
# If strawberry is upgraded and its template changes, playground_html() raises
# until this table and scripts/vendor_graphiql.sh are updated.
_UNPKG: Final = "https://unpkg.com/"
_ASSETS: Final[dict[str, str]] = {
    _UNPKG + "react@18.2.0/umd/react.production.min.js": "react.production.min.js",
    _UNPKG + "react-dom@18.2.0/umd/react-dom.production.min.js": "react-dom.production.min.js",
    _UNPKG + "js-cookie@3.0.5/dist/js.cookie.min.js": "js.cookie.min.js",
    _UNPKG + "graphiql@3.8.3/graphiql.min.css": "graphiql.min.css",
    _UNPKG + "graphiql@3.8.3/graphiql.min.js": "graphiql.min.js",
    _UNPKG + "@graphiql/plugin-explorer@1.0.2/dist/style.css": "plugin-explorer.css",
    _UNPKG + "@graphiql/plugin-explorer@1.0.2/dist/index.umd.js": "plugin-explorer.umd.js",
}
ASSET_FILES: Final[frozenset[str]] = frozenset(_ASSETS.values())

# src="..." / href="..." attribute values (the template always uses double quotes).
_ATTR_RE: Final = re.compile(r'\b(?:src|href)\s*=\s*"([^"]*)"', re.IGNORECASE)
# Anything that makes the browser fetch from elsewhere: absolute or
# protocol-relative URLs in attributes, CSS url()/@import in inline styles.
_EXTERNAL_RE: Final = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)
_CSS_FETCH_RE: Final = re.compile(r"url\(|@import", re.IGNORECASE)


class PlaygroundTemplateError(RuntimeError):
    """strawberry's GraphiQL template no longer matches the vendored assets."""


def playground_html(static_prefix: str) -> str:
    """Return strawberry's GraphiQL page with all assets loaded from ``static_prefix``.

    ``static_prefix`` is the URL path under which :data:`STATIC_DIR` is served,
    e.g. ``"/graphql/static"`` (a trailing slash is ignored).  It must be a path
    on this origin, not an absolute URL.

    Raises :class:`PlaygroundTemplateError` if the resulting page would still
    load anything from another host (e.g. strawberry changed its template).
    """
    prefix = static_prefix.rstrip("/")
    if _EXTERNAL_RE.match(prefix) or any(c in prefix for c in "\"'<> \t\r\n"):
        raise ValueError(f"static_prefix must be a same-origin URL path, got {static_prefix!r}")
    return _render(prefix)


@lru_cache(maxsize=8)
def _render(prefix: str) -> str:
    page = get_graphql_ide_html(graphql_ide="graphiql")

    missing = [url for url in _ASSETS if url not in page]
    if missing:
        raise PlaygroundTemplateError(
            "strawberry's graphiql.html no longer references "
            f"{missing}; update api/playground.py and re-run scripts/vendor_graphiql.sh"
        )
    escaped = html.escape(prefix)
    for url, name in _ASSETS.items():
        # The files are byte-identical to what unpkg serves, so the template's
        # integrity="sha384-..." attributes still hold and are kept;
        # `crossorigin` is harmless on same-origin requests.
        page = page.replace(url, f"{escaped}/{name}")

    _check_self_contained(page, escaped)
    return page


def _check_self_contained(page: str, prefix: str) -> None:
    if "https://" in page:
        leftover = sorted(set(re.findall(r"https://[^\s\"'<>)]+", page)))
        raise PlaygroundTemplateError(f"GraphiQL page still references {leftover}")
    for value in _ATTR_RE.findall(page):
        # data: URIs (the inline favicon SVG) are not fetched from anywhere.
        if value.lstrip().lower().startswith("data:"):
            continue
        if _EXTERNAL_RE.match(value) or not value.startswith(f"{prefix}/"):
            raise PlaygroundTemplateError(f"GraphiQL page references non-vendored asset {value!r}")
    for style in re.findall(r"<style\b[^>]*>(.*?)</style>", page, re.IGNORECASE | re.DOTALL):
        if _CSS_FETCH_RE.search(style):
            raise PlaygroundTemplateError("GraphiQL page's inline CSS fetches external resources")
