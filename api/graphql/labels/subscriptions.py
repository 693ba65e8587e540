"""``labelsAdded``: every label added to a session from now on."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from api.graphql.labels.types import Label
from api.services.sessions import require_session
from graph.events import listen
from graph.labels import label_from_record


@strawberry.type
class LabelSubscription:
    @strawberry.subscription(description="Every label added to the session from now on.")
    async def labels_added(
        self, info: strawberry.Info, session_id: strawberry.ID
    ) -> AsyncGenerator[Label, None]:
        state = info.context.state
        await require_session(state, info.context.require_principal(), str(session_id))
        async for event in listen(state.redis, str(session_id)):
            if event.get("type") == "labels":
                for row in event.get("labels", []):
                    yield Label.from_domain(label_from_record(row))
