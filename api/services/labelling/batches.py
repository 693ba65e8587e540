"""Issuing and returning batches: the token round trip around :class:`BatchStore`.

Everything that can refuse a returned batch without the database (signature, not-before,
expiry, the labeller, the clip set, the answer values) is checked before the transaction, so
such a refusal leaves the batch returnable.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from api.services.labelling.access import (
    LabellingCaller,
    require_campaign,
    require_labeller,
    require_researcher,
)
from api.services.labelling.progress import publish_progress
from api.services.labelling.tokens import decode_batch_token, issue_batch_token
from api.services.state import AppState
from graph.errors import ErrorCode, InvalidInput, ReelgraphError, Unauthenticated
from graph.labelling import states
from graph.labelling.batches_store import BatchStore
from graph.labelling.campaigns import CampaignStore
from graph.labelling.graph_mirror import LabellingGraph
from graph.labelling.models import BatchOutcome, Clip

_rng = random.SystemRandom()


@dataclass(frozen=True)
class IssuedBatch:
    id: str
    video_token: str
    clips: list[Clip]


async def issue_batch(state: AppState, caller: LabellingCaller, campaign_id: str) -> IssuedBatch:
    """A batch for the calling labeller, or NO_BATCH_AVAILABLE with the reason."""
    labeller = require_labeller(caller)
    campaign = await require_campaign(state, caller, campaign_id)
    issued = await BatchStore(state.pool).issue(campaign, labeller.id, labeller.is_researcher, _rng)
    if isinstance(issued, str):
        raise ReelgraphError(
            "no batch can be made now", code=ErrorCode.NO_BATCH_AVAILABLE, reason=issued
        )
    batch_id, plan = issued
    found = await CampaignStore(state.pool).clips(campaign.id, plan.clip_ids)
    token = issue_batch_token(
        state.jwt_secret,
        batch_id=batch_id,
        labeller_id=labeller.id,
        campaign_id=campaign.id,
        clip_ids=list(plan.clip_ids),
        not_before_s=state.settings.labelling_batch_min_s,
        ttl_s=state.settings.labelling_batch_ttl_s,
    )
    return IssuedBatch(batch_id, token, [found[c] for c in plan.clip_ids])


def check_answers(answers: Sequence[tuple[str, int]], researcher: bool) -> dict[str, int]:
    """Answers by clip: each clip once; 0/1 from citizens, a settable state from researchers."""
    found: dict[str, int] = {}
    for clip_id, label in answers:
        if clip_id in found:
            raise InvalidInput(f"clip {clip_id} is answered twice", code=ErrorCode.INVALID_ANSWER)
        allowed = (
            states.researcher_next(label) is not None
            if researcher
            else label in states.CITIZEN_ANSWERS
        )
        if not allowed:
            expected = "a state code researchers may set" if researcher else "0 or 1"
            raise InvalidInput(
                f"the answer for clip {clip_id} must be {expected}", code=ErrorCode.INVALID_ANSWER
            )
        found[clip_id] = label
    return found


async def submit_batch(
    state: AppState, caller: LabellingCaller, video_token: str, answers: Sequence[tuple[str, int]]
) -> BatchOutcome:
    """Apply a returned batch (gold check, scores, states) in one transaction."""
    labeller = require_labeller(caller)
    claims = decode_batch_token(state.jwt_secret, video_token)
    if claims.labeller_id != labeller.id:
        raise Unauthenticated(
            "the batch belongs to another labeller", code=ErrorCode.INVALID_BATCH_TOKEN
        )
    if caller.campaign_id != claims.campaign_id:
        raise ReelgraphError("the batch belongs to another campaign", code=ErrorCode.WRONG_CAMPAIGN)
    by_clip = check_answers(answers, labeller.is_researcher)
    if set(by_clip) != claims.clip_ids:
        raise Unauthenticated(
            "the answers' clips are not the batch's clips", code=ErrorCode.INVALID_BATCH_TOKEN
        )
    outcome = await BatchStore(state.pool).submit(
        batch_id=claims.batch_id,
        campaign_id=claims.campaign_id,
        labeller_id=labeller.id,
        connection_id=caller.connection_id,
        answers=by_clip,
    )
    await LabellingGraph(state.graph).write_labels(outcome.changed)
    await publish_progress(state, claims.campaign_id)
    return outcome


async def set_label_states(
    state: AppState, caller: LabellingCaller, campaign_id: str, items: Sequence[tuple[str, int]]
) -> list[Clip]:
    """A researcher's decisions: 0/1, final states, golds (47/32), bad (-2) or reset (-1)."""
    require_researcher(caller)
    campaign = await require_campaign(state, caller, campaign_id)
    by_clip = check_answers(items, researcher=True)
    labeller_id = caller.labeller.id if caller.labeller else None
    changed = await BatchStore(state.pool).set_states(campaign.id, labeller_id, by_clip)
    await LabellingGraph(state.graph).write_labels(changed)
    await publish_progress(state, campaign.id)
    order = {c: i for i, c in enumerate(by_clip)}
    return sorted(changed, key=lambda c: order[c.id])
