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
      CASE WHEN json_extract(exif, '$.takenAt') GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-6][0-9]*'
           THEN substr(json_extract(exif, '$.takenAt'), 1, 19) END
    END,
    strftime('%Y-%m-%dT%H:%M:%S', created_at / 1000, 'unixepoch'))
) VIRTUAL;

-- GET /api/photos?order=taken pages by (sort_at, id) at any depth.
CREATE INDEX photos_library_sort ON photos (library_id, sort_at DESC, id DESC);

-- Photos per day of the timeline, kept by triggers, so GET /api/photos/timeline (the scrubber's months
-- and the grid's geometry) reads one row per day instead of one per photo (D1 bills rows read).
CREATE TABLE photo_days (
  library_id  TEXT NOT NULL,
  day         TEXT NOT NULL,               -- YYYY-MM-DD of sort_at
  count       INTEGER NOT NULL,
  PRIMARY KEY (library_id, day)
) WITHOUT ROWID;

INSERT INTO photo_days (library_id, day, count)
  SELECT library_id, substr(sort_at, 1, 10), count(*) FROM photos GROUP BY library_id, substr(sort_at, 1, 10);

CREATE TRIGGER photo_days_insert AFTER INSERT ON photos BEGIN
  INSERT OR IGNORE INTO photo_days (library_id, day, count) VALUES (NEW.library_id, substr(NEW.sort_at, 1, 10), 0);
  UPDATE photo_days SET count = count + 1 WHERE library_id = NEW.library_id AND day = substr(NEW.sort_at, 1, 10);
END;

CREATE TRIGGER photo_days_delete AFTER DELETE ON photos BEGIN
  UPDATE photo_days SET count = count - 1 WHERE library_id = OLD.library_id AND day = substr(OLD.sort_at, 1, 10);
  DELETE FROM photo_days WHERE library_id = OLD.library_id AND day = substr(OLD.sort_at, 1, 10) AND count <= 0;
END;

-- A photo whose EXIF arrives later (or changes) moves to its day.
CREATE TRIGGER photo_days_move AFTER UPDATE OF exif, created_at ON photos
  WHEN substr(OLD.sort_at, 1, 10) IS NOT substr(NEW.sort_at, 1, 10) BEGIN
  UPDATE photo_days SET count = count - 1 WHERE library_id = OLD.library_id AND day = substr(OLD.sort_at, 1, 10);
  DELETE FROM photo_days WHERE library_id = OLD.library_id AND day = substr(OLD.sort_at, 1, 10) AND count <= 0;
  INSERT OR IGNORE INTO photo_days (library_id, day, count) VALUES (NEW.library_id, substr(NEW.sort_at, 1, 10), 0);
  UPDATE photo_days SET count = count + 1 WHERE library_id = NEW.library_id AND day = substr(NEW.sort_at, 1, 10);
END;
