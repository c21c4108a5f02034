-- People: faces (one row per detected face, with a stable id), the people they are grouped into, and the
-- decisions a person made about them. Automation (incremental assignment, periodic re-clustering) reads
-- the decisions and never overrides them. Every row is scoped by library_id.

CREATE TABLE people (
  id           TEXT PRIMARY KEY,
  library_id   TEXT NOT NULL,
  model        TEXT NOT NULL,            -- face-embedding model key (id@version#dims): models never mix
  name         TEXT,                     -- decision: the name a person gave (plain text, cleaned)
  hidden       INTEGER NOT NULL DEFAULT 0,
  centroid     BLOB,                     -- float32 sum of the members' unit embeddings (direction = centroid)
  version      INTEGER NOT NULL DEFAULT 0, -- bumped on every centroid write: concurrent updates detect each other
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL
);
CREATE INDEX people_library ON people (library_id, model);

CREATE TABLE faces (
  id           TEXT PRIMARY KEY,         -- stable across re-analysis of the photo (matched by box overlap)
  library_id   TEXT NOT NULL,
  photo_id     TEXT NOT NULL REFERENCES photos (id) ON DELETE CASCADE,
  idx          INTEGER NOT NULL,         -- position in photo_analysis.faces
  box          TEXT NOT NULL,            -- JSON [x, y, w, h], 0–1
  score        REAL NOT NULL,
  model        TEXT,                     -- NULL when the face came without an embedding: never clustered
  embedding    BLOB,                     -- int8 of the unit vector; value = int8 * scale
  scale        REAL,
  person_id    TEXT REFERENCES people (id) ON DELETE SET NULL,
  pinned       INTEGER NOT NULL DEFAULT 0, -- decision: a person put this face here; automation never moves it
  created_at   INTEGER NOT NULL,
  UNIQUE (photo_id, idx)
);
CREATE INDEX faces_person ON faces (person_id);
CREATE INDEX faces_library_pool ON faces (library_id, model, person_id);

-- Decision: "not this person". Automation never puts the face (back) into that person.
CREATE TABLE face_rejections (
  face_id      TEXT NOT NULL REFERENCES faces (id) ON DELETE CASCADE,
  person_id    TEXT NOT NULL,
  library_id   TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  PRIMARY KEY (face_id, person_id)
);
CREATE INDEX face_rejections_person ON face_rejections (person_id);

-- Decision: "these two are the same person". The target is marked so re-clustering never folds it away.
CREATE TABLE person_merges (
  from_id      TEXT PRIMARY KEY,
  into_id      TEXT NOT NULL,
  library_id   TEXT NOT NULL,
  merged_at    INTEGER NOT NULL
);
CREATE INDEX person_merges_into ON person_merges (into_id);

-- Which (library, model) needs a full re-clustering: faces arrived or decisions changed since the last run.
CREATE TABLE people_clustering (
  library_id   TEXT NOT NULL,
  model        TEXT NOT NULL,
  dirty_at     INTEGER,
  clustered_at INTEGER,
  PRIMARY KEY (library_id, model)
);
CREATE INDEX people_clustering_due ON people_clustering (dirty_at);
