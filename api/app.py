"""The ASGI application: GraphQL at /graphql, REST routes for bytes, health at /healthz."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles

from api.asgi_errors import StoreOutageMiddleware
from api.auth_middleware import AuthMiddleware
from api.graphql.limits import QueryLimits
from api.graphql.schema import build_schema
from api.graphql.view import PLAYGROUND_STATIC, ReelgraphGraphQL
from api.input_middleware import InputStringsMiddleware
from api.labelling_pages import labelling_page_routes
from api.playground import STATIC_DIR
from api.request_body import BodyReadTimeoutMiddleware, UploadSizeLimitMiddleware
from api.rest import audio_jobs, face_json, frames, query_images
from api.rest.audio_stream import audio_stream
from api.rest.files import upload_file
from api.rest.jwks import jwks
from api.rest.label_keyframes import label_keyframe_jpeg
from api.rest.media_proxy import media_proxy
from api.rest.video import stream_video
from api.services.health import component_health
from graph.file_modes import apply_private_umask
from graph.runtime import close_state, open_state
from graph.settings import Settings, load_settings
from graph.state import AppState


async def healthz(request: Request) -> JSONResponse:
    """200 when every component answers; else 503 naming the ones that do not."""
    components = await component_health(request.app.state.reelgraph)
    unavailable = [name for name, ok in components.items() if not ok]
    body: dict[str, object] = {"status": "degraded" if unavailable else "ok"}
    body["components"] = components
    if unavailable:
        body["unavailable"] = unavailable
    return JSONResponse(body, status_code=503 if unavailable else 200)


def _file_routes() -> list[Route]:
    """Seed 004's per-file routes (GET and HEAD)."""
    base = "/api/v1/file/{file_uuid}"
    table = [
        ("/video/bbox", frames.bbox_video),
        ("/thumbnail", frames.thumbnail),
        ("/representative-frame", face_json.representative_frame_json),
        ("/clip", frames.clip_video),
        ("/trace/{trace_id}/video", frames.trace_video),
        ("/trace/{trace_id}/thumbnail", frames.trace_thumbnail),
        ("/trace/{trace_id}/representative-face", face_json.trace_representative_face),
        ("/stranger/{stranger_id}/thumbnail", frames.stranger_thumbnail),
        ("/stranger/{stranger_id}/representative-face", face_json.stranger_representative_face),
        ("/chunk/{chunk_id}/thumbnail", frames.chunk_thumbnail),
        ("/identities/{identity_a}/co-occur-with/{identity_b}", face_json.co_occur),
    ]
    return [Route(base + path, handler, methods=["GET", "HEAD"]) for path, handler in table]


def create_app(settings: Settings | None = None, *, state: AppState | None = None) -> Starlette:
    """Build the app; given a ``state`` it uses those stores, else it opens them at start-up."""
    apply_private_umask()  # uploads, media and renders it writes are not world-readable
    settings = settings or (state.settings if state else load_settings())
    limits = QueryLimits.from_settings(settings)
    graphql = ReelgraphGraphQL(build_schema(limits), limits)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if state is not None:
            yield
            return
        opened = await open_state(settings)
        app.state.reelgraph = opened
        try:
            yield
        finally:
            await close_state(opened)

    app = Starlette(
        routes=[
            Route("/healthz", healthz, methods=["GET"]),
            Route("/.well-known/jwks.json", jwks, methods=["GET"]),
            Mount(PLAYGROUND_STATIC, StaticFiles(directory=STATIC_DIR)),
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            Route("/api/v1/files", upload_file, methods=["POST"]),
            Route("/api/v1/file/{file_uuid}/video", stream_video, methods=["GET", "HEAD"]),
            Route("/api/v1/media-proxy", media_proxy, methods=["GET"]),
            WebSocketRoute("/api/v1/audio/stream", audio_stream),
            Route(
                "/api/v1/label/{label_id}/keyframe/{edge}",
                label_keyframe_jpeg,
                methods=["GET", "HEAD"],
            ),
            *_file_routes(),
            *labelling_page_routes(),  # /label and /gallery
            Route("/file-processing/jobs", audio_jobs.create_job, methods=["POST"]),
            Route("/file-processing/jobs/{job_id}", audio_jobs.get_job, methods=["GET"]),
            Route(
                "/file-processing/jobs/{job_id}/results", audio_jobs.get_results, methods=["GET"]
            ),
            Route("/api/v1/query-images", query_images.upload_query_image, methods=["POST"]),
            Route(
                "/api/v1/query-images/{image_id}",
                query_images.download_query_image,
                methods=["GET"],
            ),
        ],
        # unstorable strings in a path or query are refused before anything reads them
        middleware=[
            # a store that is down or restarting: 503 STORE_UNAVAILABLE naming it, from anywhere
            Middleware(StoreOutageMiddleware),
            # slow bodies get 408 whoever reads them (auth peeks at login bodies)
            Middleware(
                BodyReadTimeoutMiddleware,
                idle_s=settings.body_read_timeout_s,
                total_s=settings.body_read_total_s,
            ),
            Middleware(InputStringsMiddleware),
            Middleware(AuthMiddleware),
            # createIdentity's images: the body stops at the cap instead of being stored first
            Middleware(UploadSizeLimitMiddleware, max_bytes=settings.graphql_upload_max_bytes),
        ],
        lifespan=lifespan,
    )
    if state is not None:
        app.state.reelgraph = state
    return app
