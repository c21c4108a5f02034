-- Photos our WASM image engine handed to the Images binding instead of developing them itself, per
-- library and reason ('over_budget', 'unsupported', 'input_size'); GET /api/status reports them.
CREATE TABLE engine_fallbacks (
  library_id  TEXT NOT NULL,
  reason      TEXT NOT NULL,
  count       INTEGER NOT NULL DEFAULT 0,
  last_at     INTEGER NOT NULL,
  PRIMARY KEY (library_id, reason)
);
