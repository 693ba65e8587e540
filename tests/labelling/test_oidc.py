"""ID tokens against a local issuer's JWKS: the accepted one, and each way one is refused."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from api.services.labelling.oidc import verify_id_token
from graph.errors import ReelgraphError
from graph.settings import Settings, load_settings
from graph.state import AppState
from tests.support.client import ApiClient
from tests.support.labelling import LOGIN, create_campaign, fake_video_session
from tests.support.oidc_issuer import AUDIENCE, ISSUER, LocalIssuer, local_issuer


@pytest.fixture
def issuer() -> Iterator[LocalIssuer]:
    with local_issuer() as running:
        yield running


def _settings(issuer: LocalIssuer) -> Settings:
    return load_settings(
        labelling_oidc_issuer=ISSUER,
        labelling_oidc_audience=AUDIENCE,
        labelling_oidc_jwks_url=issuer.jwks_url,
    )


async def test_verified_id_token_names_an_oidc_identity(issuer: LocalIssuer) -> None:
    assert await verify_id_token(_settings(issuer), issuer.id_token("1234")) == "oidc:1234"


@pytest.mark.parametrize(
    "overrides",
    [
        {"aud": "someone-else"},
        {"iss": "https://evil.test"},
        {"exp": int(time.time()) - 60},
        {"signing_key": ec.generate_private_key(ec.SECP256R1())},
        # an RS256 header naming the issuer's EC key: refused, not an internal error
        {"signing_key": rsa.generate_private_key(65537, 2048), "algorithm": "RS256"},
    ],
    ids=["audience", "issuer", "expired", "foreign-key", "algorithm-of-another-key"],
)
async def test_refused_id_tokens(issuer: LocalIssuer, overrides: dict) -> None:
    with pytest.raises(ReelgraphError) as caught:
        await verify_id_token(_settings(issuer), issuer.id_token("1234", **overrides))
    assert caught.value.code == "INVALID_ID_TOKEN"


async def test_garbage_and_unconfigured(issuer: LocalIssuer) -> None:
    with pytest.raises(ReelgraphError) as caught:
        await verify_id_token(_settings(issuer), "not.a.token")
    assert caught.value.code == "INVALID_ID_TOKEN"
    with pytest.raises(ReelgraphError) as caught:
        await verify_id_token(load_settings(), issuer.id_token("1"))
    assert caught.value.code == "OIDC_NOT_CONFIGURED"


async def test_login_with_an_id_token(
    api: ApiClient, state: AppState, http: httpx.AsyncClient, issuer: LocalIssuer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setattr(
        state,
        "settings",
        state.settings.with_overrides(
            labelling_oidc_issuer=ISSUER,
            labelling_oidc_audience=AUDIENCE,
            labelling_oidc_jwks_url=issuer.jwks_url,
        ),
    )
    session_id = await fake_video_session(state, api.org_id, frame_count=10)
    campaign = await create_campaign(api, [session_id])
    for token, expected in ((issuer.id_token("g-42"), None), ("a.b.c", "INVALID_ID_TOKEN")):
        response = await http.post(
            "/graphql",
            json={"query": LOGIN, "variables": {"c": campaign["id"], "tok": token, "id": "x"}},
        )
        body = response.json()
        if expected:
            assert body["errors"][0]["extensions"]["code"] == expected
        else:
            assert body["data"]["labellingLogin"]["labeller"]["clientId"] == "oidc:g-42"
