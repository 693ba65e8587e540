"""Query images: upload, read, list, delete, and the keyframe-crop-to-query-image workflow.

An image is checked before it is stored: its header must name an allow-listed format within the
pixel cap and it must decode (analysis/media/image_input.py, through the API's bounded decode
slots), so an image-match job never meets bytes it cannot read. The original bytes are kept as
sent. Every lookup is scoped to the caller's org; an id of another org is "not found".
"""

from __future__ import annotations

import asyncio
import uuid

import cv2

from analysis.errors import MediaError
from analysis.media.frames import Crop, Keyframe, read_frame
from analysis.media.image_input import read_header
from api.services.frames import MediaFault, check_frame, require_decodable
from api.services.images import decode_upload
from api.services.sessions import require_session
from api.services.state import AppState, Principal
from graph.errors import ErrorCode, InvalidInput, NotFound, PayloadTooLarge
from graph.ids import now_s
from graph.query_images import QueryImage, QueryImageStore

MAX_NAME_CHARS = 255


def store(state: AppState) -> QueryImageStore:
    return QueryImageStore(state.pool)


def image_id_of(raw: str) -> str:
    """The canonical form of a query image id; INVALID_QUERY_IMAGE_ID for anything but a UUID."""
    try:
        return str(uuid.UUID(raw.strip()))
    except (ValueError, AttributeError):
        raise InvalidInput(
            "a query image id is a UUID", code=ErrorCode.INVALID_QUERY_IMAGE_ID
        ) from None


def _name(name: str | None) -> str | None:
    if name is None:
        return None
    if not name.strip() or len(name) > MAX_NAME_CHARS:
        raise InvalidInput(
            f"a query image name has 1 to {MAX_NAME_CHARS} characters", code=ErrorCode.INVALID_NAME
        )
    return name


async def add_query_image(
    state: AppState, principal: Principal, data: bytes, name: str | None = None
) -> QueryImage:
    """Check and store an image; INVALID_IMAGE, IMAGE_TOO_LARGE or PAYLOAD_TOO_LARGE."""
    name = _name(name)
    limit = state.settings.query_image_max_bytes
    if len(data) > limit:
        raise PayloadTooLarge(f"query images are limited to {limit} bytes")
    if not data:
        raise InvalidInput("the upload is empty", code=ErrorCode.EMPTY_UPLOAD)
    pixels = await decode_upload(state.settings, data)
    image = QueryImage(
        id=str(uuid.uuid4()),
        org_id=principal.org_id,
        user_id=principal.key_id,
        uploader_email=principal.email,
        name=name,
        ts_created=now_s(),
        width=int(pixels.shape[1]),
        height=int(pixels.shape[0]),
        format=read_header(data).format,
    )
    await store(state).add(image, data)
    return image


async def get_query_image(state: AppState, principal: Principal, raw_id: str) -> QueryImage | None:
    return await store(state).get(image_id_of(raw_id), principal.org_id)


async def query_image_bytes(
    state: AppState, principal: Principal, raw_id: str
) -> tuple[QueryImage, bytes]:
    """The image and its original bytes; QUERY_IMAGE_NOT_FOUND for unknown or another org's."""
    found = await store(state).data(image_id_of(raw_id), principal.org_id)
    if found is None:
        raise NotFound("query image not found", code=ErrorCode.QUERY_IMAGE_NOT_FOUND)
    return found


async def query_image_or_none(state: AppState, org_id: str, raw_id: str) -> QueryImage | None:
    """The org's image of that id; None for an unknown id or one that is not a UUID (node())."""
    try:
        image_id = image_id_of(raw_id)
    except InvalidInput:
        return None
    return await store(state).get(image_id, org_id)


async def list_query_images(
    state: AppState, principal: Principal, name: str | None = None, email: str | None = None
) -> list[QueryImage]:
    """The org's images; ``name`` a LIKE pattern (``%``, ``_``), ``email`` the uploader's."""
    return await store(state).find(principal.org_id, name=name, email=email)


async def delete_query_image(state: AppState, principal: Principal, raw_id: str) -> bool:
    if not await store(state).delete(image_id_of(raw_id), principal.org_id):
        raise NotFound("query image not found", code=ErrorCode.QUERY_IMAGE_NOT_FOUND)
    return True


def _crop(box: list[int] | None, width: int, height: int) -> Crop | None:
    if box is None:
        return None
    if len(box) != 4:
        raise InvalidInput("box is [x0, y0, x1, y1]", code=ErrorCode.INVALID_VIDEO_BOX)
    x0, y0, x1, y1 = box
    crop = Crop(x0, y0, x1 - x0, y1 - y0)
    if x0 < 0 or y0 < 0 or not crop.fits(width, height):
        raise InvalidInput(
            f"box {box} is outside the {width}x{height} picture", code=ErrorCode.INVALID_VIDEO_BOX
        )
    return crop


async def query_image_from_frame(
    state: AppState,
    principal: Principal,
    session_id: str,
    frame: int,
    box: list[int] | None = None,
    name: str | None = None,
) -> QueryImage:
    """A keyframe crop (``box`` as ``[x0, y0, x1, y1]``, like ``video_box``) stored as a
    lossless PNG query image: the seed's suggested workflow in one call."""
    session = await require_session(state, principal, session_id)
    source = require_decodable(state, session)
    check_frame(session, frame)
    crop = _crop(box, session.width or 0, session.height or 0)
    index = await state.keyframes.at_or_before(session.id, frame)
    keyframe = Keyframe(frame=index[0], pts_ms=index[1]) if index else None

    def render() -> bytes:
        image = read_frame(source, frame, float(session.fps or 0), keyframe)
        if crop is not None:
            image = image[crop.y : crop.y + crop.h, crop.x : crop.x + crop.w]
        return bytes(cv2.imencode(".png", image)[1].tobytes())

    try:
        png = await asyncio.to_thread(render)
    except MediaError as exc:
        raise MediaFault(f"frame {frame} could not be decoded: {exc}") from exc
    return await add_query_image(state, principal, png, name)
