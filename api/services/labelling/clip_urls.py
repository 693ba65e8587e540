"""Signed clip URLs: a frame range of a session that plays in a browser without an API key.

The URL is the ordinary ``/api/v1/file/{id}/video?start_frame=&end_frame=`` route plus
``org``, ``expires`` and ``sig`` (an HMAC-SHA256 under a key derived from the server's JWT key
over exactly those values), so a labeller can play the clips of their batch, and nothing else:
any other parameter, path or range fails the signature.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from urllib.parse import parse_qsl, urlencode

from api.services.state import Principal
from graph.errors import ErrorCode, Unauthenticated

_PATH = re.compile(r"/api/v1/file/([0-9a-f]{32})/video")
_PARAMS = ("start_frame", "end_frame", "org", "expires", "sig")
_SIG = re.compile(r"[0-9a-f]{64}")


def _key(secret: str) -> bytes:
    return hashlib.sha256(b"reelgraph clip url\0" + secret.encode()).digest()


def _signature(secret: str, session_id: str, start: str, end: str, org: str, expires: str) -> str:
    message = "\0".join((session_id, start, end, org, expires)).encode()
    return hmac.new(_key(secret), message, hashlib.sha256).hexdigest()


def signed_clip_url(
    secret: str,
    *,
    org_id: str,
    session_id: str,
    start_frame: int,
    end_frame: int,
    ttl_s: int,
    window_s: float | None = None,
) -> str:
    """The clip's URL; with ``window_s``, a media fragment (``#t=0,<s>``, never sent to the
    server) stops playback at the window's end, where a stream copy may run a few frames on."""
    expires = str(int(time.time()) + ttl_s)
    start, end = str(start_frame), str(end_frame)
    sig = _signature(secret, session_id, start, end, org_id, expires)
    query = urlencode(
        {"start_frame": start, "end_frame": end, "org": org_id, "expires": expires, "sig": sig}
    )
    fragment = f"#t=0,{window_s:.3f}" if window_s else ""
    return f"/api/v1/file/{session_id}/video?{query}{fragment}"


def signed_clip_principal(secret: str, path: str, query_string: str) -> Principal | None:
    """The org a signed clip URL plays for; None for a request that is not one (no ``sig``,
    or another route).

    A ``sig`` on the video route that is not a valid, unexpired clip URL is a typed 401, not a
    fallback to other credentials.
    """
    match = _PATH.fullmatch(path)
    pairs = parse_qsl(query_string, keep_blank_values=True)
    names = [name for name, _ in pairs]
    if match is None or "sig" not in names:
        return None
    params = dict(pairs)
    # compare_digest takes ASCII only: anything but 64 hex digits is refused before it
    if sorted(names) != sorted(_PARAMS) or not _SIG.fullmatch(params["sig"]):
        raise Unauthenticated("invalid clip URL", code=ErrorCode.INVALID_CLIP_SIGNATURE)
    expected = _signature(
        secret,
        match.group(1),
        params["start_frame"],
        params["end_frame"],
        params["org"],
        params["expires"],
    )
    if not hmac.compare_digest(expected, params["sig"]):
        raise Unauthenticated("invalid clip URL", code=ErrorCode.INVALID_CLIP_SIGNATURE)
    if not params["expires"].isdigit() or int(params["expires"]) < time.time():
        raise Unauthenticated("the clip URL has expired", code=ErrorCode.INVALID_CLIP_SIGNATURE)
    return Principal(org_id=params["org"], scopes=frozenset({"file"}), via_clip_url=True)
