-- Stages per library, stage and status, kept by triggers like library_counts (migration 0020): GET
-- /api/status counted them by joining every stage row of the library to its photo, ~310 ms and
-- 500,000 rows read at 100,000 photos, and the dashboard and the analysis tab ask for it up to once a
-- second while photos move. A stage row's library is its photo's: a photo's stages are deleted before
-- the photo (db/photos.ts deletePhotoRow), so the photo is still there to say which library to take
-- them off. Statements on photo_stages that are checked for having changed a row use RETURNING.
CREATE TABLE stage_counts (
  library_id TEXT NOT NULL,
  stage TEXT NOT NULL,
  status TEXT NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (library_id, stage, status)
) WITHOUT ROWID;

INSERT INTO stage_counts (library_id, stage, status, n)
  SELECT p.library_id, s.stage, s.status, count(*) FROM photo_stages s JOIN photos p ON p.id = s.photo_id
   GROUP BY p.library_id, s.stage, s.status;

CREATE TRIGGER stage_counts_insert AFTER INSERT ON photo_stages BEGIN
  INSERT INTO stage_counts (library_id, stage, status, n)
    SELECT library_id, NEW.stage, NEW.status, 1 FROM photos WHERE id = NEW.photo_id
    ON CONFLICT (library_id, stage, status) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER stage_counts_delete AFTER DELETE ON photo_stages BEGIN
  UPDATE stage_counts SET n = n - 1
   WHERE library_id = (SELECT library_id FROM photos WHERE id = OLD.photo_id) AND stage = OLD.stage AND status = OLD.status;
END;

CREATE TRIGGER stage_counts_update AFTER UPDATE OF status, stage ON photo_stages
  WHEN OLD.status IS NOT NEW.status OR OLD.stage IS NOT NEW.stage BEGIN
  UPDATE stage_counts SET n = n - 1
   WHERE library_id = (SELECT library_id FROM photos WHERE id = OLD.photo_id) AND stage = OLD.stage AND status = OLD.status;
  INSERT INTO stage_counts (library_id, stage, status, n)
    SELECT library_id, NEW.stage, NEW.status, 1 FROM photos WHERE id = NEW.photo_id
    ON CONFLICT (library_id, stage, status) DO UPDATE SET n = n + 1;
END;
