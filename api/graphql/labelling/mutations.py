"""Labelling mutations: campaigns, logins, returned batches, researcher decisions, roles."""

from __future__ import annotations

import strawberry

from api.graphql.labelling.resolvers import caller_of, clip_out
from api.graphql.labelling.types import (
    BatchOutcome,
    Campaign,
    CampaignInput,
    Clip,
    ClipAnswer,
    Labeller,
    LabellerLogin,
)
from api.services.labelling import batches as batch_service
from api.services.labelling import campaigns as campaign_service
from api.services.labelling import labellers as labeller_service
from api.services.labelling.login import labelling_login
from graph.labelling.models import LabellerType


@strawberry.type
class LabellingMutation:
    @strawberry.mutation(
        description="A campaign with the clips of the given sessions (researcher)."
    )
    async def create_campaign(self, info: strawberry.Info, input: CampaignInput) -> Campaign:
        caller = await caller_of(info)
        spec = campaign_service.CampaignSpec(
            name=input.name,
            question=input.question,
            batch_size=input.batch_size,
            gold_per_batch=input.gold_per_batch,
            clips_from=input.clips_from,
            window_seconds=input.window_seconds,
        )
        created = await campaign_service.create_campaign(
            info.context.state, caller, spec, [str(s) for s in input.session_ids]
        )
        return Campaign.from_domain(created)

    @strawberry.mutation(description="Add the clips of more sessions (researcher); idempotent.")
    async def add_campaign_sessions(
        self, info: strawberry.Info, campaign_id: strawberry.ID, session_ids: list[strawberry.ID]
    ) -> Campaign:
        caller = await caller_of(info)
        found = await campaign_service.add_sessions(
            info.context.state, caller, str(campaign_id), [str(s) for s in session_ids]
        )
        return Campaign.from_domain(found)

    @strawberry.mutation(
        description="Sign a labeller in to a campaign, no API key needed: idToken (an OpenID "
        "Connect ID token of the configured issuer) or clientId (unverified, for testing)."
    )
    async def labelling_login(
        self,
        info: strawberry.Info,
        campaign_id: strawberry.ID,
        client_id: str | None = None,
        id_token: str | None = None,
    ) -> LabellerLogin:
        token, ttl, labeller = await labelling_login(
            info.context.state, str(campaign_id), client_id, id_token
        )
        return LabellerLogin(
            token=token,
            expires_in=ttl,
            labeller=Labeller.from_domain(labeller, show_client_id=True),
        )

    @strawberry.mutation(
        description="Return a batch: every clip once. One wrong gold scores 0 and stores no "
        "answer; a batch is returned once (BATCH_ALREADY_RETURNED after)."
    )
    async def submit_labelling_batch(
        self, info: strawberry.Info, video_token: str, answers: list[ClipAnswer]
    ) -> BatchOutcome:
        caller = await caller_of(info)
        outcome = await batch_service.submit_batch(
            info.context.state, caller, video_token, [(str(a.clip_id), a.label) for a in answers]
        )
        return BatchOutcome(
            batch_score=outcome.batch_score,
            user_score=outcome.user_score,
            user_raw_score=outcome.user_raw_score,
            passed=outcome.passed,
        )

    @strawberry.mutation(
        description="Researcher decisions: 1/0 (23/16), 23, 16, 19, 20, gold 47/32, bad -2, "
        "reset -1."
    )
    async def set_label_states(
        self, info: strawberry.Info, campaign_id: strawberry.ID, items: list[ClipAnswer]
    ) -> list[Clip]:
        caller = await caller_of(info)
        changed = await batch_service.set_label_states(
            info.context.state, caller, str(campaign_id), [(str(i.clip_id), i.label) for i in items]
        )
        return [clip_out(info, caller, c) for c in changed]

    @strawberry.mutation(description="Change a labeller's role or blacklist them (researcher).")
    async def set_labeller_type(
        self, info: strawberry.Info, labeller_id: strawberry.ID, type: LabellerType
    ) -> Labeller:
        caller = await caller_of(info)
        changed = await labeller_service.set_labeller_type(
            info.context.state, caller, str(labeller_id), type
        )
        return Labeller.from_domain(changed, show_client_id=caller.sees_client_id_of(changed.id))

    @strawberry.mutation(
        description="Record a tutorial step of the calling labeller (actionType 0-4, queryType "
        "0-2); keeps the best actionType."
    )
    async def add_tutorial_record(
        self, info: strawberry.Info, action_type: int, query_type: int
    ) -> bool:
        caller = await caller_of(info)
        await labeller_service.add_tutorial_record(
            info.context.state, caller, action_type, query_type
        )
        return True
