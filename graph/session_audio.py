"""A session's loudness figures (PostgreSQL ``audio_loudness``), written by the post-ingest pass."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg


@dataclass(frozen=True)
class SessionLoudness:
    """Integrated loudness (None: only silence or extremely low noise), range and true peak."""

    session_id: str
    integrated_lufs: float | None
    loudness_range_lu: float | None
    true_peak_dbtp: float
    channels: int
    measured_at: float


_PUT = """
INSERT INTO audio_loudness
    (session_id, integrated_lufs, loudness_range_lu, true_peak_dbtp, channels, measured_at)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (session_id) DO UPDATE SET
    integrated_lufs = EXCLUDED.integrated_lufs,
    loudness_range_lu = EXCLUDED.loudness_range_lu,
    true_peak_dbtp = EXCLUDED.true_peak_dbtp,
    channels = EXCLUDED.channels,
    measured_at = EXCLUDED.measured_at
"""
_GET = """
SELECT session_id, integrated_lufs, loudness_range_lu, true_peak_dbtp, channels, measured_at
FROM audio_loudness WHERE session_id = $1
"""


class LoudnessStore:
    """SQL for ``audio_loudness``; rows become :class:`SessionLoudness` here only."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def put(self, loudness: SessionLoudness) -> None:
        """Write (or replace) the session's figures."""
        await self.pool.execute(
            _PUT,
            loudness.session_id,
            loudness.integrated_lufs,
            loudness.loudness_range_lu,
            loudness.true_peak_dbtp,
            loudness.channels,
            loudness.measured_at,
        )

    async def get(self, session_id: str) -> SessionLoudness | None:
        row = await self.pool.fetchrow(_GET, session_id)
        return SessionLoudness(**dict(row)) if row else None

    async def delete_session(self, session_id: str) -> None:
        await self.pool.execute("DELETE FROM audio_loudness WHERE session_id = $1", session_id)
