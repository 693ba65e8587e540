"""``audioLoudness`` and ``media``."""

from __future__ import annotations

import strawberry

from api.graphql.session_audio.types import AudioLoudness, Media
from api.services.session_audio import get_media, session_loudness


@strawberry.type
class SessionAudioQuery:
    @strawberry.field(
        description="Integrated loudness (LUFS), loudness range and true peak of the session's "
        "audio. Errors: NO_AUDIO (no audio), LOUDNESS_UNDETERMINED (only silence or extremely "
        "low noise), LOUDNESS_PENDING (still being measured)."
    )
    async def audio_loudness(
        self, info: strawberry.Info, session_id: strawberry.ID
    ) -> AudioLoudness:
        ctx = info.context
        found = await session_loudness(ctx.state, ctx.require_principal(), str(session_id))
        return AudioLoudness.from_domain(found)

    @strawberry.field(description="A reference media of the caller's org; null if none.")
    async def media(self, info: strawberry.Info, id: strawberry.ID) -> Media | None:
        ctx = info.context
        found = await get_media(ctx.state, ctx.require_principal(), str(id))
        return Media.from_domain(found) if found else None
