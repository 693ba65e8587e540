"""Domain objects of crowd labelling, and how database rows become them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import asyncpg

from graph.labelling.states import LabelSource, final_label


class LabellerType(IntEnum):
    """A labeller's role in an org (the reference's client types)."""

    RESEARCHER = 0
    EXPERT = 1
    AMATEUR = 2
    LAYPERSON = 3  # everyone starts here
    BLACKLISTED = -1


@dataclass(frozen=True)
class Campaign:
    id: str
    org_id: str
    name: str
    question: str
    batch_size: int
    gold_per_batch: int
    clips_from: str
    window_seconds: float | None
    created_at: float
    clip_count: int = 0


@dataclass(frozen=True)
class Clip:
    id: str
    seq: int
    campaign_id: str
    session_id: str
    start_frame: int
    end_frame: int
    label_state: int
    label_state_admin: int
    label_update_time: float
    fps: float | None = None  # the session's, when the clip was cut (null on older clips)

    @property
    def window_s(self) -> float | None:
        """The clip's length in seconds: end_frame is inclusive."""
        return (self.end_frame - self.start_frame + 1) / self.fps if self.fps else None

    @property
    def final(self) -> tuple[bool | None, LabelSource | None]:
        return final_label(self.label_state, self.label_state_admin)


@dataclass(frozen=True)
class Labeller:
    id: str
    org_id: str
    client_id: str
    type: LabellerType
    score: int
    raw_score: int
    best_tutorial_action: int
    registered_at: float

    @property
    def reliability(self) -> float | None:
        """Share of returned non-gold answers that were in batches passing the gold check."""
        return self.score / self.raw_score if self.raw_score else None

    @property
    def is_researcher(self) -> bool:
        return self.type is LabellerType.RESEARCHER

    @property
    def sees_states(self) -> bool:
        """Researchers and experts may read label states and the researcher-only galleries."""
        return self.type in (LabellerType.RESEARCHER, LabellerType.EXPERT)


@dataclass(frozen=True)
class BatchOutcome:
    """What a returned batch did: the scores (null for a researcher) and the clips it moved."""

    batch_score: int | None
    user_score: int | None
    user_raw_score: int | None
    passed: bool
    changed: tuple[Clip, ...]


@dataclass(frozen=True)
class Statistics:
    num_all: int
    num_fully: int
    num_partially: int
    batches_returned: int


CLIP_COLUMNS = (
    "id, seq, campaign_id, session_id, start_frame, end_frame, label_state, "
    "label_state_admin, label_update_time, fps"
)
LABELLER_COLUMNS = (
    "id, org_id, client_id, client_type, score, raw_score, best_tutorial_action, registered_at"
)
CAMPAIGN_COLUMNS = (
    "c.id, c.org_id, c.name, c.question, c.batch_size, c.gold_per_batch, c.clips_from, "
    "c.window_seconds, c.created_at"
)


def clip_from_row(row: asyncpg.Record) -> Clip:
    return Clip(**{k: row[k] for k in Clip.__dataclass_fields__})


def labeller_from_row(row: asyncpg.Record) -> Labeller:
    return Labeller(
        id=row["id"],
        org_id=row["org_id"],
        client_id=row["client_id"],
        type=LabellerType(row["client_type"]),
        score=row["score"],
        raw_score=row["raw_score"],
        best_tutorial_action=row["best_tutorial_action"],
        registered_at=row["registered_at"],
    )


def campaign_from_row(row: asyncpg.Record) -> Campaign:
    values = {k: row[k] for k in Campaign.__dataclass_fields__ if k in row.keys()}
    return Campaign(**values)
