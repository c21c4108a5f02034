-- Florence-2's detailed description and the text read in the photo (both searchable), and who holds a
-- lease since when: leases are capped per client and in total lifetime (analysis/lease.ts).
ALTER TABLE photo_analysis ADD COLUMN detailed_description TEXT;
ALTER TABLE photo_analysis ADD COLUMN ocr_text TEXT;
ALTER TABLE photo_analysis ADD COLUMN lease_client TEXT;   -- token hash prefix + the tab's device id, or the library
ALTER TABLE photo_analysis ADD COLUMN leased_at INTEGER;    -- when the current lease was claimed
CREATE INDEX photo_analysis_client ON photo_analysis (library_id, lease_client, lease_expires_at) WHERE lease IS NOT NULL;
