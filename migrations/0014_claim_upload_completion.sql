-- A resumable upload is claimed by the request completing it (L5): a concurrent /complete gets a 409, and
-- the session row stays until the photo is recorded, so a crash in between leaves a row the sweep can clean.
ALTER TABLE uploads ADD COLUMN completing_at INTEGER;
