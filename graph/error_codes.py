"""Every error code clients can see, once: its HTTP status and what it means.

A code is the stable part of an error (``extensions.code`` in GraphQL, ``error.code`` in REST);
messages may change, codes do not. The status is what REST answers and what middleware sends
before a request reaches GraphQL; a GraphQL field error is reported inside a 200 response.
The README's error table is generated from this enum (``python -m scripts.readme_tables``).

Aliases are older spellings of a code that released clients may already match on: they are
still raised where they were, and new code raises the canonical member.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    """A stable error code with its HTTP ``status``, a one-line ``meaning`` and ``alias_of``."""

    status: int
    meaning: str
    alias_of: str | None

    def __new__(
        cls, value: str, status: int, meaning: str, alias_of: str | None = None
    ) -> ErrorCode:
        member = str.__new__(cls, value)
        member._value_ = value
        member.status = status
        member.meaning = meaning
        member.alias_of = alias_of
        return member

    @property
    def canonical(self) -> ErrorCode:
        """The member this one is an older spelling of, or itself."""
        return ErrorCode[self.alias_of] if self.alias_of else self

    @classmethod
    def known(cls, code: str) -> ErrorCode | None:
        """The member spelled ``code``, or None for a code outside this enum."""
        return cls.__members__.get(code)

    # generic: the fallbacks of each error class
    INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR", 500, "unexpected failure (logged, masked)"
    BAD_USER_INPUT = "BAD_USER_INPUT", 400, "invalid input without a more specific code"
    NOT_FOUND = "NOT_FOUND", 404, "no such object without a more specific code"
    CONFLICT = "CONFLICT", 409, "the object's state forbids the operation"
    UNAUTHENTICATED = "UNAUTHENTICATED", 401, "no API key or token was given"
    FORBIDDEN = "FORBIDDEN", 403, "the key lacks the scope the operation needs"
    PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE", 413, "the upload is larger than the configured limit"
    STACK_ERROR = "STACK_ERROR", 503, "an embedded server could not be started or reached"
    STORE_UNAVAILABLE = (
        "STORE_UNAVAILABLE",
        503,
        "the graph store, PostgreSQL or Redis is unreachable for now (`extensions.component` "
        "names it: `graph`, `postgres`, `redis`); retry shortly",
    )
    GRAPHQL_VALIDATION_FAILED = (
        "GRAPHQL_VALIDATION_FAILED",
        400,
        "the GraphQL document does not parse or validate against the schema",
    )

    # authentication and keys
    INVALID_API_KEY = "INVALID_API_KEY", 401, "the API key is unknown or revoked"
    INVALID_TOKEN = "INVALID_TOKEN", 401, "the bearer token is malformed or badly signed"
    TOKEN_EXPIRED = "TOKEN_EXPIRED", 401, "the bearer token has expired"
    TOKEN_REVOKED = "TOKEN_REVOKED", 401, "the API key the token was issued for was revoked"
    API_KEY_NOT_FOUND = "API_KEY_NOT_FOUND", 404, "no API key with that id in this org"
    INVALID_SCOPE = "INVALID_SCOPE", 400, "an unknown scope was asked for"
    INVALID_TTL = "INVALID_TTL", 400, "token lifetime not positive or above the configured maximum"
    INVALID_ORG = "INVALID_ORG", 400, "the org name is empty"
    INVALID_PRINCIPAL = "INVALID_PRINCIPAL", 400, "tokens are issued for an API key only"
    WEAK_JWT_SECRET = "WEAK_JWT_SECRET", 400, "the JWT secret is shorter than 32 bytes"

    # request limits and hostile input
    QUERY_TOO_LARGE = "QUERY_TOO_LARGE", 413, "GraphQL body, tokens or list too large"
    QUERY_TOO_COMPLEX = (
        "QUERY_TOO_COMPLEX",
        400,
        "GraphQL depth, aliases or cost above the limit (`extensions.limit` gives it)",
    )
    INVALID_STRING = "INVALID_STRING", 400, "a string holds a NUL or a lone surrogate"
    JSON_TOO_DEEP = "JSON_TOO_DEEP", 400, "JSON nested deeper than the API reads"
    BODY_READ_TIMEOUT = "BODY_READ_TIMEOUT", 408, "the request body arrived too slowly"
    INVALID_MULTIPART = "INVALID_MULTIPART", 400, "the multipart body is malformed"
    TOO_MANY_FILES = "TOO_MANY_FILES", 400, "more than one file part in an upload"
    TOO_MANY_PARTS = "TOO_MANY_PARTS", 400, "more multipart parts than the API reads"
    NO_FILE = "NO_FILE", 400, "a multipart upload without its file part"
    EMPTY_UPLOAD = "EMPTY_UPLOAD", 400, "the upload has no bytes"

    # sessions, uploads and media
    SESSION_NOT_FOUND = "SESSION_NOT_FOUND", 404, "no session with that id in this org"
    UPLOAD_NOT_FOUND = "UPLOAD_NOT_FOUND", 404, "no upload with that id in this org"
    UPLOAD_IN_USE = "UPLOAD_IN_USE", 409, "the upload already has a session"
    INVALID_SOURCE = "INVALID_SOURCE", 400, "not exactly one source, or an unknown identity source"
    INVALID_URL = "INVALID_URL", 400, "not an http(s) URL with a host"
    INVALID_NAME = "INVALID_NAME", 400, "a name is empty or too long"
    INVALID_TAGS = "INVALID_TAGS", 400, "tags are not a JSON object or are too large"
    NOT_READY = "NOT_READY", 409, "the session is not ingested (yet)"
    SESSION_NOT_READY = (
        "SESSION_NOT_READY",
        409,
        "the session is not an ingested video (faces, VMAF)",
        "NOT_READY",
    )
    NO_VIDEO = "NO_VIDEO", 400, "the session has no video stream"
    NO_AUDIO = "NO_AUDIO", 400, "the session has no audio stream"
    MEDIA_NOT_FOUND = "MEDIA_NOT_FOUND", 404, "the session's media file is not available"
    MEDIA_ERROR = "MEDIA_ERROR", 500, "ingested media could not be decoded"
    VIDEO_TOO_LARGE = "VIDEO_TOO_LARGE", 422, "the video's pictures exceed the pixel limit"
    SAME_SESSION = "SAME_SESSION", 400, "a session cannot be its own VMAF reference"

    # labels and label-driven analyses
    LABEL_NOT_FOUND = "LABEL_NOT_FOUND", 404, "no label with that id in this org"
    LABEL_GROUP_NOT_FOUND = "LABEL_GROUP_NOT_FOUND", 404, "no label group with that id"
    LABEL_GROUP_OTHER_SESSION = (
        "LABEL_GROUP_OTHER_SESSION",
        400,
        "the label group belongs to another session",
    )
    NO_LABELS = "NO_LABELS", 400, "an empty list of labels"
    TOO_MANY_LABELS = "TOO_MANY_LABELS", 400, "more labels than one call takes"
    INVALID_TIME = "INVALID_TIME", 400, "a time is negative, not finite or malformed"
    INVALID_TIME_RANGE = "INVALID_TIME_RANGE", 400, "an end time is before its start"
    INVALID_VIDEO_BOX = "INVALID_VIDEO_BOX", 400, "videoBox is not a list of valid boxes"
    INVALID_LABEL_TYPE = "INVALID_LABEL_TYPE", 400, "not lowercase letters, digits and dashes"
    DATA_TOO_LARGE = "DATA_TOO_LARGE", 400, "a label's data is larger than allowed"
    INVALID_DATA = "INVALID_DATA", 400, "a request label's data has the wrong shape"
    INVALID_EDGE = "INVALID_EDGE", 400, "a keyframe edge other than start or end"
    NOT_A_REQUEST_LABEL = "NOT_A_REQUEST_LABEL", 400, "the label requests no analysis"
    UNKNOWN_ANALYSIS_KEY = "UNKNOWN_ANALYSIS_KEY", 400, "an analysis key the label type lacks"
    INVALID_PARAMETER = "INVALID_PARAMETER", 400, "an unknown or invalid parameter"
    INVALID_PARAM = (
        "INVALID_PARAM",
        400,
        "an invalid REST query parameter (fps, audio, mode...)",
        "INVALID_PARAMETER",
    )
    SCREEN_FREEZING_NEEDS_TAG = (
        "SCREEN_FREEZING_NEEDS_TAG",
        400,
        "screen_freezing asked for without the session tag enabling it",
    )
    INVALID_MAX_POINTS = "INVALID_MAX_POINTS", 400, "maxPoints outside its range"

    # paging
    INVALID_PAGE = "INVALID_PAGE", 400, "first outside its range"
    INVALID_CURSOR = "INVALID_CURSOR", 400, "after is not a cursor from this API"

    # frames, clips and overlays
    INVALID_FRAME = "INVALID_FRAME", 400, "a frame number outside the video or malformed"
    INVALID_FRAME_RANGE = "INVALID_FRAME_RANGE", 400, "end before start, or start past the end"
    INVALID_CROP = "INVALID_CROP", 400, "crop needs x, y, w and h, with w and h positive"
    MISSING_RANGE = "MISSING_RANGE", 400, "a clip needs a frame or a time range"
    RANGE_NOT_SATISFIABLE = "RANGE_NOT_SATISFIABLE", 416, "the byte range is outside the file"
    CHUNK_NOT_FOUND = "CHUNK_NOT_FOUND", 404, "no chunk with that id in this file"

    # faces and identities
    TRACE_NOT_FOUND = (
        "TRACE_NOT_FOUND",
        404,
        "no face trace with that id in this session (400 when the id is no number)",
    )
    STRANGER_NOT_FOUND = (
        "STRANGER_NOT_FOUND",
        404,
        "no stranger with that id in this session (400 when the id is no number)",
    )
    IDENTITY_NOT_FOUND = "IDENTITY_NOT_FOUND", 404, "no identity with that id in this org"
    SAME_IDENTITY = "SAME_IDENTITY", 400, "an identity cannot be merged into itself"
    INVALID_IMAGE = "INVALID_IMAGE", 400, "an image that cannot be decoded or holds no face"
    TOO_MANY_IMAGES = "TOO_MANY_IMAGES", 400, "more gallery images than one identity takes"
    IMAGE_TOO_LARGE = "IMAGE_TOO_LARGE", 400, "an image above the byte or pixel limit"
    INVALID_EXTERNAL_ID = "INVALID_EXTERNAL_ID", 400, "externalId is too long"
    INVALID_MIN_FRAMES = "INVALID_MIN_FRAMES", 400, "minFrames below 1"
    INVALID_MAX_HOPS = "INVALID_MAX_HOPS", 400, "maxHops outside its range"
    MODEL_UNAVAILABLE = (
        "MODEL_UNAVAILABLE",
        503,
        "a model file is missing or corrupt, or `emotions` was asked for without "
        "`REELGRAPH_EMOTIONS_MODEL`",
    )
    NO_FACE = "NO_FACE", 404, "no detected face for what was asked"
    NO_FACES = "NO_FACES", 404, "no face was found in the whole video", "NO_FACE"
    NO_COOCCURRENCE = "NO_COOCCURRENCE", 404, "the two identities never appear together"

    # audio file processing jobs
    AUDIO_JOB_NOT_FOUND = "AUDIO_JOB_NOT_FOUND", 404, "no audio job with that id in this org"
    AUDIO_JOB_NOT_DONE = "AUDIO_JOB_NOT_DONE", 409, "the audio job has no result (yet)"
    UNSUPPORTED_MEDIA_TYPE = (
        "UNSUPPORTED_MEDIA_TYPE",
        415,
        "a job body that is neither JSON nor audio (`audio/wav`, `audio/flac`, `audio/mpeg`...)",
    )
    UNSUPPORTED_FORMAT = "UNSUPPORTED_FORMAT", 415, "the audio cannot be read or has no audio"

    # OCR, image match and query images
    VIDEO_BOX_REQUIRED = "VIDEO_BOX_REQUIRED", 400, "an ocr-request label without a video_box"
    INVALID_OCR_CONFIG = (
        "INVALID_OCR_CONFIG",
        400,
        "ocr_config holds an option or value outside the accepted list, or broken quoting",
    )
    UNKNOWN_MATCH_METHOD = (
        "UNKNOWN_MATCH_METHOD",
        400,
        "an image-match method other than template or keypoint",
    )
    TOO_FEW_KEYPOINTS = "TOO_FEW_KEYPOINTS", 400, "the query image yields under 10 keypoints"
    QUERY_IMAGE_NOT_FOUND = "QUERY_IMAGE_NOT_FOUND", 404, "no query image with that id in this org"
    INVALID_QUERY_IMAGE_ID = "INVALID_QUERY_IMAGE_ID", 400, "a query image id that is no UUID"
    INVALID_EMAIL = "INVALID_EMAIL", 400, "an API key owner's email that is no address"

    # time-series analysis, imported series and PCAP stats
    INVALID_TIME_SERIES_KEY = (
        "INVALID_TIME_SERIES_KEY",
        400,
        "a series key that is not lowercase letters, digits and underscores (1-64)",
    )
    TIME_SERIES_NOT_FOUND = "TIME_SERIES_NOT_FOUND", 404, "the session has no series of that key"
    TIME_SERIES_KEY_TAKEN = (
        "TIME_SERIES_KEY_TAKEN",
        409,
        "an import under the key of a built-in series (only an imported series is replaced)",
    )
    INVALID_POINTS = (
        "INVALID_POINTS",
        400,
        "imported points empty, too many, not finite, negative times or repeated times",
    )
    UNKNOWN_TIME_SERIES_METHOD = (
        "UNKNOWN_TIME_SERIES_METHOD",
        400,
        "a time-series-request method other than range or stats",
    )
    INVALID_METRIC = "INVALID_METRIC", 400, "a stats metric alias that is not one of the list"
    NO_LIMIT = "NO_LIMIT", 400, "a range request with neither lower_limit nor upper_limit"
    LIMITS_REVERSED = "LIMITS_REVERSED", 400, "range limits that leave no value in range"
    MIXED_TIME_SERIES_KEYS = (
        "MIXED_TIME_SERIES_KEYS",
        400,
        "time-series-request labels of one label group name different series",
    )
    NOT_A_CAPTURE = "NOT_A_CAPTURE", 400, "the upload is not a pcap or pcapng capture"
    TRUNCATED_CAPTURE = "TRUNCATED_CAPTURE", 400, "the capture ends in the middle of a packet"
    NO_PCAP = "NO_PCAP", 404, "the session has no capture attached"

    # session audio analyses and reference media
    LOUDNESS_UNDETERMINED = (
        "LOUDNESS_UNDETERMINED",
        400,
        "the audio is only silence or extremely low noise: no integrated loudness",
    )
    LOUDNESS_PENDING = "LOUDNESS_PENDING", 409, "the session's loudness is still being measured"
    INVALID_THRESHOLDS = (
        "INVALID_THRESHOLDS",
        400,
        "audio thresholds: unknown, not numbers, out of range, or not all four match thresholds",
    )
    INVALID_REFERENCE = (
        "INVALID_REFERENCE",
        400,
        "an audio-match-request without exactly one of ref_audio_label_id and ref_audio_media_id",
    )
    REFERENCE_NOT_FOUND = (
        "REFERENCE_NOT_FOUND",
        404,
        "the audio match reference (label, media or session) is not in this org",
    )
    REFERENCE_MEDIA_NOT_FOUND = (
        "REFERENCE_MEDIA_NOT_FOUND",
        404,
        "no reference media (createMedia) with that id in this org",
    )

    # outbound fetches (URL ingest, media proxy)
    URL_FORBIDDEN = "URL_FORBIDDEN", 403, "the URL's host or address may not be fetched"
    UPSTREAM_ERROR = "UPSTREAM_ERROR", 502, "the remote server failed or refused"
    UPSTREAM_TOO_LARGE = "UPSTREAM_TOO_LARGE", 502, "the remote file exceeds the size limit"
    UPSTREAM_TIMEOUT = "UPSTREAM_TIMEOUT", 504, "the remote server answered too slowly"
    NOT_AN_IMAGE = "NOT_AN_IMAGE", 502, "the proxied file is not an image"

    # crowd video labelling
    CAMPAIGN_NOT_FOUND = "CAMPAIGN_NOT_FOUND", 404, "no labelling campaign with that id (here)"
    CLIP_NOT_FOUND = "CLIP_NOT_FOUND", 404, "no clip with that id in this campaign"
    LABELLER_NOT_FOUND = "LABELLER_NOT_FOUND", 404, "no labeller with that id in this org"
    INVALID_CAMPAIGN = (
        "INVALID_CAMPAIGN",
        400,
        "a campaign's name, question, batch size, golds per batch or clip source is out of range",
    )
    INVALID_CLIENT_ID = "INVALID_CLIENT_ID", 400, "a clientId that is not 1-128 of [A-Za-z0-9._-]"
    MISSING_CREDENTIAL = "MISSING_CREDENTIAL", 400, "labellingLogin needs clientId or idToken"
    INVALID_ID_TOKEN = (
        "INVALID_ID_TOKEN",
        401,
        "an OpenID Connect ID token that fails verification (signature, issuer, audience, expiry)",
    )
    OIDC_NOT_CONFIGURED = "OIDC_NOT_CONFIGURED", 400, "idToken given but no issuer is configured"
    LABELLER_BLACKLISTED = "LABELLER_BLACKLISTED", 403, "the labeller is blacklisted"
    RESEARCHER_ONLY = (
        "RESEARCHER_ONLY",
        403,
        "only a researcher (the org's API key, or a labeller of type researcher) may do this",
    )
    LABELLER_ONLY = (
        "LABELLER_ONLY",
        403,
        "the field needs a labeller token (labellingLogin), or a labeller token tried another",
    )
    WRONG_CAMPAIGN = "WRONG_CAMPAIGN", 403, "the labeller token belongs to another campaign"
    NO_BATCH_AVAILABLE = (
        "NO_BATCH_AVAILABLE",
        404,
        "too few golds or clips for a batch now (`extensions.reason`: NOT_ENOUGH_GOLDS or "
        "NOT_ENOUGH_CLIPS)",
    )
    INVALID_BATCH_TOKEN = (
        "INVALID_BATCH_TOKEN",
        401,
        "a batch token that is malformed, tampered, another labeller's, or whose clips differ "
        "from the answers",
    )
    BATCH_TOO_EARLY = "BATCH_TOO_EARLY", 425, "a batch returned before its not-before time"
    BATCH_EXPIRED = "BATCH_EXPIRED", 401, "a batch returned after its token expired"
    BATCH_ALREADY_RETURNED = "BATCH_ALREADY_RETURNED", 409, "the batch was already returned"
    ROLE_CHANGED = (
        "ROLE_CHANGED",
        409,
        "the labeller became or stopped being a researcher since the batch was issued",
    )
    INVALID_ANSWER = (
        "INVALID_ANSWER",
        400,
        "a citizen answer other than 0/1, a state code researchers cannot set, or a clip twice",
    )
    INVALID_CLIP_SIGNATURE = (
        "INVALID_CLIP_SIGNATURE",
        401,
        "a signed clip URL that was altered or has expired",
    )
    INVALID_TUTORIAL_RECORD = (
        "INVALID_TUTORIAL_RECORD",
        400,
        "actionType outside 0-4 or queryType outside 0-2",
    )
    INVALID_GALLERY_QUERY = (
        "INVALID_GALLERY_QUERY",
        400,
        "userId given for a gallery kind other than POSITIVE",
    )
