-- Pipeline runs claim their photo (security review M7/L8): a run writes only while its token is the
-- photo's, so a duplicate delivery or a sweep re-queue cannot run a photo twice, and a run whose row
-- was deleted or cancelled notices at its next write and stops.
ALTER TABLE photos ADD COLUMN run_token TEXT;              -- random per run; NULL when no run holds it

-- Where the periodic R2 reconciliation (orphaned objects with no row) continues its listing.
CREATE TABLE reconcile_state (
  name        TEXT PRIMARY KEY,
  cursor      TEXT,                                       -- R2 list cursor; NULL = start from the top
  updated_at  INTEGER NOT NULL
);
