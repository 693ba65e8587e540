"""The schema, composed of one query/mutation/subscription mixin per area."""

from __future__ import annotations

from dataclasses import replace

import strawberry
from graphql import GraphQLError
from strawberry.types import ExecutionContext

from api.graphql.analyses import AnalysisQuery, AnalysisSubscription
from api.graphql.auth import AuthMutation
from api.graphql.errors import TypedErrors, log_errors
from api.graphql.face_types import Identity
from api.graphql.faces import FaceMutation, FaceQuery
from api.graphql.input_strings import InputStrings
from api.graphql.labels import LabelMutation, LabelQuery, LabelSubscription
from api.graphql.limits import QueryLimiter, QueryLimits
from api.graphql.sessions import SessionMutation, SessionQuery
from api.graphql.timeseries import TimeSeriesMutation, TimeSeriesQuery
from api.graphql.types import Label, LabelGroup, Session


@strawberry.type
class Query(SessionQuery, LabelQuery, AnalysisQuery, TimeSeriesQuery, FaceQuery):
    pass


@strawberry.type
class Mutation(SessionMutation, LabelMutation, TimeSeriesMutation, AuthMutation, FaceMutation):
    pass


@strawberry.type
class Subscription(AnalysisSubscription, LabelSubscription):
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
        types=[Session, Label, LabelGroup, Identity],
        extensions=[lambda: QueryLimiter(limits), InputStrings, TypedErrors],
    )


schema = build_schema()
