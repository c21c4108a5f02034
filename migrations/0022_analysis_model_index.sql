-- GET /api/status counts the photos whose embedding is of another model than the library's
-- (awaitingReanalysis). Over the library's rows that read every analysed photo, each status read; with
-- this index the count reads only the photos of other models (db/analysis.ts countOtherModels).
CREATE INDEX photo_analysis_model ON photo_analysis (library_id, embedding_model) WHERE embedding_model IS NOT NULL;
