// A library's embedding model changed: its photos analysed with another model are analysed again. Their
// analysis stage reopens as backfill — claims hand out never-analysed photos first (db/analysis.ts orders
// them so), and the old results stay on the photo until the new ones replace them. Browsers run analysis,
// so reopening the stage is the whole re-queue: no pipeline message is involved.
// No per-photo events: a model change may reopen a whole library; the dashboard shows the count
// (GET /api/status awaitingReanalysis) and the photos' stages update as tabs claim them.
import * as db from '../db/analysis';

/** Answers how many photos were reopened. */
export const reanalyseOtherModels = (dbh: D1Database, libraryId: string, model: string, now: number) => db.reopenOtherModels(dbh, libraryId, model, now);

/** Photos whose stored embedding is of another model than the library's (the dashboard's backfill count). */
export const awaitingReanalysis = (dbh: D1Database, libraryId: string, model: string) => db.countOtherModels(dbh, libraryId, model);
