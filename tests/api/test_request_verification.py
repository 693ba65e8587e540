"""Signed downloads end to end: a file server on 127.0.0.1 verifies the request header against
the JWKS the app publishes (no auth), before and after a key rotation; keys carry projects."""

from __future__ import annotations

import http.server
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest

from api.cli import build_parser, main
from api.services.auth import create_api_key, principal_for_api_key
from graph.request_signing import (
    REQUEST_VERIFICATION_HEADER,
    download_request_headers,
    load_signing_keys,
    rotate_signing_key,
)
from graph.settings import load_settings
from graph.state import AppState
from workers import outbound

JWKS_PATH = "/.well-known/jwks.json"


class FileServer(http.server.ThreadingHTTPServer):
    """Serves audio only to requests whose header verifies against ``jwks`` for ``job_id``."""

    daemon_threads = True
    block_on_close = False

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.jwks: dict[str, Any] = {"keys": []}
        self.expected: dict[str, Any] = {}
        self.verified: list[tuple[str, dict[str, Any]]] = []  # (kid, claims)
        self.refusals: list[str] = []

    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/audio.wav"


class _Handler(http.server.BaseHTTPRequestHandler):
    server: FileServer

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        token = self.headers.get(REQUEST_VERIFICATION_HEADER, "")
        try:
            kid = jwt.get_unverified_header(token)["kid"]
            key = jwt.PyJWKSet.from_dict(self.server.jwks)[kid]
            claims = jwt.decode(token, key.key, algorithms=["ES512"], options={"require": ["exp"]})
            if any(claims.get(name) != value for name, value in self.server.expected.items()):
                raise jwt.InvalidTokenError(f"claims {claims} are not {self.server.expected}")
        except (jwt.PyJWTError, KeyError) as exc:
            self.server.refusals.append(repr(exc))
            self.send_response(401)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.server.verified.append((kid, claims))
        self.send_response(200)
        self.send_header("Content-Type", "audio/wav")
        self.send_header("Content-Length", "4")
        self.end_headers()
        self.wfile.write(b"RIFF")


@pytest.fixture
def file_server() -> Iterator[FileServer]:
    server = FileServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


async def _download(state: AppState, server: FileServer, job_id: str, org_id: str) -> int:
    """A download as the audio job makes it: SSRF-checked, pinned, signed."""
    url = server.url()
    headers = download_request_headers(
        state.settings, organization_id=org_id, project_id="proj-7", job_id=job_id, url=url
    )
    policy = outbound.AddressPolicy(allow_private=True)
    async with outbound.pinned_client(5.0) as client:
        response = await outbound.get_pinned(client, url, policy, headers=headers)
        await response.aclose()
    return response.status_code


async def test_the_file_host_verifies_downloads_against_the_jwks(
    state: AppState, http: httpx.AsyncClient, file_server: FileServer
) -> None:
    published = await http.get(JWKS_PATH)  # no credentials
    assert published.status_code == 200, published.text
    file_server.jwks = published.json()
    job_id = uuid.uuid4().hex
    file_server.expected = {"job_id": job_id, "organization_id": "org-1", "url": file_server.url()}
    assert await _download(state, file_server, job_id, "org-1") == 200
    [(kid, claims)] = file_server.verified
    assert kid == file_server.jwks["keys"][0]["kid"]
    assert claims["project_id"] == "proj-7" and claims["exp"] > claims["iat"]
    assert await _download(state, file_server, "another-job", "org-1") == 401, "claims checked"

    old_kid = kid
    rotate_signing_key(state.settings)
    assert await _download(state, file_server, job_id, "org-1") == 401, "new kid, old JWKS"
    file_server.jwks = (await http.get(JWKS_PATH)).json()
    listed = [k["kid"] for k in file_server.jwks["keys"]]
    assert old_kid in listed[1:], "the retired key stays listed"
    assert await _download(state, file_server, job_id, "org-1") == 200
    assert file_server.verified[-1][0] == listed[0] != old_kid


async def test_api_keys_carry_their_project(state: AppState) -> None:
    org = f"org-{uuid.uuid4().hex[:8]}"
    key, org_id = await create_api_key(state.orgs, org, ("file",), "ci", project_id="proj-42")
    principal = await principal_for_api_key(state, key)
    assert (principal.org_id, principal.project_id) == (org_id, "proj-42")
    [listed] = await state.orgs.list_api_keys(org)
    assert listed.project_id == "proj-42"
    plain, _ = await create_api_key(state.orgs, org)
    assert (await principal_for_api_key(state, plain)).project_id is None


def test_the_cli_rotates_the_key_and_names_projects(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    first = load_signing_keys(load_settings(data_dir=data)).current_kid
    main(["signing-key", "rotate", "--data-dir", str(data)])
    printed = capsys.readouterr().out
    current = load_signing_keys(load_settings(data_dir=data)).current_kid
    assert current != first and f"current request signing key: {current}" in printed
    assert f"retired keys still published: {first}" in printed
    args = build_parser().parse_args(["apikey", "create", "--org", "acme", "--project", "web"])
    assert (args.org, args.project) == ("acme", "web")
