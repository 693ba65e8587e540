"""GraphQL types of a session's loudness and of reference media."""

from __future__ import annotations

import strawberry

from api.graphql.common.node import Node
from graph.media_refs import MediaRef
from graph.session_audio import SessionLoudness


@strawberry.type(description="A session's loudness after ITU-R BS.1770-4 / EBU R 128.")
class AudioLoudness:
    session_id: strawberry.ID
    integrated_loudness_lufs: float = strawberry.field(
        description="Gated integrated loudness over the whole audio, in LUFS."
    )
    loudness_range_lu: float | None = strawberry.field(
        description="Loudness range (EBU Tech 3342) in LU; null when too little passes the gates."
    )
    true_peak_dbtp: float | None = strawberry.field(
        description="True peak (4x oversampled) in dBTP, over all channels."
    )

    @classmethod
    def from_domain(cls, found: SessionLoudness) -> AudioLoudness:
        assert found.integrated_lufs is not None
        return cls(
            session_id=strawberry.ID(found.session_id),
            integrated_loudness_lufs=found.integrated_lufs,
            loudness_range_lu=found.loudness_range_lu,
            true_peak_dbtp=found.true_peak_dbtp,
        )


@strawberry.type(description="A reference audio or video file to match sessions against.")
class Media(Node):
    id: strawberry.ID
    name: str | None
    kind: str = strawberry.field(description='"audio" or "video".')
    duration_ms: float | None
    has_audio: bool
    created_at: float

    @classmethod
    def from_domain(cls, media: MediaRef) -> Media:
        return cls(
            id=strawberry.ID(media.id),
            name=media.name,
            kind=media.kind,
            duration_ms=media.duration_ms,
            has_audio=media.has_audio,
            created_at=media.created_at,
        )


@strawberry.input(description="Exactly one of uploadId (from POST /api/v1/files) or url.")
class CreateMediaInput:
    upload_id: strawberry.ID | None = None
    url: str | None = None
    name: str | None = None
