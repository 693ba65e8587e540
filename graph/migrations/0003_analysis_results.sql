-- Label-driven analyses (issue 5). Every time-series point records what produced it (a request
-- label's id, or "vmaf"), so a rerun replaces exactly its own points and deleting the request
-- deletes them.
ALTER TABLE ts_points ADD COLUMN IF NOT EXISTS source_id text NOT NULL DEFAULT '';
CREATE INDEX IF NOT EXISTS ts_points_source_idx ON ts_points (session_id, source_id, key);

-- One row per (session, analysis key, source): the Analysis node of a key sums up its runs,
-- so three video-content labels make "blurriness" done only when all three are.
CREATE TABLE IF NOT EXISTS analysis_runs (
    session_id text NOT NULL,
    key        text NOT NULL,
    source_id  text NOT NULL,
    state      text NOT NULL,
    message    text,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (session_id, key, source_id)
);
CREATE INDEX IF NOT EXISTS analysis_runs_source_idx ON analysis_runs (session_id, source_id);
