-- Session audio: the figures of the post-ingest loudness pass, one row per session. A session
-- whose audio is only silence has a row with integrated_lufs NULL (no integrated loudness).
CREATE TABLE IF NOT EXISTS audio_loudness (
    session_id         text PRIMARY KEY,
    integrated_lufs    double precision,
    loudness_range_lu  double precision,
    true_peak_dbtp     double precision NOT NULL,
    channels           integer NOT NULL,
    measured_at        double precision NOT NULL
);
