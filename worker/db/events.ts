// Feed events, written as statements inside the batch that makes the change (same transaction).
import type { Counts, FeedEvent } from '../contract/feed';
import type { Photo } from '../contract/photo';
import { PHOTO_JSON } from './photo-json';

export interface EventRow {
  seq: number;
  type: FeedEvent['type'];
  photo_id: string | null;
  payload: string;
  created_at: number;
}

const NEXT_SEQ = `(SELECT COALESCE(MAX(seq), 0) + 1 FROM events WHERE library_id = ?1)`;
const RETURNING = `RETURNING seq, type, photo_id, payload, created_at`;

/** The events that carry the photo as it is after the change. */
export type PhotoEventType = Extract<FeedEvent, { photo: Photo }>['type'];

/** An event whose payload is known in JS. */
export function eventStatement<T extends FeedEvent['type']>(
  db: D1Database, libraryId: string, type: T, photoId: string | null,
  payload: Omit<Extract<FeedEvent, { type: T }>, 'type' | 'seq' | 'at' | 'photoId'>, now: number,
) {
  return db
    .prepare(`INSERT INTO events (library_id, seq, type, photo_id, payload, created_at) VALUES (?1, ${NEXT_SEQ}, ?2, ?3, ?4, ?5) ${RETURNING}`)
    .bind(libraryId, type, photoId, JSON.stringify(payload), now);
}

/**
 * An event carrying the photo as it is after the earlier statements of the same batch. Analysis timings
 * stay out: they are a client's free-form numbers, and every tab and the index would receive them.
 */
export function photoEventStatement(db: D1Database, libraryId: string, type: PhotoEventType, photoId: string, now: number) {
  return db
    .prepare(
      `INSERT INTO events (library_id, seq, type, photo_id, payload, created_at)
       SELECT ?1, ${NEXT_SEQ}, ?2, ?3, json_object('photo', json_remove(${PHOTO_JSON}, '$.analysis.timings')), ?4 FROM photos p WHERE p.id = ?3 ${RETURNING}`,
    )
    .bind(libraryId, type, photoId, now);
}

// Over library_counts (a row per status, kept by triggers: migration 0020), not the photos: the counts
// are written after every upload and stage transition, and counting a 100,000-photo library each time
// read all of it.
const COUNTS_JSON = `json_object('pending', COALESCE(SUM(n * (status = 'pending')), 0), 'processing', COALESCE(SUM(n * (status = 'processing')), 0),
  'completed', COALESCE(SUM(n * (status = 'completed')), 0), 'failed', COALESCE(SUM(n * (status = 'failed')), 0))`;

/** The library's counts after the earlier statements of the batch. */
export function statsEventStatement(db: D1Database, libraryId: string, now: number) {
  return db
    .prepare(
      `INSERT INTO events (library_id, seq, type, photo_id, payload, created_at)
       SELECT ?1, ${NEXT_SEQ}, '${'stats' satisfies FeedEvent['type']}', NULL, json_object('counts', json(${COUNTS_JSON})), ?2 FROM library_counts WHERE library_id = ?1 ${RETURNING}`,
    )
    .bind(libraryId, now);
}

export async function countsFor(db: D1Database, libraryId: string): Promise<Counts> {
  const row = await db.prepare(`SELECT ${COUNTS_JSON} AS counts FROM library_counts WHERE library_id = ?1`).bind(libraryId).first<{ counts: string }>();
  return JSON.parse(row!.counts);
}

export async function eventsSince(db: D1Database, libraryId: string, since: number, limit: number): Promise<EventRow[]> {
  const { results } = await db
    .prepare(`SELECT seq, type, photo_id, payload, created_at FROM events WHERE library_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3`)
    .bind(libraryId, since, limit)
    .all<EventRow>();
  return results;
}

export async function latestSeq(db: D1Database, libraryId: string): Promise<{ latest: number; oldest: number }> {
  const row = await db
    .prepare(`SELECT COALESCE(MAX(seq), 0) AS latest, COALESCE(MIN(seq), 0) AS oldest FROM events WHERE library_id = ?1`)
    .bind(libraryId)
    .first<{ latest: number; oldest: number }>();
  return row!;
}

/**
 * Keeps a week of events: a client away longer gets a snapshot instead. Each library keeps its newest
 * event whatever its age: seq is MAX(seq) + 1, so an emptied log would number from 1 again, and a tab
 * holding an old seq would take the new events for ones it had already applied.
 */
export async function pruneEvents(db: D1Database, before: number) {
  await db
    .prepare(`DELETE FROM events WHERE created_at < ?1 AND seq < (SELECT MAX(seq) FROM events newest WHERE newest.library_id = events.library_id)`)
    .bind(before)
    .run();
}

/** Rows returned by the event statements of a batch result. */
export function eventRows(results: D1Result[]): EventRow[] {
  return results.flatMap((r) => (r.results as unknown[]).filter((x): x is EventRow => !!x && typeof (x as EventRow).seq === 'number' && 'payload' in (x as object)));
}

/** A stage's state after the earlier statements of the batch. */
export function stageEventStatement(db: D1Database, libraryId: string, photoId: string, stage: string, now: number) {
  return db
    .prepare(
      `INSERT INTO events (library_id, seq, type, photo_id, payload, created_at)
       SELECT ?1, ${NEXT_SEQ}, '${'photo.stage' satisfies FeedEvent['type']}', ?2,
              json_object('stage', s.stage, 'status', s.status, 'attempts', s.attempts, 'ms', s.ms, 'error', s.error), ?4
         FROM photo_stages s WHERE s.photo_id = ?2 AND s.stage = ?3 ${RETURNING}`,
    )
    .bind(libraryId, photoId, stage, now);
}
