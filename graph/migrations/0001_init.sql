-- Uploads streamed to the media root, before a session is made of them.
CREATE TABLE IF NOT EXISTS uploads (
    id           text PRIMARY KEY,
    org_id       text NOT NULL,
    filename     text,
    content_type text,
    size_bytes   bigint NOT NULL,
    path         text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    session_id   text
);
CREATE INDEX IF NOT EXISTS uploads_org_idx ON uploads (org_id);

-- Every analysis time series: metadata per (session, key) and the points.
CREATE TABLE IF NOT EXISTS ts_series (
    session_id text NOT NULL,
    key        text NOT NULL,
    name       text NOT NULL,
    category   text NOT NULL,
    units      text,
    PRIMARY KEY (session_id, key)
);
CREATE TABLE IF NOT EXISTS ts_points (
    session_id text NOT NULL,
    key        text NOT NULL,
    t_ms       double precision NOT NULL,
    value      double precision NOT NULL
);
CREATE INDEX IF NOT EXISTS ts_points_series_idx ON ts_points (session_id, key, t_ms);
CREATE INDEX IF NOT EXISTS ts_points_brin ON ts_points USING brin (t_ms);

-- Keyframe index built at ingest: frame-exact seeking starts at the keyframe at or before a frame.
CREATE TABLE IF NOT EXISTS keyframes (
    session_id   text NOT NULL,
    frame_number integer NOT NULL,
    pts_ms       double precision NOT NULL,
    byte_pos     bigint,
    PRIMARY KEY (session_id, frame_number)
);
