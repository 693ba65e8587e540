"""Identities: create (with gallery photos), merge, list; gallery changes re-match sessions."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

from analysis.errors import MediaError, ModelError
from analysis.faces.reference import MAX_SIDE_PX, embed_reference_image
from api.services.images import decode_upload
from api.services.pagination import check_first
from api.services.state import AppState, Principal
from graph.errors import ErrorCode, InvalidInput, NotFound, ReelgraphError
from graph.identities import Identity
from graph.ids import new_id, now_s
from workers.face_trace import model_spec

MAX_IMAGES = 20
MAX_PAGE = 500
SOURCES = frozenset({"manual", "tmdb", "imdb", "wikidata", "gallery", "stranger"})


class ModelUnavailable(ReelgraphError):
    code = ErrorCode.MODEL_UNAVAILABLE


def check_identity_input(
    name: str, source: str | None, external_id: str | None, profile_image_url: str | None
) -> dict[str, Any]:
    name = (name or "").strip()
    if not name or len(name) > 256:
        raise InvalidInput("name must be 1 to 256 characters", code=ErrorCode.INVALID_NAME)
    source = (source or "manual").strip().lower()
    if source not in SOURCES:
        known = ", ".join(sorted(SOURCES))
        raise InvalidInput(f"source must be one of: {known}", code=ErrorCode.INVALID_SOURCE)
    if external_id is not None and len(external_id) > 256:
        raise InvalidInput(
            "externalId is longer than 256 characters", code=ErrorCode.INVALID_EXTERNAL_ID
        )
    if profile_image_url is not None and not profile_image_url.startswith(("https://", "http://")):
        raise InvalidInput("profileImageUrl must be an http(s) URL", code=ErrorCode.INVALID_URL)
    return {
        "name": name, "source": source, "external_id": external_id,
        "profile_image_url": profile_image_url,
    }  # fmt: skip


@runtime_checkable
class ImageUpload(Protocol):
    """A file part of a request (strawberry hands Starlette's ``UploadFile``)."""

    size: int | None

    async def read(self, size: int = -1) -> bytes: ...


def check_image_count(count: int) -> None:
    if count > MAX_IMAGES:
        raise InvalidInput(
            f"at most {MAX_IMAGES} images per identity", code=ErrorCode.TOO_MANY_IMAGES
        )


def _too_large(number: int, limit: int) -> InvalidInput:
    return InvalidInput(
        f"image {number} is larger than {limit} bytes", code=ErrorCode.IMAGE_TOO_LARGE
    )


async def read_images(state: AppState, uploads: Sequence[object]) -> list[bytes]:
    """The uploads' bytes: count and per-image size checked before (and while) reading."""
    check_image_count(len(uploads))
    limit = state.settings.max_image_bytes
    images = []
    for number, upload in enumerate(uploads, start=1):
        if not isinstance(upload, ImageUpload):
            raise InvalidInput("images must be file uploads", code=ErrorCode.INVALID_IMAGE)
        if (upload.size or 0) > limit:
            raise _too_large(number, limit)
        data = await upload.read(limit + 1)
        if len(data) > limit:
            raise _too_large(number, limit)
        images.append(data)
    return images


async def embed_images(state: AppState, images: Sequence[bytes]) -> list[Any]:
    """Gallery vectors, all or nothing: one image decoded (pixel-capped) and embedded at a time."""
    check_image_count(len(images))
    limit = state.settings.max_image_bytes
    for number, data in enumerate(images, start=1):
        if len(data) > limit:
            raise _too_large(number, limit)
    spec = model_spec(state.settings)
    vectors = []
    for number, data in enumerate(images, start=1):
        bgr = await decode_upload(state.settings, data, number=number, max_side_px=MAX_SIDE_PX)
        try:
            vectors.append(await asyncio.to_thread(embed_reference_image, spec, bgr, number=number))
        except MediaError as exc:
            raise InvalidInput(str(exc), code=ErrorCode.INVALID_IMAGE) from exc
        except ModelError as exc:
            raise ModelUnavailable(str(exc)) from exc
    return vectors


async def create_identity(
    state: AppState, principal: Principal, fields: dict[str, Any], images: Sequence[bytes]
) -> Identity:
    """Validate, embed the photos (all or nothing), then write the node and its gallery."""
    props = check_identity_input(**fields)
    vectors = await embed_images(state, images)
    identity = await new_identity(state, principal, props)
    if vectors:
        await state.gallery.add(identity.id, principal.org_id, vectors)
        await rematch_org(state, principal.org_id)
    return identity


async def new_identity(state: AppState, principal: Principal, props: dict[str, Any]) -> Identity:
    """Write a validated identity (from :func:`check_identity_input`) for the caller's org."""
    return await state.identities.create(
        {**props, "id": new_id(), "org_id": principal.org_id, "created_at": now_s()}
    )


async def require_identity(state: AppState, principal: Principal, identity_id: str) -> Identity:
    found = await state.identities.get(principal.org_id, identity_id)
    if found is None:
        raise NotFound(f"identity {identity_id} not found", code=ErrorCode.IDENTITY_NOT_FOUND)
    return found


async def merge_identities(
    state: AppState, principal: Principal, keep: str, merge: str
) -> Identity:
    if keep == merge:
        raise InvalidInput("keep and merge are the same identity", code=ErrorCode.SAME_IDENTITY)
    kept = await require_identity(state, principal, keep)
    await require_identity(state, principal, merge)
    await state.gallery.move(merge, keep)
    await state.identities.merge(principal.org_id, keep, merge)
    await rematch_org(state, principal.org_id)
    return kept


async def rematch_org(state: AppState, org_id: str) -> None:
    """Queue a re-match of the org's traced sessions against the changed gallery."""
    sessions = await state.sessions.page(org_id, limit=100_000)
    ids = [s.id for s in sessions if s.kind == "video"]
    if ids:
        await state.redis.enqueue_job("match_faces", org_id=org_id, session_ids=ids)


async def identities_page(
    state: AppState, principal: Principal, *, first: int, after: str | None, name: str | None
) -> list[Identity]:
    """Identities by name; ``after`` is the id of the last identity of the previous page."""
    check_first(first, MAX_PAGE)
    position = None
    if after is not None:
        last = await state.identities.get(principal.org_id, after)
        if last is None:
            raise InvalidInput(
                "after is not an identity of this org", code=ErrorCode.INVALID_CURSOR
            )
        position = (last.name, last.id)
    return await state.identities.page(principal.org_id, name=name, after=position, limit=first)
