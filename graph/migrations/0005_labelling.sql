-- Crowd video labelling: campaigns, clips with their two label-state columns, labellers,
-- logins, batches, answers and tutorial records. One returned batch is one transaction that
-- locks its batch row, its labeller row and its clip rows (in id order, so no deadlock).

CREATE TABLE labelling_campaigns (
    id text PRIMARY KEY,
    org_id text NOT NULL,
    name text NOT NULL,
    question text NOT NULL,
    batch_size integer NOT NULL,
    gold_per_batch integer NOT NULL,
    clips_from text NOT NULL,
    window_seconds double precision,
    created_at double precision NOT NULL
);
CREATE INDEX labelling_campaigns_org ON labelling_campaigns (org_id);

CREATE TABLE labelling_clips (
    id text PRIMARY KEY,
    seq bigserial NOT NULL,
    campaign_id text NOT NULL REFERENCES labelling_campaigns (id) ON DELETE CASCADE,
    session_id text NOT NULL,
    start_frame integer NOT NULL,
    end_frame integer NOT NULL,
    label_state integer NOT NULL DEFAULT -1,
    label_state_admin integer NOT NULL DEFAULT -1,
    label_update_time double precision NOT NULL DEFAULT 0,
    UNIQUE (campaign_id, session_id, start_frame, end_frame)
);
CREATE INDEX labelling_clips_citizen ON labelling_clips (campaign_id, label_state);
CREATE INDEX labelling_clips_admin ON labelling_clips (campaign_id, label_state_admin);
CREATE INDEX labelling_clips_order ON labelling_clips (campaign_id, label_update_time, seq);

CREATE TABLE labellers (
    id text PRIMARY KEY,
    org_id text NOT NULL,
    client_id text NOT NULL,
    client_type integer NOT NULL DEFAULT 3,
    score integer NOT NULL DEFAULT 0,
    raw_score integer NOT NULL DEFAULT 0,
    best_tutorial_action integer NOT NULL DEFAULT -1,
    registered_at double precision NOT NULL,
    UNIQUE (org_id, client_id)
);

CREATE TABLE labelling_connections (
    id bigserial PRIMARY KEY,
    labeller_id text NOT NULL REFERENCES labellers (id) ON DELETE CASCADE,
    campaign_id text NOT NULL REFERENCES labelling_campaigns (id) ON DELETE CASCADE,
    client_type integer NOT NULL,
    time double precision NOT NULL
);

CREATE TABLE labelling_batches (
    id text PRIMARY KEY,
    campaign_id text NOT NULL REFERENCES labelling_campaigns (id) ON DELETE CASCADE,
    labeller_id text NOT NULL REFERENCES labellers (id) ON DELETE CASCADE,
    researcher boolean NOT NULL,
    clip_ids text[] NOT NULL,
    request_time double precision NOT NULL,
    return_time double precision,
    connection_id bigint,
    score integer,
    num_unlabeled integer NOT NULL,
    num_gold_standard integer NOT NULL,
    user_score integer,
    user_raw_score integer
);
CREATE INDEX labelling_batches_campaign ON labelling_batches (campaign_id, return_time);

CREATE TABLE labelling_answers (
    id bigserial PRIMARY KEY,
    campaign_id text NOT NULL REFERENCES labelling_campaigns (id) ON DELETE CASCADE,
    clip_id text NOT NULL REFERENCES labelling_clips (id) ON DELETE CASCADE,
    labeller_id text REFERENCES labellers (id) ON DELETE CASCADE,
    batch_id text REFERENCES labelling_batches (id) ON DELETE CASCADE,
    researcher boolean NOT NULL,
    label integer NOT NULL,
    time double precision NOT NULL
);
CREATE INDEX labelling_answers_labeller ON labelling_answers (labeller_id, clip_id);
CREATE INDEX labelling_answers_campaign ON labelling_answers (campaign_id, clip_id);

CREATE TABLE labelling_tutorials (
    id bigserial PRIMARY KEY,
    labeller_id text NOT NULL REFERENCES labellers (id) ON DELETE CASCADE,
    connection_id bigint REFERENCES labelling_connections (id) ON DELETE SET NULL,
    action_type integer NOT NULL,
    query_type integer NOT NULL,
    time double precision NOT NULL
);
