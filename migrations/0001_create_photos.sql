-- Every row is scoped by library_id: a token belongs to one library and every query filters on it.

CREATE TABLE api_tokens (
  token_hash  TEXT PRIMARY KEY,          -- hex SHA-256 of the token; the token itself is never stored
  library_id  TEXT NOT NULL,
  label       TEXT,
  created_at  INTEGER NOT NULL
);

CREATE TABLE photos (
  id          TEXT PRIMARY KEY,          -- time-sortable: newest first is ORDER BY id DESC
  library_id  TEXT NOT NULL,
  filename    TEXT NOT NULL,
  sha256      TEXT NOT NULL,
  mime        TEXT NOT NULL,
  kind        TEXT NOT NULL CHECK (kind IN ('image', 'video')),
  bytes       INTEGER NOT NULL,
  width       INTEGER,                   -- as displayed (orientation applied)
  height      INTEGER,
  status      TEXT NOT NULL DEFAULT 'pending'
              CHECK (status IN ('pending', 'processing', 'completed', 'failed')),
  exif        TEXT,                      -- JSON
  error       TEXT,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);

-- Dedupe is per library: the same bytes in two libraries are two photos.
CREATE UNIQUE INDEX photos_library_sha256 ON photos (library_id, sha256);
CREATE INDEX photos_library_id ON photos (library_id, id DESC);
CREATE INDEX photos_library_status ON photos (library_id, status, id DESC);

-- One row per pipeline stage of a photo; a re-run touches only rows that are not completed.
CREATE TABLE photo_stages (
  photo_id    TEXT NOT NULL REFERENCES photos (id) ON DELETE CASCADE,
  stage       TEXT NOT NULL,
  status      TEXT NOT NULL DEFAULT 'pending'
              CHECK (status IN ('pending', 'running', 'completed', 'failed', 'skipped')),
  attempts    INTEGER NOT NULL DEFAULT 0,
  ms          INTEGER,
  error       TEXT,
  updated_at  INTEGER NOT NULL,
  PRIMARY KEY (photo_id, stage)
);
