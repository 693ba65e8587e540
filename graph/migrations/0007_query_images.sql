-- Query images (OCR/image match): org-level images that image-match requests look for.
-- The bytes live in the row: query images are small (REELGRAPH_QUERY_IMAGE_MAX_BYTES), and one
-- row means an upload or a delete is one statement that cannot leave a file behind.
CREATE TABLE IF NOT EXISTS query_images (
    id             uuid PRIMARY KEY,
    org_id         text NOT NULL,
    user_id        text,
    uploader_email text,
    name           text,
    ts_created     double precision NOT NULL,
    width          integer NOT NULL,
    height         integer NOT NULL,
    format         text NOT NULL,
    bytes          bytea NOT NULL
);
CREATE INDEX IF NOT EXISTS query_images_org_idx ON query_images (org_id, ts_created);
