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
  embedding    BLOB,                     -- int8 of the unit vector (value = int8 * scale)
  scale        REAL,
  person_id    TEXT REFERENCES people (id) ON DELETE SET NULL,
  pinned       INTEGER NOT NULL DEFAULT 0, -- decision: a person put this face here, so automation never moves it
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

-- Faces analysed before this migration: one row each (embedding sliced out of the photo's concatenated
-- int8 blob), all waiting: the next cron sweep groups them into people.
INSERT INTO faces (id, library_id, photo_id, idx, box, score, model, embedding, scale, created_at)
WITH f AS (
  SELECT a.photo_id, a.library_id, CAST(j.key AS INTEGER) AS idx, j.value AS face, a.face_embeddings AS blob, a.updated_at,
         json_extract(j.value, '$.embedding.dims') AS dims,
         json_extract(a.face_embedding_scales, '$[' || j.key || ']') AS scale,
         -- The face-embedding model as worker/people/thresholds.ts names it: faceEmbedding, else faces.
         COALESCE(json_extract(a.models, '$.faceEmbedding.id'), json_extract(a.models, '$.faces.id'), 'unknown')
           || COALESCE('@' || CASE WHEN json_extract(a.models, '$.faceEmbedding.id') IS NOT NULL
                                   THEN json_extract(a.models, '$.faceEmbedding.version') ELSE json_extract(a.models, '$.faces.version') END, '') AS model_id
    FROM photo_analysis a, json_each(a.faces) j
   WHERE a.faces IS NOT NULL AND a.embedding_model IS NOT NULL
), o AS (
  SELECT *, COALESCE(SUM(dims) OVER (PARTITION BY photo_id ORDER BY idx ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS at FROM f
)
SELECT 'f' || substr(lower(hex(randomblob(11))), 1, 21), library_id, photo_id, idx, json_extract(face, '$.box'),
       json_extract(face, '$.score'),
       CASE WHEN dims IS NULL OR blob IS NULL THEN NULL ELSE model_id || '#' || dims END,
       CASE WHEN dims IS NULL OR blob IS NULL THEN NULL ELSE substr(blob, at + 1, dims) END,
       CASE WHEN dims IS NULL OR blob IS NULL THEN NULL ELSE scale END,
       updated_at
  FROM o;

INSERT INTO people_clustering (library_id, model, dirty_at)
SELECT DISTINCT library_id, model, CAST(strftime('%s', 'now') AS INTEGER) * 1000 FROM faces WHERE model IS NOT NULL;
