"""GraphQL types of who shares the screen with whom: a pair's first meeting, the whole graph."""

from __future__ import annotations

import strawberry

from api.graphql.faces.detections import RepresentativeFace, trace_representative
from api.graphql.faces.types import Identity
from api.services.faces import IdentityCoOccurrence
from graph.identities import Identity as IdentityDomain
from graph.identities import IdentityPair


@strawberry.type
class CoOccurrence:
    identity_a: Identity
    identity_b: Identity
    first_frame: int
    timestamp_secs: float
    total_cooccurrence_frames: int
    representative_face_a: RepresentativeFace
    representative_face_b: RepresentativeFace

    @classmethod
    def from_domain(cls, found: IdentityCoOccurrence) -> CoOccurrence:
        fps = found.session.fps
        face_a = trace_representative(found.trace_a, fps)
        face_b = trace_representative(found.trace_b, fps)
        assert face_a is not None and face_b is not None  # every written trace has one
        return cls(
            identity_a=Identity.from_domain(found.identity_a),
            identity_b=Identity.from_domain(found.identity_b),
            first_frame=found.first_frame,
            timestamp_secs=round(found.first_frame / fps, 3) if fps else 0.0,
            total_cooccurrence_frames=found.total_frames,
            representative_face_a=face_a,
            representative_face_b=face_b,
        )


@strawberry.type
class IdentityGraphEdge:
    a: strawberry.ID
    b: strawberry.ID
    total_frames: int
    sessions: int
    mutual_gaze: bool

    @classmethod
    def from_domain(cls, pair: IdentityPair) -> IdentityGraphEdge:
        return cls(
            a=strawberry.ID(pair.a),
            b=strawberry.ID(pair.b),
            total_frames=pair.total_frames,
            sessions=len(pair.sessions),
            mutual_gaze=pair.mutual_gaze,
        )


@strawberry.type
class IdentityGraph:
    nodes: list[Identity]
    edges: list[IdentityGraphEdge]

    @classmethod
    def from_domain(cls, nodes: list[IdentityDomain], pairs: list[IdentityPair]) -> IdentityGraph:
        return cls(
            nodes=[Identity.from_domain(i) for i in nodes],
            edges=[IdentityGraphEdge.from_domain(p) for p in pairs],
        )
