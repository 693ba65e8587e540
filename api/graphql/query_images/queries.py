"""``queryImage(id)`` and ``queryImages(name, email)``."""

from __future__ import annotations

import strawberry

from api.graphql.query_images.types import QueryImage
from api.services import query_images as service


@strawberry.type
class QueryImageQuery:
    @strawberry.field(description="A query image of the caller's org; null when there is none.")
    async def query_image(self, info: strawberry.Info, id: strawberry.ID) -> QueryImage | None:
        ctx = info.context
        found = await service.get_query_image(ctx.state, ctx.require_principal(), str(id))
        return QueryImage.from_domain(found) if found else None

    @strawberry.field(
        description="The org's query images, newest first. name: a LIKE pattern (% any run of "
        "characters, _ one character, \\ escapes; case-insensitive); email: the uploader's, exact."
    )
    async def query_images(
        self, info: strawberry.Info, name: str | None = None, email: str | None = None
    ) -> list[QueryImage]:
        ctx = info.context
        found = await service.list_query_images(ctx.state, ctx.require_principal(), name, email)
        return [QueryImage.from_domain(image) for image in found]
