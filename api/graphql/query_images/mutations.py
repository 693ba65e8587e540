"""``deleteQueryImage(id)`` and ``createQueryImageFromFrame(sessionId, frame, box, name)``."""

from __future__ import annotations

import strawberry

from api.graphql.query_images.types import QueryImage
from api.services import query_images as service


@strawberry.type
class QueryImageMutation:
    @strawberry.mutation(description="Delete a query image; QUERY_IMAGE_NOT_FOUND if none.")
    async def delete_query_image(self, info: strawberry.Info, id: strawberry.ID) -> bool:
        ctx = info.context
        return await service.delete_query_image(ctx.state, ctx.require_principal(), str(id))

    @strawberry.mutation(
        description="Store a frame of a session, cropped to box [x0, y0, x1, y1] (like "
        "video_box; the whole frame without one), as a lossless PNG query image."
    )
    async def create_query_image_from_frame(
        self,
        info: strawberry.Info,
        session_id: strawberry.ID,
        frame: int,
        box: list[int] | None = None,
        name: str | None = None,
    ) -> QueryImage:
        ctx = info.context
        image = await service.query_image_from_frame(
            ctx.state, ctx.require_principal(), str(session_id), frame, box, name
        )
        return QueryImage.from_domain(image)
