-- Audio file processing jobs: one row per job, its configuration as clients gave it, its result
-- document once done, and every attempt to deliver its completion callback.
CREATE TABLE IF NOT EXISTS audio_jobs (
    id                 text PRIMARY KEY,
    org_id             text NOT NULL,
    project_id         text,
    state              text NOT NULL,            -- new | processing | done | error
    config             jsonb NOT NULL,           -- models, output_period, channel, include_*...
    source_kind        text NOT NULL,            -- url | upload | session
    source             text NOT NULL,            -- the URL, the upload's path or the session id
    callback_url       text,
    error_description  text,
    progress           double precision NOT NULL DEFAULT 0,
    result             jsonb,                    -- {"channels": {...}} once done
    callback_attempts  jsonb NOT NULL DEFAULT '[]'::jsonb,
    created_at         double precision NOT NULL,
    finished_at        double precision
);
CREATE INDEX IF NOT EXISTS audio_jobs_org_page_idx ON audio_jobs (org_id, created_at DESC, id DESC);
