-- Pipeline outputs, queue bookkeeping and per-library settings.

ALTER TABLE photos ADD COLUMN placeholder TEXT;          -- ThumbHash (base64), shown before any thumbnail
ALTER TABLE photos ADD COLUMN thumbnails TEXT;           -- JSON {"150": {"width", "height"}, …}
ALTER TABLE photos ADD COLUMN variants TEXT;             -- JSON {"1080": {"width", "height"}, …}
ALTER TABLE photos ADD COLUMN queued_at INTEGER;         -- last enqueue; NULL = waits for the scheduled batch

ALTER TABLE photo_stages ADD COLUMN started_at INTEGER;
ALTER TABLE photo_stages ADD COLUMN finished_at INTEGER;

-- The sweep looks for work that has not moved for a while, across libraries.
CREATE INDEX photos_status_updated ON photos (status, updated_at);
CREATE INDEX photo_stages_finished ON photo_stages (finished_at);

CREATE TABLE settings (
  library_id  TEXT PRIMARY KEY,
  json        TEXT NOT NULL,                               -- validated Settings; missing keys take defaults
  updated_at  INTEGER NOT NULL
);

-- One row per library and day on which the scheduled batch ran (it runs once a day).
CREATE TABLE scheduled_batches (
  library_id  TEXT NOT NULL,
  day         TEXT NOT NULL,
  PRIMARY KEY (library_id, day)
);
