"""The schema, composed of one query/mutation/subscription mixin per area.

Each area lives in ``api/graphql/<area>/`` (types, queries, mutations, subscriptions); the
order of the mixins is the order of the fields in ``schema.graphql``.
"""

from __future__ import annotations

from dataclasses import replace

import strawberry
from graphql import GraphQLError
from strawberry.types import ExecutionContext

from api.graphql.analyses.queries import AnalysisQuery
from api.graphql.analyses.subscriptions import AnalysisSubscription
from api.graphql.audio_jobs.mutations import AudioJobMutation
from api.graphql.audio_jobs.queries import AudioJobQuery
from api.graphql.audio_jobs.subscriptions import AudioJobSubscription
from api.graphql.audio_jobs.types import AudioJob
from api.graphql.auth.mutations import AuthMutation
from api.graphql.errors import TypedErrors, log_errors
from api.graphql.faces.mutations import FaceMutation
from api.graphql.faces.queries import FaceQuery
from api.graphql.faces.types import Identity
from api.graphql.input_strings import InputStrings
from api.graphql.labelling.mutations import LabellingMutation
from api.graphql.labelling.queries import LabellingQuery
from api.graphql.labelling.subscriptions import LabellingSubscription
from api.graphql.labels.mutations import LabelMutation
from api.graphql.labels.queries import LabelQuery
from api.graphql.labels.subscriptions import LabelSubscription
from api.graphql.labels.types import Label, LabelGroup
from api.graphql.limits import QueryLimiter, QueryLimits
from api.graphql.nodes.queries import NodeQuery
from api.graphql.query_images.mutations import QueryImageMutation
from api.graphql.query_images.queries import QueryImageQuery
from api.graphql.session_audio.mutations import SessionAudioMutation
from api.graphql.session_audio.queries import SessionAudioQuery
from api.graphql.sessions.mutations import SessionMutation
from api.graphql.sessions.queries import SessionQuery
from api.graphql.sessions.types import Session
from api.graphql.timeseries.mutations import TimeSeriesMutation
from api.graphql.timeseries.queries import TimeSeriesQuery
from api.graphql.vmaf.mutations import VmafMutation
from api.graphql.vmaf.queries import VmafQuery


@strawberry.type
class Query(
    SessionQuery,
    NodeQuery,
    LabelQuery,
    AnalysisQuery,
    TimeSeriesQuery,
    VmafQuery,
    FaceQuery,
    AudioJobQuery,
    LabellingQuery,
    SessionAudioQuery,
    QueryImageQuery,
):
    pass


@strawberry.type
class Mutation(
    SessionMutation,
    LabelMutation,
    VmafMutation,
    AuthMutation,
    FaceMutation,
    AudioJobMutation,
    LabellingMutation,
    SessionAudioMutation,
    TimeSeriesMutation,
    QueryImageMutation,
):
    pass


@strawberry.type
class Subscription(
    AnalysisSubscription, LabelSubscription, AudioJobSubscription, LabellingSubscription
):
    pass


class ReelgraphSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Log by operation name and error code only (see :func:`log_errors`)."""
        log_errors(errors, execution_context)


def build_schema(
    limits: QueryLimits | None = None, *, max_depth: int | None = None
) -> strawberry.Schema:
    """The schema under ``limits`` (the defaults when omitted; ``max_depth`` overrides)."""
    limits = limits or QueryLimits()
    if max_depth is not None:
        limits = replace(limits, max_depth=max_depth)
    return ReelgraphSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=[Session, Label, LabelGroup, Identity, AudioJob],
        extensions=[lambda: QueryLimiter(limits), InputStrings, TypedErrors],
    )


schema = build_schema()
