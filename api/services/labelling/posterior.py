"""Per-clip Dawid-Skene posteriors of a campaign, next to the state machine's labels."""

from __future__ import annotations

from api.services.state import AppState
from graph.labelling.dawid_skene import dawid_skene
from graph.labelling.states import S

_ANSWERS = """
SELECT a.clip_id, a.labeller_id, a.label FROM labelling_answers a
WHERE a.campaign_id = $1 AND NOT a.researcher AND a.label IN (0, 1)
"""
_GOLDS = """
SELECT id, label_state_admin FROM labelling_clips
WHERE campaign_id = $1 AND label_state_admin IN (47, 32)
"""


async def campaign_posteriors(state: AppState, campaign_id: str) -> dict[str, float]:
    """P(yes) per clip from the citizens' stored answers (golds fixed at their truth)."""
    async with state.pool.acquire() as conn:
        answers = await conn.fetch(_ANSWERS, campaign_id)
        golds = await conn.fetch(_GOLDS, campaign_id)
    fixed = {r["id"]: 1.0 if r["label_state_admin"] == S.GOLD_POS else 0.0 for r in golds}
    rows = [(r["clip_id"], r["labeller_id"], r["label"]) for r in answers]
    return dawid_skene(rows, fixed) if rows else {}
