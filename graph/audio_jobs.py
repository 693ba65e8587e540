"""Audio file processing jobs (PostgreSQL): state, configuration, result and callback attempts.

A job moves ``new`` → ``processing`` → ``done`` or ``error``; only a job that is not finished
changes state, so a retried or cancelled job never overwrites a finished one. The result
document is stored as given (``{"channels": {...}}``) and read back only by the results route.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import asyncpg


class AudioJobState(StrEnum):
    NEW = "new"  # queued, not started
    PROCESSING = "processing"  # a worker is fetching, decoding or analysing
    DONE = "done"  # the result is stored
    ERROR = "error"  # failed or cancelled; error_description says why


FINISHED = (AudioJobState.DONE.value, AudioJobState.ERROR.value)


@dataclass(frozen=True)
class CallbackAttempt:
    """One delivery attempt of the completion callback."""

    at: float  # epoch seconds
    status: int | None  # the HTTP status, None when no answer came
    error: str | None


@dataclass(frozen=True)
class AudioJob:
    id: str
    org_id: str
    project_id: str | None
    state: AudioJobState
    config: dict[str, Any]  # as ``GET /file-processing/jobs/{id}`` shows it
    source_kind: str  # url | upload | session
    source: str
    callback_url: str | None
    error_description: str | None
    progress: float
    created_at: float
    finished_at: float | None
    callback_attempts: tuple[CallbackAttempt, ...]


def job_view(job: AudioJob) -> dict[str, Any]:
    """The job as ``GET /file-processing/jobs/{id}`` shows it (and its callback sends it)."""
    return {
        "id": job.id,
        "state": job.state.value,
        "config": job.config,
        "error_description": job.error_description,
    }


_COLUMNS = (
    "id, org_id, project_id, state, config, source_kind, source, callback_url, "
    "error_description, progress, created_at, finished_at, callback_attempts"
)


def _decode(raw: Any) -> Any:
    return json.loads(raw) if isinstance(raw, str) else raw


def job_from_row(row: asyncpg.Record) -> AudioJob:
    attempts = _decode(row["callback_attempts"]) or []
    return AudioJob(
        id=row["id"],
        org_id=row["org_id"],
        project_id=row["project_id"],
        state=AudioJobState(row["state"]),
        config=dict(_decode(row["config"])),
        source_kind=row["source_kind"],
        source=row["source"],
        callback_url=row["callback_url"],
        error_description=row["error_description"],
        progress=float(row["progress"]),
        created_at=float(row["created_at"]),
        finished_at=row["finished_at"],
        callback_attempts=tuple(
            CallbackAttempt(float(a["at"]), a.get("status"), a.get("error")) for a in attempts
        ),
    )


class AudioJobStore:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def add(self, job: AudioJob) -> None:
        await self.pool.execute(
            "INSERT INTO audio_jobs (id, org_id, project_id, state, config, source_kind, source,"
            " callback_url, created_at) VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8, $9)",
            job.id,
            job.org_id,
            job.project_id,
            job.state.value,
            json.dumps(job.config),
            job.source_kind,
            job.source,
            job.callback_url,
            job.created_at,
        )

    async def get(self, job_id: str, org_id: str) -> AudioJob | None:
        """The org's job; None for an unknown id and for another org's job alike."""
        row = await self.pool.fetchrow(
            f"SELECT {_COLUMNS} FROM audio_jobs WHERE id = $1 AND org_id = $2", job_id, org_id
        )
        return job_from_row(row) if row else None

    async def get_any(self, job_id: str) -> AudioJob | None:
        """A job whatever its org (workers act for the org that queued it)."""
        row = await self.pool.fetchrow(f"SELECT {_COLUMNS} FROM audio_jobs WHERE id = $1", job_id)
        return job_from_row(row) if row else None

    async def result_json(self, job_id: str, org_id: str) -> str | None:
        """The stored result document as JSON text (not decoded: it may be 30 MB)."""
        value = await self.pool.fetchval(
            "SELECT result::text FROM audio_jobs WHERE id = $1 AND org_id = $2", job_id, org_id
        )
        return str(value) if value is not None else None

    async def page(
        self, org_id: str, after: tuple[float, str] | None, limit: int
    ) -> list[AudioJob]:
        """The org's jobs, newest first, after the (created_at, id) position."""
        rows = await self.pool.fetch(
            f"SELECT {_COLUMNS} FROM audio_jobs WHERE org_id = $1"
            " AND ($2::double precision IS NULL OR (created_at, id) < ($2, $3))"
            " ORDER BY created_at DESC, id DESC LIMIT $4",
            org_id,
            after[0] if after else None,
            after[1] if after else "",
            limit,
        )
        return [job_from_row(r) for r in rows]

    async def count(self, org_id: str) -> int:
        return int(
            await self.pool.fetchval("SELECT count(*) FROM audio_jobs WHERE org_id = $1", org_id)
        )

    async def start(self, job_id: str) -> bool:
        """``processing`` from ``new`` (or again after a crashed run); False once finished."""
        status = await self.pool.execute(
            "UPDATE audio_jobs SET state = 'processing', progress = 0"
            " WHERE id = $1 AND state NOT IN ('done', 'error')",
            job_id,
        )
        return bool(status.endswith(" 1"))

    async def set_progress(self, job_id: str, progress: float) -> None:
        await self.pool.execute(
            "UPDATE audio_jobs SET progress = $2 WHERE id = $1 AND state = 'processing'",
            job_id,
            progress,
        )

    async def finish(self, job_id: str, result_json: str, finished_at: float) -> bool:
        """Store the result and mark the job done; False when it had finished already."""
        status = await self.pool.execute(
            "UPDATE audio_jobs SET state = 'done', result = $2::jsonb, progress = 1,"
            " finished_at = $3, error_description = NULL"
            " WHERE id = $1 AND state NOT IN ('done', 'error')",
            job_id,
            result_json,
            finished_at,
        )
        return bool(status.endswith(" 1"))

    async def fail(self, job_id: str, message: str, finished_at: float) -> bool:
        """Mark an unfinished job ``error`` with ``message``; False when it had finished."""
        status = await self.pool.execute(
            "UPDATE audio_jobs SET state = 'error', error_description = $2, finished_at = $3"
            " WHERE id = $1 AND state NOT IN ('done', 'error')",
            job_id,
            message,
            finished_at,
        )
        return bool(status.endswith(" 1"))

    async def add_callback_attempt(self, job_id: str, attempt: CallbackAttempt) -> None:
        entry = {"at": attempt.at, "status": attempt.status, "error": attempt.error}
        await self.pool.execute(
            "UPDATE audio_jobs SET callback_attempts = callback_attempts || $2::jsonb"
            " WHERE id = $1",
            job_id,
            json.dumps([entry]),
        )
