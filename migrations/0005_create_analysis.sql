-- In-browser analysis: results and leases. The analysis stage's status lives in photo_stages
-- (stage = 'analysis'), created once a photo's display variants exist.
CREATE TABLE photo_analysis (
  photo_id          TEXT PRIMARY KEY REFERENCES photos (id) ON DELETE CASCADE,
  library_id        TEXT NOT NULL,
  lease             TEXT,                 -- random token of the current claim
  lease_expires_at  INTEGER,
  device            TEXT,                 -- JSON: backend, adapter, threads… of the claimer / finisher
  models            TEXT,                 -- JSON: model ids and versions that produced the results
  caption           TEXT,
  tags              TEXT,                 -- JSON [{label, score}]
  faces             TEXT,                 -- JSON [{box, score, landmarks?}] (face embeddings in face_embeddings)
  face_embeddings   BLOB,                 -- int8, concatenated, with face_embedding_scales
  face_embedding_scales TEXT,             -- JSON [scale per face]
  embedding         BLOB,                 -- CLIP image embedding, int8
  embedding_scale   REAL,                 -- value = int8 * scale
  embedding_model   TEXT,                 -- model id@version: a model change can roll out gradually
  embedding_dims    INTEGER,
  timings           TEXT,                 -- JSON, ms per step
  updated_at        INTEGER NOT NULL
);
CREATE INDEX photo_analysis_library ON photo_analysis (library_id, lease_expires_at);
