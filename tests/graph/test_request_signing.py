"""The download-signing keys: generated once (0600), ES512 tokens with the seed's claims,
rotation that keeps retired keys published, a configured key."""

from __future__ import annotations

import stat
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from graph.errors import InvalidInput
from graph.request_signing import (
    REQUEST_VERIFICATION_HEADER,
    download_request_headers,
    key_id,
    keys_dir,
    load_signing_keys,
    rotate_signing_key,
    sign_download_request,
)
from graph.settings import Settings, load_settings

URL = "https://files.example/audio.wav"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings(data_dir=tmp_path / "data")


def verify(token: str, jwks: dict[str, object]) -> tuple[dict[str, object], str]:
    """The claims and kid of a token, checked against the key the JWKS lists for its kid."""
    kid = jwt.get_unverified_header(token)["kid"]
    key = jwt.PyJWKSet.from_dict(jwks)[kid]
    claims = jwt.decode(token, key.key, algorithms=["ES512"], options={"require": ["exp", "iat"]})
    return claims, kid


def test_a_key_pair_is_generated_once_and_kept_private(settings: Settings) -> None:
    keys = load_signing_keys(settings)
    assert load_signing_keys(settings).current_kid == keys.current_kid
    private = keys_dir(settings) / f"{keys.current_kid}.pem"
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert keys.current_kid == key_id(keys.private_key.public_key())
    [jwk] = keys.jwks()["keys"]
    assert jwk["kty"] == "EC" and jwk["crv"] == "P-521" and jwk["alg"] == "ES512"
    assert jwk["kid"] == keys.current_kid and "d" not in jwk


def test_a_signed_request_carries_the_seed_claims(settings: Settings) -> None:
    headers = download_request_headers(
        settings, organization_id="org-1", project_id="proj-1", job_id="job-1", url=URL
    )
    token = headers[REQUEST_VERIFICATION_HEADER]
    assert jwt.get_unverified_header(token)["alg"] == "ES512"
    claims, kid = verify(token, load_signing_keys(settings).jwks())
    assert kid == load_signing_keys(settings).current_kid
    assert set(claims) == {"organization_id", "project_id", "job_id", "url", "iat", "jti", "exp"}
    assert (claims["organization_id"], claims["project_id"]) == ("org-1", "proj-1")
    assert (claims["job_id"], claims["url"]) == ("job-1", URL)
    assert claims["exp"] == claims["iat"] + settings.request_signing_ttl_s  # type: ignore[operator]
    again = download_request_headers(
        settings, organization_id="org-1", project_id=None, job_id="job-1", url=URL
    )
    assert (
        verify(again[REQUEST_VERIFICATION_HEADER], load_signing_keys(settings).jwks())[0]["jti"]
        != claims["jti"]
    ), "every request has its own jti"


def test_rotation_keeps_retired_keys_listed(settings: Settings) -> None:
    old = load_signing_keys(settings)
    signed_before = sign_download_request(
        keys=old, organization_id="o", project_id="p", job_id="j", url=URL, ttl_s=60
    )
    new = rotate_signing_key(settings)
    assert new.current_kid != old.current_kid
    assert load_signing_keys(settings).current_kid == new.current_kid
    listed = [k["kid"] for k in new.jwks()["keys"]]
    assert listed[0] == new.current_kid and old.current_kid in listed
    assert verify(signed_before, new.jwks())[1] == old.current_kid
    directory = keys_dir(settings)
    assert not (directory / f"{old.current_kid}.pem").exists(), "a retired private key is gone"
    assert (directory / f"{old.current_kid}.pub.pem").exists()
    newest = rotate_signing_key(settings)
    assert {old.current_kid, new.current_kid, newest.current_kid} <= {
        k["kid"] for k in newest.jwks()["keys"]
    }


def _pem(path: Path, curve: ec.EllipticCurve) -> Path:
    key = ec.generate_private_key(curve)
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return path


def test_a_configured_key_signs(settings: Settings, tmp_path: Path) -> None:
    configured = settings.with_overrides(
        request_signing_key=_pem(tmp_path / "signing.pem", ec.SECP521R1())
    )
    keys = load_signing_keys(configured)
    assert not keys_dir(settings).exists(), "nothing is generated beside a configured key"
    token = sign_download_request(
        keys=keys, organization_id="o", project_id="p", job_id="j", url=URL, ttl_s=60
    )
    assert verify(token, keys.jwks())[1] == keys.current_kid
    with pytest.raises(InvalidInput, match="configured"):
        rotate_signing_key(configured)
    wrong = settings.with_overrides(request_signing_key=_pem(tmp_path / "p256.pem", ec.SECP256R1()))
    with pytest.raises(InvalidInput, match="P-521"):
        load_signing_keys(wrong)
