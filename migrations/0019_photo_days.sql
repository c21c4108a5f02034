-- Photos per day of the timeline, kept beside the photos so GET /api/photos/timeline reads one row per
-- day instead of one per photo (D1 bills rows read: at 100,000 photos the count over the index read
-- 100,000 rows per gallery open, this reads ~7,000 for 20 years of days).
--
-- day is substr(sort_at, 1, 10) (migration 0018). Written by the same D1 batches that write a photo's
-- day (worker/db/photo-days.ts: insertPhoto, deletePhotoRow, and completeStage when a stage brings EXIF),
-- not by triggers: D1 counts a trigger's writes in meta.changes, and the pipeline's claims check that a
-- statement changed exactly one row. A day may stay at count 0 (its photos deleted or moved away); the
-- timeline skips those.
CREATE TABLE photo_days (
  library_id TEXT NOT NULL,
  day TEXT NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (library_id, day)
) WITHOUT ROWID;

INSERT INTO photo_days (library_id, day, count)
  SELECT library_id, substr(sort_at, 1, 10), count(*) FROM photos GROUP BY library_id, substr(sort_at, 1, 10);
