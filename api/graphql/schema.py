"""The schema, composed of one query/mutation/subscription mixin per area."""

from __future__ import annotations

import strawberry
from strawberry.extensions import QueryDepthLimiter

from api.graphql.analyses import AnalysisQuery, AnalysisSubscription
from api.graphql.auth import AuthMutation
from api.graphql.errors import TypedErrors
from api.graphql.face_types import Identity
from api.graphql.faces import FaceMutation, FaceQuery
from api.graphql.labels import LabelMutation, LabelQuery, LabelSubscription
from api.graphql.sessions import SessionMutation, SessionQuery
from api.graphql.timeseries import TimeSeriesMutation, TimeSeriesQuery
from api.graphql.types import Label, LabelGroup, Session

DEFAULT_MAX_DEPTH = 12


@strawberry.type
class Query(SessionQuery, LabelQuery, AnalysisQuery, TimeSeriesQuery, FaceQuery):
    pass


@strawberry.type
class Mutation(SessionMutation, LabelMutation, TimeSeriesMutation, AuthMutation, FaceMutation):
    pass


@strawberry.type
class Subscription(AnalysisSubscription, LabelSubscription):
    pass


def build_schema(max_depth: int = DEFAULT_MAX_DEPTH) -> strawberry.Schema:
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=[Session, Label, LabelGroup, Identity],
        extensions=[lambda: QueryDepthLimiter(max_depth=max_depth), TypedErrors],
    )


schema = build_schema()
