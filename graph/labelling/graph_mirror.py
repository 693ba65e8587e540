"""The graph side of labelling: ``Campaign`` and ``Clip`` nodes and each clip's final label.

PostgreSQL holds the truth (states, answers); the graph holds what other queries join on:
``(:Clip)-[:IN]->(:Campaign)-[:OWNED_BY]->(:Org)`` and ``(:Clip)-[:OF]->(:Session)``, with
the final ``label`` and ``label_source`` copied onto the clip after every change.
"""

from __future__ import annotations

from collections.abc import Sequence

from graph.backend import GraphBackend
from graph.labelling.models import Campaign, Clip

_CAMPAIGN = """
MERGE (o:Org {id: $org_id})
MERGE (c:Campaign {id: $id})
SET c.name = $name, c.question = $question, c.batch_size = $batch_size,
    c.gold_per_batch = $gold_per_batch, c.org_id = $org_id
MERGE (c)-[:OWNED_BY]->(o)
RETURN count(DISTINCT c) AS written
"""
_CLIPS = """
MATCH (cmp:Campaign {id: $campaign_id})
UNWIND $rows AS row
MATCH (s:Session {id: row.session_id})
MERGE (c:Clip {id: row.id})
SET c.campaign_id = $campaign_id, c.session_id = row.session_id,
    c.start_frame = row.start_frame, c.end_frame = row.end_frame
MERGE (c)-[:IN]->(cmp)
MERGE (c)-[:OF]->(s)
RETURN count(DISTINCT c) AS written
"""
_LABELS = """
UNWIND $rows AS row
MATCH (c:Clip {id: row.id})
SET c.label = row.label, c.label_source = row.label_source
RETURN count(DISTINCT c) AS written
"""


class LabellingGraph:
    """Writes of the labelling nodes; each is one idempotent statement."""

    def __init__(self, graph: GraphBackend) -> None:
        self.graph = graph

    async def write_campaign(self, campaign: Campaign) -> None:
        await self.graph.run(
            _CAMPAIGN,
            {
                "org_id": campaign.org_id,
                "id": campaign.id,
                "name": campaign.name,
                "question": campaign.question,
                "batch_size": campaign.batch_size,
                "gold_per_batch": campaign.gold_per_batch,
            },
        )

    async def write_clips(self, campaign_id: str, clips: Sequence[Clip]) -> None:
        for start in range(0, len(clips), 5000):
            rows = [
                {
                    "id": c.id,
                    "session_id": c.session_id,
                    "start_frame": c.start_frame,
                    "end_frame": c.end_frame,
                }
                for c in clips[start : start + 5000]
            ]
            await self.graph.run(_CLIPS, {"campaign_id": campaign_id, "rows": rows})

    async def write_labels(self, clips: Sequence[Clip]) -> None:
        """Mirror each clip's final label (null while undecided) onto its node."""
        if not clips:
            return
        rows = []
        for clip in clips:
            label, source = clip.final
            rows.append({"id": clip.id, "label": label, "label_source": source})
        await self.graph.run(_LABELS, {"rows": rows})
