-- Time-series analysis: summary statistics, one set per label group of stats requests. A group's
-- rows are replaced whole; `members` records which requests (ids, intervals, metrics) they were
-- computed from, so a run that finds the group unchanged does not compute it again.
CREATE TABLE IF NOT EXISTS ts_stats (
    session_id     text NOT NULL,
    label_group_id text NOT NULL,
    key            text NOT NULL,
    metric         text NOT NULL,
    ord            integer NOT NULL,
    value          double precision NOT NULL,
    PRIMARY KEY (session_id, label_group_id, metric)
);
CREATE TABLE IF NOT EXISTS ts_stats_groups (
    session_id     text NOT NULL,
    label_group_id text NOT NULL,
    key            text NOT NULL,
    members        text NOT NULL,
    computed_at    double precision NOT NULL,
    PRIMARY KEY (session_id, label_group_id)
);

-- A session's packet capture (one per session; attaching another replaces it) and its stats,
-- computed once by a job: per host pair, direction and protocol, frames, bytes and the
-- inter-packet histograms (JSON), from which every pcapStats query is answered.
CREATE TABLE IF NOT EXISTS session_pcaps (
    session_id  text PRIMARY KEY,
    org_id      text NOT NULL,
    upload_id   text NOT NULL,
    path        text NOT NULL,
    state       text NOT NULL,            -- pending | running | done | error
    message     text,
    summary     jsonb,
    attached_at double precision NOT NULL
);
