"""Per-frame face detections, the face_trace checkpoint and trace embeddings (PostgreSQL)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import astuple, dataclass, fields

import asyncpg
import numpy as np

from analysis.faces.detection import Detection


@dataclass(frozen=True)
class FaceDetection:
    """A stored ``Detection``: with its session and trace, and its quality as stored (``real``
    columns, so reads never recompute it from a rounded box). Converted in one place each way:
    ``of()`` and ``detection()``."""

    session_id: str
    frame: int
    det_idx: int
    trace_id: int | None
    x: float
    y: float
    w: float
    h: float
    confidence: float
    quality: float
    landmarks: list[float]  # 10 numbers: (x, y) of eyes, nose, mouth corners
    yaw: float
    pitch: float
    roll: float
    blur: float | None
    embedding: list[float] | None
    interpolated: bool

    @classmethod
    def of(cls, session_id: str, d: Detection, trace_id: int | None) -> FaceDetection:
        """The row that stores ``d``."""
        return cls(
            session_id=session_id,
            frame=d.frame,
            det_idx=d.det_idx,
            trace_id=trace_id,
            x=d.x,
            y=d.y,
            w=d.w,
            h=d.h,
            confidence=d.confidence,
            quality=d.quality,
            landmarks=[float(v) for v in d.landmarks.reshape(-1)],
            yaw=d.yaw,
            pitch=d.pitch,
            roll=d.roll,
            blur=d.blur,
            embedding=None if d.embedding is None else [float(v) for v in d.embedding],
            interpolated=d.interpolated,
        )

    def detection(self) -> Detection:
        """The stored face as the analysis takes it back (linking after detection)."""
        return Detection(
            frame=self.frame,
            det_idx=self.det_idx,
            x=self.x,
            y=self.y,
            w=self.w,
            h=self.h,
            confidence=self.confidence,
            landmarks=np.asarray(self.landmarks, np.float32).reshape(5, 2),
            yaw=self.yaw,
            pitch=self.pitch,
            roll=self.roll,
            blur=self.blur,
            embedding=None if self.embedding is None else np.asarray(self.embedding, np.float32),
            interpolated=self.interpolated,
        )


@dataclass(frozen=True)
class FaceRun:
    session_id: str
    run_id: str
    params: str
    next_frame: int
    detect_done: bool
    linked: bool


@dataclass(frozen=True)
class RepresentativeFace:
    """A group's face: of the top 10 by area x confidence, the least blurry."""

    frame: int
    x: float
    y: float
    w: float
    h: float
    confidence: float
    quality: float
    blur: float | None


_COLUMNS = [f.name for f in fields(FaceDetection)]
_SELECT = "SELECT " + ", ".join(_COLUMNS) + " FROM face_detections"
# Two stages in one statement: top 10 by quality per group, then the sharpest.
_REPRESENTATIVE = """
WITH groups AS (
    SELECT * FROM unnest($2::int[], $3::int[]) AS g(trace_id, group_id)
), ranked AS (
    SELECT g.group_id, d.frame, d.x, d.y, d.w, d.h, d.confidence, d.quality, d.blur,
           row_number() OVER (PARTITION BY g.group_id ORDER BY d.quality DESC, d.frame) AS rank
    FROM face_detections d JOIN groups g ON g.trace_id = d.trace_id
    WHERE d.session_id = $1 AND NOT d.interpolated
)
SELECT DISTINCT ON (group_id) group_id, frame, x, y, w, h, confidence, quality, blur
FROM ranked WHERE rank <= 10
ORDER BY group_id, blur ASC NULLS LAST, quality DESC, frame
"""


def _record(row: asyncpg.Record) -> FaceDetection:
    values = dict(row)
    values["landmarks"] = list(values["landmarks"] or [])
    if values["embedding"] is not None:
        values["embedding"] = list(values["embedding"])
    return FaceDetection(**values)


class FaceDetectionStore:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def start_run(self, session_id: str, params: str) -> str:
        """A fresh run: the old checkpoint and detections go; returns the new run id."""
        run_id = uuid.uuid4().hex
        async with self.pool.acquire() as conn, conn.transaction():
            await conn.execute("DELETE FROM face_detections WHERE session_id = $1", session_id)
            await conn.execute(
                "INSERT INTO face_trace_runs (session_id, run_id, params) VALUES ($1, $2, $3)"
                " ON CONFLICT (session_id) DO UPDATE SET run_id = $2, params = $3,"
                " next_frame = 0, detect_done = false, linked = false, updated_at = now()",
                session_id,
                run_id,
                params,
            )
        return run_id

    async def run(self, session_id: str) -> FaceRun | None:
        row = await self.pool.fetchrow(
            "SELECT session_id, run_id, params, next_frame, detect_done, linked"
            " FROM face_trace_runs WHERE session_id = $1",
            session_id,
        )
        return FaceRun(**dict(row)) if row else None

    async def save_chunk(
        self,
        session_id: str,
        run_id: str,
        detections: Sequence[Detection],
        *,
        next_frame: int,
        detect_done: bool,
    ) -> bool:
        """Append a chunk's detections and move the checkpoint, atomically.

        False (and nothing written) when another run has replaced this one.
        """
        async with self.pool.acquire() as conn, conn.transaction():
            current = await conn.fetchval(
                "SELECT run_id FROM face_trace_runs WHERE session_id = $1 FOR UPDATE", session_id
            )
            if current != run_id:
                return False
            if detections:
                await conn.execute(
                    "CREATE TEMP TABLE chunk_rows (LIKE face_detections) ON COMMIT DROP"
                )
                await conn.copy_records_to_table(
                    "chunk_rows",
                    records=[astuple(FaceDetection.of(session_id, d, None)) for d in detections],
                    columns=_COLUMNS,
                )
                await conn.execute(
                    "INSERT INTO face_detections SELECT * FROM chunk_rows"
                    " ON CONFLICT (session_id, frame, det_idx) DO NOTHING"
                )
            await conn.execute(
                "UPDATE face_trace_runs SET next_frame = $2, detect_done = $3, updated_at = now()"
                " WHERE session_id = $1",
                session_id,
                next_frame,
                detect_done,
            )
        return True

    async def detected(self, session_id: str) -> list[FaceDetection]:
        """Every detected (not interpolated) face of the session, in frame order."""
        rows = await self.pool.fetch(
            _SELECT + " WHERE session_id = $1 AND NOT interpolated ORDER BY frame, det_idx",
            session_id,
        )
        return [_record(r) for r in rows]

    async def write_traces(
        self,
        session_id: str,
        run_id: str,
        assignments: Sequence[tuple[int, int, int]],
        interpolated: Sequence[tuple[int, Detection]],
        trace_embeddings: Mapping[int, np.ndarray],
    ) -> bool:
        """Set every detection's trace, replace the interpolated rows and trace embeddings.

        ``assignments``: (frame, det_idx, trace_id) of detected faces that belong to a trace;
        the others keep trace_id NULL; ``interpolated``: (trace_id, detection) of the faces
        filled in between. One transaction, so a re-run never duplicates rows.
        """
        async with self.pool.acquire() as conn, conn.transaction():
            current = await conn.fetchval(
                "SELECT run_id FROM face_trace_runs WHERE session_id = $1 FOR UPDATE", session_id
            )
            if current != run_id:
                return False
            await conn.execute(
                "DELETE FROM face_detections WHERE session_id = $1 AND interpolated", session_id
            )
            await conn.execute(
                "UPDATE face_detections SET trace_id = NULL WHERE session_id = $1", session_id
            )
            await conn.execute(
                "CREATE TEMP TABLE trace_rows (frame int, det_idx int, trace_id int) ON COMMIT DROP"
            )
            await conn.copy_records_to_table("trace_rows", records=list(assignments))
            await conn.execute(
                "UPDATE face_detections d SET trace_id = t.trace_id FROM trace_rows t"
                " WHERE d.session_id = $1 AND d.frame = t.frame AND d.det_idx = t.det_idx",
                session_id,
            )
            if interpolated:
                await conn.copy_records_to_table(
                    "face_detections",
                    records=[astuple(FaceDetection.of(session_id, d, t)) for t, d in interpolated],
                    columns=_COLUMNS,
                )
            await conn.execute(
                "DELETE FROM face_trace_embeddings WHERE session_id = $1", session_id
            )
            await conn.copy_records_to_table(
                "face_trace_embeddings",
                records=[
                    (session_id, trace_id, vector.astype(float).tolist())
                    for trace_id, vector in trace_embeddings.items()
                ],
            )
            await conn.execute(
                "UPDATE face_trace_runs SET linked = true, updated_at = now()"
                " WHERE session_id = $1",
                session_id,
            )
        return True

    async def trace_embeddings(self, session_id: str) -> dict[int, np.ndarray]:
        rows = await self.pool.fetch(
            "SELECT trace_id, embedding FROM face_trace_embeddings WHERE session_id = $1",
            session_id,
        )
        return {r["trace_id"]: np.asarray(r["embedding"], np.float32) for r in rows}

    async def representatives(
        self, session_id: str, groups: Mapping[int, Sequence[int]]
    ) -> dict[int, RepresentativeFace]:
        """group id → representative face over the group's traces (a trace is its own group)."""
        pairs = [(t, g) for g, traces in groups.items() for t in traces]
        if not pairs:
            return {}
        rows = await self.pool.fetch(
            _REPRESENTATIVE, session_id, [t for t, _ in pairs], [g for _, g in pairs]
        )
        return {
            r["group_id"]: RepresentativeFace(
                frame=r["frame"],
                x=r["x"],
                y=r["y"],
                w=r["w"],
                h=r["h"],
                confidence=r["confidence"],
                quality=r["quality"],
                blur=r["blur"],
            )
            for r in rows
        }

    async def page(
        self, session_id: str, trace_id: int, *, after: tuple[int, int] | None, limit: int
    ) -> list[FaceDetection]:
        """A trace's detections (detected and interpolated) by frame, keyset-paginated."""
        after_frame, after_idx = after if after else (-1, 0)
        rows = await self.pool.fetch(
            _SELECT + " WHERE session_id = $1 AND trace_id = $2 AND (frame, det_idx) > ($3, $4)"
            " ORDER BY frame, det_idx LIMIT $5",
            session_id,
            trace_id,
            after_frame,
            after_idx,
            limit,
        )
        return [_record(r) for r in rows]

    async def count(self, session_id: str, trace_id: int | None = None) -> int:
        value = await self.pool.fetchval(
            "SELECT count(*) FROM face_detections WHERE session_id = $1"
            " AND ($2::int IS NULL OR trace_id = $2)",
            session_id,
            trace_id,
        )
        return int(value or 0)

    async def at_frame(self, session_id: str, frame: int) -> list[FaceDetection]:
        rows = await self.pool.fetch(
            _SELECT + " WHERE session_id = $1 AND frame = $2 AND trace_id IS NOT NULL"
            " ORDER BY trace_id",
            session_id,
            frame,
        )
        return [_record(r) for r in rows]

    async def best_face(
        self, session_id: str, trace_ids: Sequence[int] | None, start: int, stop: int
    ) -> FaceDetection | None:
        """The highest-quality detected face of these traces (None: any) in [start, stop)."""
        row = await self.pool.fetchrow(
            _SELECT + " WHERE session_id = $1 AND trace_id IS NOT NULL AND NOT interpolated"
            " AND ($2::int[] IS NULL OR trace_id = ANY($2::int[]))"
            " AND frame >= $3 AND frame < $4 ORDER BY quality DESC, frame LIMIT 1",
            session_id,
            list(trace_ids) if trace_ids is not None else None,
            start,
            stop,
        )
        return _record(row) if row else None

    async def in_range(
        self, session_id: str, start: int, end: int, trace_id: int | None = None
    ) -> list[FaceDetection]:
        """Traced faces (detected and interpolated) on frames start..end, by frame."""
        rows = await self.pool.fetch(
            _SELECT + " WHERE session_id = $1 AND frame BETWEEN $2 AND $3"
            " AND trace_id IS NOT NULL AND ($4::int IS NULL OR trace_id = $4)"
            " ORDER BY frame, trace_id",
            session_id,
            start,
            end,
            trace_id,
        )
        return [_record(r) for r in rows]

    async def delete_session(self, session_id: str) -> None:
        async with self.pool.acquire() as conn, conn.transaction():
            for table in ("face_detections", "face_trace_runs", "face_trace_embeddings"):
                await conn.execute(f"DELETE FROM {table} WHERE session_id = $1", session_id)
