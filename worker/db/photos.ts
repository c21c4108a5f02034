// Raw prepared SQL for the photos table, one function per use case. Every query is scoped by library.
import type { Photo, PhotoKind, PhotoStatus } from '../contract/photo';
import { eventRows, eventStatement, photoEventStatement, statsEventStatement, type EventRow } from './events';
import { countPhotoDay, uncountPhotoDay } from './photo-days';
import { PHOTO_JSON, toPhoto, type PhotoJson } from './photo-json';

/** A photo as the API shape, straight from PHOTO_JSON. */
const SELECT_PHOTO = `SELECT ${PHOTO_JSON} AS photo FROM photos p`;
const fromRow = (row: { photo: string }) => toPhoto(JSON.parse(row.photo) as PhotoJson);

export interface NewPhoto {
  id: string;
  libraryId: string;
  filename: string;
  sha256: string;
  mime: string;
  kind: PhotoKind;
  bytes: number;
  width: number | null;
  height: number | null;
  exif: Photo['exif'];
  stages: readonly string[];
  /** The photo of the same library this one was made from (an export saved back). */
  derivedFrom?: string;
}

/**
 * Inserts the photo, its pending stages and its feed events in one transaction. `inserted` is false when
 * the library already has these bytes: the unique (library_id, sha256) index settles concurrent uploads.
 */
export async function insertPhoto(db: D1Database, p: NewPhoto, now: number, queued: boolean): Promise<{ inserted: boolean; photo: Photo | null; events: EventRow[] }> {
  const results = await db.batch([
    db
      .prepare(
        // derived_from is looked up, not bound as given: a source deleted since the route checked it
        // becomes NULL instead of failing the foreign key.
        `INSERT INTO photos (id, library_id, filename, sha256, mime, kind, bytes, width, height, exif, created_at, updated_at, queued_at, derived_from)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11, ?12, (SELECT s.id FROM photos s WHERE s.id = ?13 AND s.library_id = ?2))
         ON CONFLICT (library_id, sha256) DO NOTHING RETURNING id`,
      )
      .bind(p.id, p.libraryId, p.filename, p.sha256, p.mime, p.kind, p.bytes, p.width, p.height,
        p.exif ? JSON.stringify(p.exif) : null, now, queued ? now : null, p.derivedFrom ?? null),
    db
      .prepare(
        `INSERT INTO photo_stages (photo_id, stage, updated_at)
         SELECT ?1, value, ?3 FROM json_each(?2) WHERE EXISTS (SELECT 1 FROM photos WHERE id = ?1)`,
      )
      .bind(p.id, JSON.stringify(p.stages), now),
    photoEventStatement(db, p.libraryId, 'photo.created', p.id, now),
    // Its day in the timeline's counts (nothing for a duplicate: no row has this new id).
    countPhotoDay(db, p.libraryId, p.id),
  ]);
  const inserted = results[0].results.length === 1;
  const created = eventRows(results.slice(2, 3));
  // Counts only move when the photo is new; a separate statement keeps the duplicate path event-free.
  const stats = inserted ? eventRows(await db.batch([statsEventStatement(db, p.libraryId, now)])) : [];
  // The photo.created event carries the row as the same transaction wrote it: the answer without a read back.
  const photo = created.length ? toPhoto((JSON.parse(created[0].payload) as { photo: PhotoJson }).photo) : null;
  return { inserted, photo, events: [...created, ...stats] };
}

export async function getPhoto(db: D1Database, libraryId: string, id: string): Promise<Photo | null> {
  const row = await db
    .prepare(`${SELECT_PHOTO} WHERE p.library_id = ?1 AND p.id = ?2`)
    .bind(libraryId, id)
    .first<{ photo: string }>();
  return row ? fromRow(row) : null;
}

export async function getPhotoBySha(db: D1Database, libraryId: string, sha256: string): Promise<Photo | null> {
  const row = await db
    .prepare(`${SELECT_PHOTO} WHERE p.library_id = ?1 AND p.sha256 = ?2`)
    .bind(libraryId, sha256)
    .first<{ photo: string }>();
  return row ? fromRow(row) : null;
}

/** Newest first. `cursor` is the id of the last photo of the previous page. */
export async function listPhotos(
  db: D1Database,
  libraryId: string,
  opts: { status?: PhotoStatus; cursor?: string; limit: number },
): Promise<{ photos: Photo[]; nextCursor: string | null }> {
  const { results } = await db
    .prepare(
      `${SELECT_PHOTO}
        WHERE p.library_id = ?1 AND (?2 IS NULL OR p.status = ?2) AND (?3 IS NULL OR p.id < ?3)
        ORDER BY p.id DESC LIMIT ?4`,
    )
    .bind(libraryId, opts.status ?? null, opts.cursor ?? null, opts.limit + 1)
    .all<{ photo: string }>();
  const photos = results.slice(0, opts.limit).map(fromRow);
  return { photos, nextCursor: results.length > opts.limit ? photos[photos.length - 1].id : null };
}

/** Maps each of `hashes` the library already has to its photo id. */
export async function findBySha(db: D1Database, libraryId: string, hashes: string[]): Promise<Record<string, string>> {
  const { results } = await db
    .prepare(`SELECT sha256, id FROM photos WHERE library_id = ?1 AND sha256 IN (SELECT value FROM json_each(?2))`)
    .bind(libraryId, JSON.stringify(hashes))
    .all<{ sha256: string; id: string }>();
  return Object.fromEntries(results.map((r) => [r.sha256, r.id]));
}

export async function deletePhotoRow(db: D1Database, libraryId: string, id: string, now: number): Promise<EventRow[]> {
  const results = await db.batch([
    db.prepare(`DELETE FROM photo_stages WHERE photo_id = (SELECT id FROM photos WHERE library_id = ?1 AND id = ?2)`).bind(libraryId, id),
    db.prepare(`DELETE FROM photo_analysis WHERE library_id = ?1 AND photo_id = ?2`).bind(libraryId, id),
    uncountPhotoDay(db, libraryId, id), // while the row still says which day it was on
    db.prepare(`DELETE FROM photos WHERE library_id = ?1 AND id = ?2 RETURNING id`).bind(libraryId, id),
  ]);
  if (!results[3].results.length) return [];
  return eventRows(await db.batch([eventStatement(db, libraryId, 'photo.deleted', id, {}, now), statsEventStatement(db, libraryId, now)]));
}
