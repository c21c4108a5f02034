-- The timeline: photos in the order they were taken, falling back to the upload time.
--
-- sort_at is the EXIF time as the photo's own clock wrote it ('YYYY-MM-DDTHH:MM:SS', the offset
-- dropped: a day of a trip abroad is that place's day), else the UTC upload time in the same form. It
-- is text so the web app can compute the same key from a photo (web/src/gallery/sort-key.ts) with
-- string operations only. Generated, so every write of exif (upload's quick EXIF, the exif and video
-- stages) keeps it right without any code remembering to, and existing rows need no backfill; VIRTUAL
-- because ALTER TABLE cannot add a STORED column; the index stores it.
ALTER TABLE photos ADD COLUMN sort_at TEXT GENERATED ALWAYS AS (
  COALESCE(
    CASE WHEN json_valid(exif) THEN
      -- Two patterns: D1 refuses GLOB patterns over 50 bytes.
      CASE WHEN substr(json_extract(exif, '$.takenAt'), 1, 10) GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'
            AND substr(json_extract(exif, '$.takenAt'), 11, 9) GLOB 'T[0-2][0-9]:[0-5][0-9]:[0-6][0-9]'
           THEN substr(json_extract(exif, '$.takenAt'), 1, 19) END
    END,
    strftime('%Y-%m-%dT%H:%M:%S', created_at / 1000, 'unixepoch'))
) VIRTUAL;

-- GET /api/photos?order=taken pages by (sort_at, id) at any depth, and GET /api/photos/timeline counts
-- the days from this index alone (it covers the query). No triggers keep counts elsewhere: D1 counts a
-- trigger's writes in meta.changes, and the pipeline's claims check that a statement changed one row.
CREATE INDEX photos_library_sort ON photos (library_id, sort_at DESC, id DESC);
