"""``node(id:)``: a session, label, label group, identity, audio job, reference media, query
image, labelling campaign or clip of the caller's org by id.

It looks in every area that has a ``Node`` type, so it sits above them all.
"""

from __future__ import annotations

import strawberry

from api.graphql.audio_jobs.types import AudioJob
from api.graphql.common.node import Node
from api.graphql.faces.types import Identity
from api.graphql.labelling.types import labelling_node
from api.graphql.labels.types import Label, LabelGroup
from api.graphql.query_images.types import QueryImage
from api.graphql.session_audio.types import Media
from api.graphql.sessions.types import Session
from api.services.query_images import query_image_or_none
from api.services.session_audio import media_ref_or_none


@strawberry.type
class NodeQuery:
    @strawberry.field(
        description=(
            "A session, label, label group, identity, audio job, reference media, query image, "
            "labelling campaign or clip by id."
        )
    )
    async def node(self, info: strawberry.Info, id: strawberry.ID) -> Node | None:
        ctx = info.context
        org_id = ctx.require_principal().org_id
        session = await ctx.state.sessions.get(str(id), org_id)
        if session is not None:
            return Session.from_domain(session)
        label = await ctx.state.labels.get(str(id), org_id)
        if label is not None:
            return Label.from_domain(label)
        group = await ctx.state.labels.group_labels(str(id), org_id)
        if group is not None:
            return LabelGroup.from_domain(str(id), group[0], group[1])
        identity = await ctx.state.identities.get(org_id, str(id))
        if identity is not None:
            return Identity.from_domain(identity)
        job = await ctx.state.audio_jobs.get(str(id), org_id)
        if job is not None:
            return AudioJob.from_domain(job)
        media = await media_ref_or_none(ctx.state, org_id, str(id))
        if media is not None:
            return Media.from_domain(media)
        image = await query_image_or_none(ctx.state, org_id, str(id))
        if image is not None:
            return QueryImage.from_domain(image)
        return await labelling_node(info, org_id, str(id))
