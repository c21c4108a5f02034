-- Resumable uploads of large files: an R2 multipart upload whose parts can be sent, lost and sent again.
CREATE TABLE uploads (
  id            TEXT PRIMARY KEY,
  library_id    TEXT NOT NULL,
  photo_id      TEXT NOT NULL,                -- the photo the completed upload becomes (its R2 key)
  r2_upload_id  TEXT NOT NULL,
  filename      TEXT NOT NULL,
  size          INTEGER NOT NULL,
  sha256        TEXT NOT NULL,                -- declared by the client, verified on completion
  part_size     INTEGER NOT NULL,
  mime          TEXT,                         -- known once the first part has been inspected
  kind          TEXT,
  width         INTEGER,
  height        INTEGER,
  exif          TEXT,
  created_at    INTEGER NOT NULL
);
CREATE INDEX uploads_library ON uploads (library_id, created_at);

CREATE TABLE upload_parts (
  upload_id     TEXT NOT NULL REFERENCES uploads (id) ON DELETE CASCADE,
  part_number   INTEGER NOT NULL,
  etag          TEXT NOT NULL,
  PRIMARY KEY (upload_id, part_number)
);
