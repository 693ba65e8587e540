-- A clip's frame rate, so its URL can name the window's length (`#t=0,<seconds>`): a stream copy
-- may run a few frames past the window's end (B-frames), and the page stops there.
ALTER TABLE labelling_clips ADD COLUMN IF NOT EXISTS fps double precision;
