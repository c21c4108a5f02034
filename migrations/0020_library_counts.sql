-- Photos per library and status, kept by triggers, so the "stats" event every upload, claim and stage
-- transition writes reads four rows instead of counting the library: at 100,000 photos that count read
-- every row of the index for each of them (D1 bills rows read), and an upload cost the server ~15 ms
-- more CPU than in an empty library (bench: 400 uploads, 5.2 s → 11.3 s of workerd CPU).
--
-- Triggers, unlike photo_days (migration 0019): a photo's status changes in eight places, and a
-- statement beside each would have to repeat its WHERE to know whether it changed a row. D1 counts a
-- trigger's writes in meta.changes, so the statements that change a photo's status (or insert or delete
-- one) and are checked for having changed a row say so with RETURNING instead (worker/db/).
CREATE TABLE library_counts (
  library_id TEXT NOT NULL,
  status TEXT NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (library_id, status)
) WITHOUT ROWID;

INSERT INTO library_counts (library_id, status, n)
  SELECT library_id, status, count(*) FROM photos GROUP BY library_id, status;

CREATE TRIGGER library_counts_insert AFTER INSERT ON photos BEGIN
  INSERT INTO library_counts (library_id, status, n) VALUES (NEW.library_id, NEW.status, 1)
    ON CONFLICT (library_id, status) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER library_counts_delete AFTER DELETE ON photos BEGIN
  UPDATE library_counts SET n = n - 1 WHERE library_id = OLD.library_id AND status = OLD.status;
END;

CREATE TRIGGER library_counts_update AFTER UPDATE OF status, library_id ON photos
  WHEN OLD.status IS NOT NEW.status OR OLD.library_id IS NOT NEW.library_id BEGIN
  UPDATE library_counts SET n = n - 1 WHERE library_id = OLD.library_id AND status = OLD.status;
  INSERT INTO library_counts (library_id, status, n) VALUES (NEW.library_id, NEW.status, 1)
    ON CONFLICT (library_id, status) DO UPDATE SET n = n + 1;
END;
