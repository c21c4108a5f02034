-- Operations: priority lanes, the image-service circuit breaker, per-library rate limits.

-- Which queue last took the photo: 'interactive' (uploads, a single retry) or 'backfill' (retry-all,
-- scheduled batches, sweep re-queues). The backfill consumer yields while interactive work is queued.
ALTER TABLE photos ADD COLUMN lane TEXT NOT NULL DEFAULT 'interactive';
CREATE INDEX photos_interactive_busy ON photos (queued_at) WHERE lane = 'interactive' AND status IN ('pending', 'processing');

-- One row per guarded service for the whole deployment (not per library): the image engine and R2
-- are shared, so an outage is too.
CREATE TABLE breakers (
  name         TEXT PRIMARY KEY,
  state        TEXT NOT NULL DEFAULT 'closed' CHECK (state IN ('closed', 'open', 'half-open')),
  failures     INTEGER NOT NULL DEFAULT 0,   -- consecutive photos that failed transiently
  opened_at    INTEGER,                      -- when it (last) opened; kept through half-open
  next_try_at  INTEGER,                      -- open: when a probe may run; half-open: when a lost probe expires
  cooldown_ms  INTEGER NOT NULL DEFAULT 0,
  updated_at   INTEGER NOT NULL
);

-- Fixed one-minute windows per library and action; the sweep prunes old windows.
CREATE TABLE rate_windows (
  library_id  TEXT NOT NULL,
  action      TEXT NOT NULL,
  window      INTEGER NOT NULL,               -- minute number (ms / 60000)
  count       INTEGER NOT NULL,
  PRIMARY KEY (library_id, action, window)
);

-- 0 when the photo failed for its own bytes (corrupt, unsupported): a retry cannot help (photo JSON `retryable`).
ALTER TABLE photos ADD COLUMN retryable INTEGER NOT NULL DEFAULT 1;
