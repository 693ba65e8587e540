"""The GraphiQL playground is served entirely from vendored files (no CDN)."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from api import playground
from api.playground import ASSET_FILES, STATIC_DIR, PlaygroundTemplateError, playground_html

PREFIX = "/graphql/static"

_ATTR_RE = re.compile(r'\b(src|href)\s*=\s*"([^"]*)"', re.IGNORECASE)
_TAG_RE = re.compile(r"<(?:script|link)\b[^>]*>", re.IGNORECASE)


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    playground._render.cache_clear()
    yield
    playground._render.cache_clear()


def _fetched_urls(page: str) -> list[str]:
    """src/href values the browser will fetch (the inline data: favicon excluded)."""
    return [v for _, v in _ATTR_RE.findall(page) if not v.lower().startswith("data:")]


def _read_sums() -> dict[str, str]:
    sums: dict[str, str] = {}
    for line in (STATIC_DIR / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split(maxsplit=1)
        sums[name.lstrip("*")] = digest
    return sums


def test_html_has_no_external_urls() -> None:
    page = playground_html(PREFIX)
    assert "https://" not in page
    assert "unpkg" not in page
    urls = _fetched_urls(page)
    assert urls, "expected the page to reference its scripts and styles"
    for url in urls:
        assert not re.match(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", url, re.IGNORECASE), url
        assert url.startswith(PREFIX + "/"), url
    # The only http:// left is the SVG namespace inside the inline data: favicon.
    assert set(re.findall(r"http://[^\s\"'<>%]+", page)) <= {"http://www.w3.org/2000/svg"}


def test_every_referenced_file_is_vendored() -> None:
    page = playground_html(PREFIX + "/")  # trailing slash is ignored
    referenced = {url.removeprefix(PREFIX + "/") for url in _fetched_urls(page)}
    assert referenced == set(ASSET_FILES)
    for name in referenced:
        assert "/" not in name
        assert (STATIC_DIR / name).is_file(), name


def test_integrity_attributes_match_vendored_files() -> None:
    """The vendored files are byte-identical to what strawberry's template pinned."""
    page = playground_html(PREFIX)
    tags = _TAG_RE.findall(page)
    checked = 0
    for tag in tags:
        src = _ATTR_RE.search(tag)
        integrity = re.search(r'integrity="(sha384-[^"]+)"', tag)
        if src is None or not src.group(2).startswith(PREFIX + "/"):
            continue
        assert integrity is not None, tag
        data = (STATIC_DIR / src.group(2).removeprefix(PREFIX + "/")).read_bytes()
        expected = "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()
        assert integrity.group(1) == expected, src.group(2)
        checked += 1
    assert checked == len(ASSET_FILES)


def test_sha256sums_match_files() -> None:
    sums = _read_sums()
    on_disk = {
        p.name
        for p in STATIC_DIR.iterdir()
        if p.is_file() and p.name not in {"SHA256SUMS", "README.md"}
    }
    assert set(sums) == on_disk
    assert ASSET_FILES <= on_disk
    for name, digest in sums.items():
        assert hashlib.sha256((STATIC_DIR / name).read_bytes()).hexdigest() == digest, name


@pytest.mark.parametrize(
    "suffix", ["react", "react-dom", "js-cookie", "graphiql", "plugin-explorer"]
)
def test_licences_are_vendored(suffix: str) -> None:
    text = (STATIC_DIR / f"LICENSE.{suffix}").read_text()
    assert "MIT License" in text or "Permission is hereby granted, free of charge" in text


@pytest.mark.parametrize(
    "bad", ["https://cdn.example.com/gql", "//cdn.example.com", '/x"onload="alert(1)', "/a b"]
)
def test_rejects_non_path_prefix(bad: str) -> None:
    with pytest.raises(ValueError):
        playground_html(bad)


def test_fails_loudly_if_template_gains_external_url(monkeypatch: pytest.MonkeyPatch) -> None:
    original = playground.get_graphql_ide_html()

    def patched(graphql_ide: str | None = "graphiql") -> str:
        return original.replace(
            "</head>", '<link rel="stylesheet" href="https://fonts.example.com/x.css" /></head>'
        )

    monkeypatch.setattr(playground, "get_graphql_ide_html", patched)
    with pytest.raises(PlaygroundTemplateError, match=r"fonts\.example\.com"):
        playground_html(PREFIX)


def test_fails_loudly_if_template_versions_change(monkeypatch: pytest.MonkeyPatch) -> None:
    original = playground.get_graphql_ide_html()
    monkeypatch.setattr(
        playground,
        "get_graphql_ide_html",
        lambda graphql_ide="graphiql": original.replace("graphiql@3.8.3", "graphiql@9.9.9"),
    )
    with pytest.raises(PlaygroundTemplateError):
        playground_html(PREFIX)


async def test_assets_are_served_by_staticfiles() -> None:
    async def page(_request: Request) -> HTMLResponse:
        return HTMLResponse(playground_html(PREFIX))

    app = Starlette(
        routes=[
            Route("/graphql", page),
            Mount(PREFIX, app=StaticFiles(directory=STATIC_DIR), name="graphiql-static"),
        ]
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        response = await client.get("/graphql")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/html")
        for url in _fetched_urls(response.text):
            asset = await client.get(url)
            assert asset.status_code == 200, url
            assert asset.content == (STATIC_DIR / url.removeprefix(PREFIX + "/")).read_bytes()
