-- Export studio (issue 15): a photo saved back into the library from an export (background removed, a
-- face crop, a resize) records the photo it was made from. ON DELETE SET NULL: deleting the source
-- leaves the derived photo in place, no longer pointing anywhere. The partial index serves that
-- cascade (and "what was made from this photo") without costing the many photos that derive from none.
ALTER TABLE photos ADD COLUMN derived_from TEXT REFERENCES photos (id) ON DELETE SET NULL;
CREATE INDEX photos_derived_from ON photos (derived_from) WHERE derived_from IS NOT NULL;
