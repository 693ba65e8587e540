"""Media answers belong to one org: ``Cache-Control: private`` on every route family.

A shared cache (CDN, corporate proxy) that stored a ``public`` answer would hand one org's
video frames and faces to anyone holding the URL. Face crops and media-proxy answers are
covered where those routes are tested (tests/faces/test_face_routes.py,
tests/api/test_media_proxy.py).
"""

from __future__ import annotations

from typing import Any

from api.rest.file_response import PRIVATE_MEDIA_CACHE
from tests.support.client import ApiClient


def _assert_private(response: Any, what: str) -> None:
    cache_control = response.headers.get("cache-control", "")
    directives = {d.strip().split("=")[0] for d in cache_control.split(",")}
    assert "private" in directives and "public" not in directives, (what, cache_control)


async def test_every_media_route_family_is_private(
    api: ApiClient, ready_session: dict[str, Any]
) -> None:
    assert PRIVATE_MEDIA_CACHE.startswith("private")
    sid = ready_session["id"]
    base = f"/api/v1/file/{sid}"
    label = (await api.add_labels(sid, [{"labelType": "user", "startTime": 0, "endTime": 500}]))[0]
    chunks = (await api.gql("query($id: ID!) { session(id: $id) { chunks { id } } }", id=sid))[
        "session"
    ]["chunks"]
    routes = {
        "video file": f"{base}/video",
        "video frame range": f"{base}/video?start_frame=0&end_frame=9",
        "thumbnail": f"{base}/thumbnail?frame=3",
        "cropped thumbnail": f"{base}/thumbnail?frame=3&x=0&y=0&w=64&h=64",
        "clip": f"{base}/clip?start_frame=0&end_frame=9",
        "overlay video": f"{base}/video/bbox?start_frame=0&end_frame=9",
        "label keyframe": f"/api/v1/label/{label['id']}/keyframe/start",
    }
    if chunks:
        routes["chunk thumbnail"] = f"{base}/chunk/{chunks[0]['id']}/thumbnail"
    for what, url in routes.items():
        for method in ("GET", "HEAD"):
            response = await api.http.request(method, url, headers=api.headers)
            assert response.status_code == 200, (what, method, response.text)
            _assert_private(response, f"{method} {what}")
    # a rendered clip is now served from the cache (a file response): still private
    cached = await api.http.get(routes["clip"], headers=api.headers)
    _assert_private(cached, "cached clip")
    # browsers keep revalidating with the ETag, and the 304 says private too
    first = await api.http.get(routes["thumbnail"], headers=api.headers)
    again = await api.http.get(
        routes["thumbnail"], headers={**api.headers, "if-none-match": first.headers["etag"]}
    )
    assert again.status_code == 304
    _assert_private(again, "304 thumbnail")
    assert "max-age=86400" in again.headers["cache-control"]
