"""``GET /api/v1/label/{label_id}/keyframe/{start|end}``: seed 000's keyframe screenshots."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from api.rest.errors import typed_errors
from api.rest.file_response import file_response
from api.rest.frames import JPEG
from api.rest.params import request_context
from api.services.label_keyframes import label_keyframe


@typed_errors
async def label_keyframe_jpeg(request: Request) -> Response:
    state, principal = request_context(request)
    path = await label_keyframe(
        state, principal, request.path_params["label_id"], request.path_params["edge"]
    )
    return await file_response(request, path, JPEG)
