-- Videos (issue 14): what the video stage read from the container, and the poster a browser made.
ALTER TABLE photos ADD COLUMN video TEXT;                -- JSON {durationMs, codec, fps, audio}; NULL for images and until the stage ran
ALTER TABLE photos ADD COLUMN poster TEXT;               -- JSON {mime, width, height, bytes, sha256}; NULL until a poster was PUT

-- The scheduled batches pick pending work per kind (videos have their own hour and batch size).
CREATE INDEX photos_library_kind_unqueued ON photos (library_id, kind, id) WHERE status = 'pending' AND queued_at IS NULL;
