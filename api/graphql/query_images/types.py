"""The GraphQL type of a query image (its bytes are at ``GET /api/v1/query-images/{id}``)."""

from __future__ import annotations

import strawberry

from api.graphql.common.node import Node
from graph.query_images import QueryImage as QueryImageDomain


@strawberry.type(description="An org's image that image-match requests look for.")
class QueryImage(Node):
    id: strawberry.ID
    name: str | None
    org_id: strawberry.ID
    user_id: strawberry.ID | None = strawberry.field(description="The uploading API key's id.")
    uploader_email: str | None = strawberry.field(description="The uploading API key's owner.")
    ts_created: float = strawberry.field(description="Epoch seconds of the upload.")
    width: int
    height: int

    @classmethod
    def from_domain(cls, image: QueryImageDomain) -> QueryImage:
        return cls(
            id=strawberry.ID(image.id),
            name=image.name,
            org_id=strawberry.ID(image.org_id),
            user_id=strawberry.ID(image.user_id) if image.user_id else None,
            uploader_email=image.uploader_email,
            ts_created=image.ts_created,
            width=image.width,
            height=image.height,
        )
