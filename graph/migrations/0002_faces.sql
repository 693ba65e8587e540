-- Face tracing (issue 3). Every detection, its trace, pose, blur and embedding, per session.
-- Interpolated rows (frames between two detections of one trace) have det_idx = -trace_id.
CREATE TABLE IF NOT EXISTS face_detections (
    session_id   text NOT NULL,
    frame        integer NOT NULL,
    det_idx      integer NOT NULL,
    trace_id     integer,
    x            real NOT NULL,
    y            real NOT NULL,
    w            real NOT NULL,
    h            real NOT NULL,
    confidence   real NOT NULL,
    quality      real NOT NULL,
    landmarks    real[] NOT NULL,
    yaw          real NOT NULL,
    pitch        real NOT NULL,
    roll         real NOT NULL,
    blur         real,
    embedding    real[],
    interpolated boolean NOT NULL DEFAULT false,
    PRIMARY KEY (session_id, frame, det_idx)
);
CREATE INDEX IF NOT EXISTS face_detections_trace_idx
    ON face_detections (session_id, trace_id, frame);
CREATE INDEX IF NOT EXISTS face_detections_quality_idx
    ON face_detections (session_id, trace_id, quality DESC) WHERE NOT interpolated;

-- The checkpoint of a session's face_trace run: detection resumes at next_frame after a crash.
CREATE TABLE IF NOT EXISTS face_trace_runs (
    session_id  text PRIMARY KEY,
    run_id      text NOT NULL,
    params      text NOT NULL,
    next_frame  integer NOT NULL DEFAULT 0,
    detect_done boolean NOT NULL DEFAULT false,
    linked      boolean NOT NULL DEFAULT false,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- A trace's mean embedding (identity matching and stranger clustering read these).
CREATE TABLE IF NOT EXISTS face_trace_embeddings (
    session_id text NOT NULL,
    trace_id   integer NOT NULL,
    embedding  real[] NOT NULL,
    PRIMARY KEY (session_id, trace_id)
);

-- Gallery: the embeddings of an identity's reference faces.
CREATE TABLE IF NOT EXISTS identity_faces (
    identity_id text NOT NULL,
    org_id      text NOT NULL,
    idx         integer NOT NULL,
    embedding   real[] NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (identity_id, idx)
);
CREATE INDEX IF NOT EXISTS identity_faces_org_idx ON identity_faces (org_id);
