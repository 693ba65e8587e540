"""GraphQL types of crowd labelling, each built from its domain object by ``from_domain``."""

from __future__ import annotations

import strawberry

from api.graphql.common.node import Node
from api.graphql.common.pagination import PageInfo
from api.services.labelling.clip_urls import signed_clip_url
from graph.labelling import models
from graph.labelling.campaigns import CampaignStore
from graph.labelling.galleries import GalleryKind
from graph.labelling.models import LabellerType

# The domain enums are the GraphQL enums (strawberry registers the classes themselves).
strawberry.enum(LabellerType, description="A labeller's role in the org; BLACKLISTED is refused.")
strawberry.enum(GalleryKind, description="Which clips a gallery shows (see labellingGallery).")


@strawberry.input(description="A yes/no question over clips cut from sessions.")
class CampaignInput:
    name: str
    question: str
    batch_size: int = 16
    gold_per_batch: int = 4
    session_ids: list[strawberry.ID]
    clips_from: str = strawberry.field(
        default="session", description="session (whole), chunks (shots) or window."
    )
    window_seconds: float | None = strawberry.field(
        default=None, description="The window length when clipsFrom is window."
    )


@strawberry.type(description="A crowd-labelling campaign of the caller's org.")
class Campaign(Node):
    id: strawberry.ID
    name: str
    question: str
    batch_size: int
    gold_per_batch: int
    clip_count: int

    @classmethod
    def from_domain(cls, campaign: models.Campaign) -> Campaign:
        return cls(
            id=strawberry.ID(campaign.id),
            name=campaign.name,
            question=campaign.question,
            batch_size=campaign.batch_size,
            gold_per_batch=campaign.gold_per_batch,
            clip_count=campaign.clip_count,
        )


@strawberry.type(description="One returned batch in a labeller's history.")
class LabellerBatch:
    id: strawberry.ID
    campaign_id: strawberry.ID
    requested_at: float
    returned_at: float
    score: int | None = strawberry.field(description="0 when a gold was missed; null: researcher.")
    num_unlabeled: int
    num_gold_standard: int


@strawberry.type(
    description="Someone who labels clips; score counts non-gold answers in "
    "batches that passed the gold check, rawScore those of every returned batch."
)
class Labeller:
    id: strawberry.ID
    client_id: str = strawberry.field(
        description="The id the labeller signs in with; empty unless the caller is the org's API "
        "key or the labeller themself (with clientId logins it is a credential)."
    )
    type: LabellerType
    score: int
    raw_score: int
    reliability: float | None = strawberry.field(description="score / rawScore; null before any.")
    best_tutorial_action: int
    registered_at: float

    @strawberry.field(description="The labeller's returned batches, newest first.")
    async def history(self, info: strawberry.Info, first: int = 20) -> list[LabellerBatch]:
        # resolvers build these types, so it is imported here rather than at the top
        from api.graphql.labelling.resolvers import labeller_history

        return await labeller_history(info, str(self.id), first)

    @classmethod
    def from_domain(cls, labeller: models.Labeller, *, show_client_id: bool) -> Labeller:
        return cls(
            id=strawberry.ID(labeller.id),
            client_id=labeller.client_id if show_client_id else "",
            type=labeller.type,
            score=labeller.score,
            raw_score=labeller.raw_score,
            reliability=labeller.reliability,
            best_tutorial_action=labeller.best_tutorial_action,
            registered_at=labeller.registered_at,
        )


@strawberry.type
class LabellerLogin:
    token: str = strawberry.field(description="Send as Authorization: Bearer; campaign-scoped.")
    expires_in: int = strawberry.field(description="Seconds the token is valid for.")
    labeller: Labeller


@strawberry.type(description="A frame range of a session to be labelled.")
class Clip(Node):
    id: strawberry.ID
    session_id: strawberry.ID
    start_frame: int
    end_frame: int
    url: str = strawberry.field(description="A signed URL that plays the clip without a key.")
    label_state: int | None = strawberry.field(description="Citizens' state; researchers only.")
    label_state_admin: int | None = strawberry.field(description="Researchers' state.")
    label: bool | None = strawberry.field(description="The final label; null while undecided.")
    label_source: str | None = strawberry.field(description="gold, researcher or citizens.")
    posterior: float | None = strawberry.field(
        description="Dawid-Skene estimate of P(yes) from the citizens' answers; null without any."
    )

    @classmethod
    def from_domain(
        cls,
        clip: models.Clip,
        *,
        org_id: str,
        secret: str,
        url_ttl_s: int,
        show_states: bool,
        posterior: float | None = None,
    ) -> Clip:
        label, source = clip.final if show_states else (None, None)
        return cls(
            id=strawberry.ID(clip.id),
            session_id=strawberry.ID(clip.session_id),
            start_frame=clip.start_frame,
            end_frame=clip.end_frame,
            url=signed_clip_url(
                secret,
                org_id=org_id,
                session_id=clip.session_id,
                start_frame=clip.start_frame,
                end_frame=clip.end_frame,
                ttl_s=url_ttl_s,
                window_s=clip.window_s,
            ),
            label_state=clip.label_state if show_states else None,
            label_state_admin=clip.label_state_admin if show_states else None,
            label=label,
            label_source=source,
            posterior=posterior,
        )


@strawberry.type(description="Clips to label together, with the token to return them.")
class LabellingBatch:
    id: strawberry.ID
    video_token: str
    clips: list[Clip]


@strawberry.type(description="What a returned batch earned; scores are null for researchers.")
class BatchOutcome:
    batch_score: int | None
    user_score: int | None
    user_raw_score: int | None
    passed: bool


@strawberry.input
class ClipAnswer:
    clip_id: strawberry.ID
    label: int = strawberry.field(description="0/1 from citizens; a state code from researchers.")


@strawberry.type
class ClipEdge:
    node: Clip
    cursor: str


@strawberry.type
class ClipConnection:
    edges: list[ClipEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type
class LabellingStatistics:
    num_all_videos: int = strawberry.field(description="Clips that are not gold or bad.")
    num_fully_labeled: int = strawberry.field(
        description="Of those, decided by citizens or a researcher."
    )
    num_partially_labeled: int = strawberry.field(
        description="Of those, with citizen answers but not decided (states 3, 4, 5)."
    )


@strawberry.type
class LabellingProgress:
    campaign_id: strawberry.ID
    num_fully_labeled: int
    num_partially_labeled: int
    batches_returned: int


async def labelling_node(
    info: strawberry.Info, org_id: str, node_id: str
) -> Campaign | Clip | None:
    """``node(id:)`` for labelling: the org's campaign or clip with that id (states shown: the
    caller holds the org's key)."""
    state = info.context.state
    store = CampaignStore(state.pool)
    campaign = await store.get(node_id)
    if campaign is not None and campaign.org_id == org_id:
        return Campaign.from_domain(campaign)
    clip = await store.clip_in_org(node_id, org_id)
    if clip is None:
        return None
    return Clip.from_domain(
        clip,
        org_id=org_id,
        secret=state.jwt_secret,
        url_ttl_s=state.settings.labelling_clip_url_ttl_s,
        show_states=True,
    )
