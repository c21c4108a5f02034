-- The live feed's log. Events are written in the same transaction as the change they describe, so a
-- client that resumes from the last seq it saw can never miss a final state. The Durable Object only
-- fans them out.
CREATE TABLE events (
  library_id  TEXT NOT NULL,
  seq         INTEGER NOT NULL,              -- per library, strictly increasing
  type        TEXT NOT NULL,
  photo_id    TEXT,
  payload     TEXT NOT NULL,                 -- JSON
  created_at  INTEGER NOT NULL,
  PRIMARY KEY (library_id, seq)
);
CREATE INDEX events_created ON events (created_at);

-- The status page lists the most recently finished photos of a library.
CREATE INDEX photos_library_status_updated ON photos (library_id, status, updated_at DESC);
