"""ES512 signatures on the requests that download a job's audio, and the JWKS that verifies them.

Every URL download carries ``X-Reelgraph-Request-Verification``: a JWT (ES512, header ``kid``)
whose claims name the organization, project, job and URL, so the file's host can tell a request
of ours from anyone else's. The keys:

- configured (``REELGRAPH_REQUEST_SIGNING_KEY``, a PEM P-521 private key), or generated at first
  start into ``DATA_DIR/request-signing/`` (private key files 0600, only the service reads them);
- each key's ``kid`` is its RFC 7638 thumbprint, so one key always has one id;
- :func:`rotate_signing_key` makes a new current key; a retired key keeps only its public half
  (``<kid>.pub.pem``) and stays in the JWKS, so requests signed just before a rotation still verify.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from jwt.algorithms import ECAlgorithm

from graph.errors import InvalidInput
from graph.file_modes import make_private_dir, write_private_text

if TYPE_CHECKING:
    from graph.settings import Settings

REQUEST_VERIFICATION_HEADER = "X-Reelgraph-Request-Verification"
ALGORITHM = "ES512"
KEYS_DIR_NAME = "request-signing"
CURRENT_FILE = "current"  # names the current key's kid
PRIVATE_SUFFIX = ".pem"
PUBLIC_SUFFIX = ".pub.pem"


@dataclass(frozen=True)
class SigningKeys:
    """The current private key (with its ``kid``) and every public key still published."""

    current_kid: str
    private_key: ec.EllipticCurvePrivateKey
    public_keys: dict[str, ec.EllipticCurvePublicKey]  # kid -> key, the current one included

    def jwks(self) -> dict[str, Any]:
        """The public keys as a JSON Web Key Set, the current key first."""
        order = [self.current_kid, *sorted(k for k in self.public_keys if k != self.current_kid)]
        return {"keys": [public_jwk(self.public_keys[kid], kid) for kid in order]}


def public_jwk(key: ec.EllipticCurvePublicKey, kid: str) -> dict[str, Any]:
    jwk: dict[str, Any] = ECAlgorithm.to_jwk(key, as_dict=True)
    return {**jwk, "kid": kid, "use": "sig", "alg": ALGORITHM}


def key_id(key: ec.EllipticCurvePublicKey) -> str:
    """The key's RFC 7638 JWK thumbprint (SHA-256, base64url)."""
    jwk = ECAlgorithm.to_jwk(key, as_dict=True)
    canonical = json.dumps({k: jwk[k] for k in ("crv", "kty", "x", "y")}, separators=(",", ":"))
    digest = hashlib.sha256(canonical.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def keys_dir(settings: Settings) -> Path:
    return settings.data_dir / KEYS_DIR_NAME


def _pem_private(key: ec.EllipticCurvePrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def _pem_public(key: ec.EllipticCurvePublicKey) -> str:
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def _read_private(path: Path) -> ec.EllipticCurvePrivateKey:
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise InvalidInput(f"cannot read the request signing key {path}: {exc}") from exc
    if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, ec.SECP521R1):
        raise InvalidInput(
            f"the request signing key {path} must be an EC P-521 key (ES512)",
        )
    return key


def _published(directory: Path) -> dict[str, ec.EllipticCurvePublicKey]:
    """Public keys kept in the directory: retired ones and generated private ones' halves."""
    found: dict[str, ec.EllipticCurvePublicKey] = {}
    if not directory.is_dir():
        return found
    for path in sorted(directory.iterdir()):
        if path.name.endswith(PUBLIC_SUFFIX):
            key = serialization.load_pem_public_key(path.read_bytes())
            if isinstance(key, ec.EllipticCurvePublicKey):
                found[key_id(key)] = key
        elif path.name.endswith(PRIVATE_SUFFIX):
            public = _read_private(path).public_key()
            found[key_id(public)] = public
    return found


def _generate(directory: Path) -> str:
    """A new key pair written into ``directory``; returns its kid (not yet current)."""
    make_private_dir(directory)
    key = ec.generate_private_key(ec.SECP521R1())
    kid = key_id(key.public_key())
    write_private_text(directory / f"{kid}{PRIVATE_SUFFIX}", _pem_private(key))
    return kid


def load_signing_keys(settings: Settings) -> SigningKeys:
    """The keys to sign with and to publish; the first call without a configured key makes one.

    Several processes (API, workers) may start at once: each may generate a key, but the
    ``current`` file is created exclusively, so one wins and the others discard theirs.
    """
    directory = keys_dir(settings)
    configured = settings.request_signing_key
    if configured is not None:
        private = _read_private(configured)
        current = key_id(private.public_key())
        published = {**_published(directory), current: private.public_key()}
        return SigningKeys(current, private, published)
    pointer = directory / CURRENT_FILE
    if not pointer.exists():
        kid = _generate(directory)
        try:
            fd = os.open(pointer, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            (directory / f"{kid}{PRIVATE_SUFFIX}").unlink(missing_ok=True)
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(kid)
    current = pointer.read_text().strip()
    private = _read_private(directory / f"{current}{PRIVATE_SUFFIX}")
    return SigningKeys(current, private, _published(directory))


def rotate_signing_key(settings: Settings) -> SigningKeys:
    """Make a new key current; the old one keeps only its public half and stays published."""
    if settings.request_signing_key is not None:
        raise InvalidInput(
            "the request signing key is configured (REELGRAPH_REQUEST_SIGNING_KEY): rotate it "
            "by configuring another",
        )
    old = load_signing_keys(settings)
    directory = keys_dir(settings)
    kid = _generate(directory)
    write_private_text(directory / CURRENT_FILE, kid)
    retired = directory / f"{old.current_kid}{PUBLIC_SUFFIX}"
    write_private_text(retired, _pem_public(old.private_key.public_key()))
    (directory / f"{old.current_kid}{PRIVATE_SUFFIX}").unlink(missing_ok=True)
    return load_signing_keys(settings)


def sign_download_request(
    *,
    keys: SigningKeys,
    organization_id: str,
    project_id: str | None,
    job_id: str,
    url: str,
    ttl_s: int,
) -> str:
    """The ``X-Reelgraph-Request-Verification`` JWT for one download of ``url`` for a job."""
    now = int(time.time())
    claims = {
        "organization_id": organization_id,
        "project_id": project_id,
        "job_id": job_id,
        "url": url,
        "iat": now,
        "jti": uuid.uuid4().hex,
        "exp": now + ttl_s,
    }
    return jwt.encode(
        claims, keys.private_key, algorithm=ALGORITHM, headers={"kid": keys.current_kid}
    )


def download_request_headers(
    settings: Settings, *, organization_id: str, project_id: str | None, job_id: str, url: str
) -> dict[str, str]:
    """The header a job's download carries, signed with the current key."""
    token = sign_download_request(
        keys=load_signing_keys(settings),
        organization_id=organization_id,
        project_id=project_id,
        job_id=job_id,
        url=url,
        ttl_s=settings.request_signing_ttl_s,
    )
    return {REQUEST_VERIFICATION_HEADER: token}
