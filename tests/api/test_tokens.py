"""API-key revocation (across processes), token lifetimes and the JWT secret's strength."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from api.app import create_app
from api.services.auth import create_api_key
from graph.errors import InvalidInput
from graph.settings import load_settings, resolve_jwt_secret
from graph.state import AppState

ROOT = Path(__file__).resolve().parents[2]
WHO = {"query": "{ sessions(first: 1) { totalCount } }"}
LOGIN = "mutation($k: String!, $t: Int) { login(apiKey: $k, ttlSeconds: $t) { token expiresIn } }"


def cli(state: AppState, *args: str) -> subprocess.CompletedProcess[str]:
    """``reelgraph`` in its own process, beside the test stack (as an operator runs it)."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env["REELGRAPH_DATA_DIR"] = str(state.settings.data_dir)
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        cwd=ROOT,
        env=env,
        text=True,
        capture_output=True,
        timeout=60,
    )


async def _login(http: httpx.AsyncClient, key: str, ttl: int | None = None) -> httpx.Response:
    return await http.post("/graphql", json={"query": LOGIN, "variables": {"k": key, "t": ttl}})


async def test_revoking_a_key_ends_it_and_its_tokens_at_once(
    state: AppState, http: httpx.AsyncClient
) -> None:
    org = f"org-{uuid.uuid4().hex[:8]}"
    key, _ = await create_api_key(state.orgs, org, ("file",), "laptop")
    kept, _ = await create_api_key(state.orgs, org, ("file",), "server")
    token = (await _login(http, key)).json()["data"]["login"]["token"]
    by_key = {"X-API-Key": key}
    by_token = {"Authorization": f"Bearer {token}"}
    # both credentials work, and this process has cached their lookups
    for headers in (by_key, by_token, by_key, by_token):
        assert (await http.post("/graphql", json=WHO, headers=headers)).status_code == 200

    listed = cli(state, "apikey", "list", "--org", org)
    assert listed.returncode == 0, listed.stderr
    rows = [line.split("\t") for line in listed.stdout.strip().splitlines()[1:]]
    assert sorted(row[2] for row in rows) == ["laptop", "server"]
    assert all(row[1] == org and row[5] == "-" for row in rows)
    laptop = next(row[0] for row in rows if row[2] == "laptop")

    revoked = cli(state, "apikey", "revoke", laptop)
    assert revoked.returncode == 0, revoked.stderr

    response = await http.post("/graphql", json=WHO, headers=by_key)
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "INVALID_API_KEY"
    response = await http.post("/graphql", json=WHO, headers=by_token)
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "TOKEN_REVOKED"
    login = (await _login(http, key)).json()
    assert login["errors"][0]["extensions"]["code"] == "INVALID_API_KEY"
    rest = await http.get(f"/api/v1/file/{'0' * 32}/thumbnail", headers=by_token)
    assert rest.status_code == 401
    other = await http.post("/graphql", json=WHO, headers={"X-API-Key": kept})
    assert other.status_code == 200, "only the revoked key stops working"

    listed = cli(state, "apikey", "list", "--org", org)
    status = {row.split("\t")[2]: row.split("\t")[5] for row in listed.stdout.splitlines()[1:]}
    assert status["server"] == "-" and status["laptop"].endswith("Z")
    again = cli(state, "token", "create", "--api-key", key)
    assert again.returncode == 2 and "invalid API key" in again.stderr
    unknown = cli(state, "apikey", "revoke", str(uuid.uuid4()))
    assert unknown.returncode == 2 and "not found" in unknown.stderr
    assert "Traceback" not in unknown.stderr


async def test_token_lifetimes_are_bounded(state: AppState) -> None:
    key, _ = await create_api_key(state.orgs, f"org-{uuid.uuid4().hex[:8]}")
    settings = state.settings.with_overrides(jwt_ttl_max_s=600, jwt_ttl_s=3600)
    app = create_app(state=replace(state, settings=settings))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as http:
        for ttl in (0, -5, 601, 2_000_000_000):
            body = (await _login(http, key, ttl)).json()
            assert body["errors"][0]["extensions"]["code"] == "INVALID_TTL", (ttl, body)
        granted = (await _login(http, key, 600)).json()["data"]["login"]
        assert granted["expiresIn"] == 600
        default = (await _login(http, key)).json()["data"]["login"]
        assert default["expiresIn"] == 600, "the default is capped by the maximum"

    for refused in ("0", "-1", str(30 * 24 * 3600 + 1)):
        made = cli(state, "token", "create", "--api-key", key, "--ttl", refused)
        assert made.returncode == 2, (refused, made.stdout)
        assert "lifetime" in made.stderr and "Traceback" not in made.stderr
    made = cli(state, "token", "create", "--api-key", key, "--ttl", "60")
    assert made.returncode == 0 and made.stdout.count(".") == 2


@pytest.mark.parametrize("environment", ["production", "staging"])
def test_short_jwt_secret_is_refused_outside_development(tmp_path: Path, environment: str) -> None:
    short = load_settings(data_dir=tmp_path, environment=environment, jwt_secret="s" * 31)
    with pytest.raises(InvalidInput) as refused:
        resolve_jwt_secret(short)
    assert refused.value.code == "WEAK_JWT_SECRET"
    strong = replace(short, jwt_secret="s" * 32)
    assert resolve_jwt_secret(strong) == "s" * 32
    development = replace(short, environment="development")
    assert resolve_jwt_secret(development) == "s" * 31
