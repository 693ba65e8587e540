"""``createMedia`` and ``deleteMedia``: reference audio or video for audio match."""

from __future__ import annotations

import strawberry

from api.graphql.session_audio.types import CreateMediaInput, Media
from api.services.session_audio import create_media, delete_media


@strawberry.type
class SessionAudioMutation:
    @strawberry.mutation(
        description="Make a reference media of an upload (POST /api/v1/files) or a URL; its id "
        "is what an audio-match-request's data.ref_audio_media_id names."
    )
    async def create_media(self, info: strawberry.Info, input: CreateMediaInput) -> Media:
        ctx = info.context
        media = await create_media(
            ctx.state,
            ctx.require_principal(),
            upload_id=str(input.upload_id) if input.upload_id is not None else None,
            url=input.url,
            name=input.name,
        )
        return Media.from_domain(media)

    @strawberry.mutation(description="Delete a reference media and its file.")
    async def delete_media(self, info: strawberry.Info, id: strawberry.ID) -> bool:
        ctx = info.context
        return await delete_media(ctx.state, ctx.require_principal(), str(id))
