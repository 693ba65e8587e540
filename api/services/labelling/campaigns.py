"""Creating campaigns and adding sessions to them: clips cut from sessions, chunks or windows."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from api.services.labelling.access import LabellingCaller, require_campaign, require_researcher
from api.services.state import AppState
from graph.errors import ErrorCode, InvalidInput, NotFound
from graph.ids import new_id, now_s
from graph.labelling.campaigns import CampaignStore
from graph.labelling.clip_ranges import CLIPS_FROM, MAX_WINDOW_SECONDS, clip_ranges
from graph.labelling.graph_mirror import LabellingGraph
from graph.labelling.models import Campaign

MAX_BATCH_SIZE = 100
MAX_SESSIONS_PER_CALL = 1000
MAX_CLIPS_PER_CALL = 100_000
MAX_NAME = 200
MAX_QUESTION = 2000


@dataclass(frozen=True)
class CampaignSpec:
    name: str
    question: str
    batch_size: int
    gold_per_batch: int
    clips_from: str
    window_seconds: float | None


def _invalid(message: str) -> InvalidInput:
    return InvalidInput(message, code=ErrorCode.INVALID_CAMPAIGN)


def check_spec(spec: CampaignSpec) -> CampaignSpec:
    """The spec with trimmed text, or INVALID_CAMPAIGN naming the first bad field."""
    name, question = spec.name.strip(), spec.question.strip()
    if not 0 < len(name) <= MAX_NAME:
        raise _invalid(f"name must be 1 to {MAX_NAME} characters")
    if not 0 < len(question) <= MAX_QUESTION:
        raise _invalid(f"question must be 1 to {MAX_QUESTION} characters")
    if not 3 <= spec.batch_size <= MAX_BATCH_SIZE:
        raise _invalid(f"batchSize must be 3 to {MAX_BATCH_SIZE}")
    if not 2 <= spec.gold_per_batch < spec.batch_size:
        raise _invalid("goldPerBatch must be at least 2 (one of each answer) and below batchSize")
    if spec.clips_from not in CLIPS_FROM:
        raise _invalid(f"clipsFrom must be one of {', '.join(CLIPS_FROM)}")
    window = spec.window_seconds
    if spec.clips_from == "window":
        if window is None or not math.isfinite(window) or not 0 < window <= MAX_WINDOW_SECONDS:
            raise _invalid(f"windowSeconds must be above 0 and at most {MAX_WINDOW_SECONDS:g}")
    elif window is not None:
        raise _invalid("windowSeconds goes with clipsFrom: window only")
    return CampaignSpec(
        name, question, spec.batch_size, spec.gold_per_batch, spec.clips_from, window
    )


async def create_campaign(
    state: AppState, caller: LabellingCaller, spec: CampaignSpec, session_ids: Sequence[str]
) -> Campaign:
    """A campaign of the caller's org with the clips of ``session_ids``."""
    require_researcher(caller)
    spec = check_spec(spec)
    campaign = Campaign(
        id=new_id(),
        org_id=caller.org_id,
        name=spec.name,
        question=spec.question,
        batch_size=spec.batch_size,
        gold_per_batch=spec.gold_per_batch,
        clips_from=spec.clips_from,
        window_seconds=spec.window_seconds,
        created_at=now_s(),
    )
    ranges = await _ranges(state, campaign, session_ids)  # validated before anything is written
    await CampaignStore(state.pool).create(campaign)
    await LabellingGraph(state.graph).write_campaign(campaign)
    return await _add(state, campaign, ranges)


async def add_sessions(
    state: AppState, caller: LabellingCaller, campaign_id: str, session_ids: Sequence[str]
) -> Campaign:
    """Add the clips of more sessions; ranges already in the campaign are kept as they are."""
    require_researcher(caller)
    campaign = await require_campaign(state, caller, campaign_id)
    return await _add(state, campaign, await _ranges(state, campaign, session_ids))


async def _ranges(
    state: AppState, campaign: Campaign, session_ids: Sequence[str]
) -> list[tuple[str, int, int, float]]:
    ids = list(dict.fromkeys(session_ids))
    if len(ids) > MAX_SESSIONS_PER_CALL:
        raise _invalid(f"at most {MAX_SESSIONS_PER_CALL} sessions per call")
    sessions = await state.sessions.get_many(ids, campaign.org_id)
    chunks = await state.chunks.by_sessions(ids) if campaign.clips_from == "chunks" else {}
    found: list[tuple[str, int, int, float]] = []
    for session_id in ids:
        session = sessions.get(session_id)
        if session is None:
            raise NotFound(f"session {session_id} not found", code=ErrorCode.SESSION_NOT_FOUND)
        if session.kind != "video" or not session.fps or not session.frame_count:
            raise InvalidInput(
                f"session {session_id} has no video frames (yet)", code=ErrorCode.NO_VIDEO
            )
        for start, end in clip_ranges(
            frame_count=session.frame_count,
            fps=session.fps,
            clips_from=campaign.clips_from,
            window_seconds=campaign.window_seconds,
            chunks=[(c.start_frame, c.end_frame) for c in chunks.get(session_id, [])],
        ):
            found.append((session_id, start, end, session.fps))
        if len(found) > MAX_CLIPS_PER_CALL:
            raise _invalid(f"more than {MAX_CLIPS_PER_CALL} clips in one call")
    return found


async def _add(
    state: AppState, campaign: Campaign, ranges: Sequence[tuple[str, int, int, float]]
) -> Campaign:
    store = CampaignStore(state.pool)
    added = await store.add_clips(
        campaign.id, [(new_id(), s, a, b, fps) for s, a, b, fps in ranges]
    )
    await LabellingGraph(state.graph).write_clips(campaign.id, added)
    refreshed = await store.get(campaign.id)
    assert refreshed is not None
    return refreshed
