// Raw prepared SQL for the photos table, one function per use case. Every query is scoped by library.
import { STAGES, type Photo, type PhotoKind, type PhotoStatus, type StageName, type StageState } from '../contract/photo';
import type { PhotoAnalysis } from '../contract/analysis';
import { eventRows, eventStatement, photoEventStatement, statsEventStatement, type EventRow } from './events';
import { FACES_JSON } from '../people/photo-faces-sql';
import { thumbnailFile } from '../pipeline/thumbnails';
import { variantFile } from '../pipeline/variants';

export interface PhotoRow {
  id: string;
  filename: string;
  sha256: string;
  mime: string;
  kind: PhotoKind;
  bytes: number;
  width: number | null;
  height: number | null;
  status: PhotoStatus;
  exif: string | null;
  error: string | null;
  created_at: number;
  updated_at: number;
  stages: string | null;
  placeholder: string | null;
  thumbnails: string | null;
  variants: string | null;
  analysis?: unknown;
}

/** The analysis of a photo as one JSON value (NULL until results exist); `p` is the photos row. */
// Lives here, not in analysis.ts: that module imports events, which imports this one.
const ANALYSIS_JSON = `(SELECT json_object('caption', a.caption, 'tags', json(a.tags), 'faces', json(${FACES_JSON}),
    'embedding_model', a.embedding_model, 'embedding_dims', a.embedding_dims, 'models', json(a.models),
    'device', json(a.device), 'timings', json(a.timings))
   FROM photo_analysis a WHERE a.photo_id = p.id AND a.embedding_model IS NOT NULL)`;

// Stages come back as one JSON object per photo, so a page of photos is still one query.
const SELECT_PHOTO = `
  SELECT p.id, p.filename, p.sha256, p.mime, p.kind, p.bytes, p.width, p.height, p.status, p.exif,
         p.error, p.created_at, p.updated_at, p.placeholder, p.thumbnails, p.variants, ${ANALYSIS_JSON} AS analysis,
         (SELECT json_group_object(s.stage, json_object('status', s.status, 'attempts', s.attempts,
                                                        'ms', s.ms, 'error', s.error))
            FROM photo_stages s WHERE s.photo_id = p.id) AS stages
    FROM photos p`;

/** The same row as one JSON value, for events written in the transaction that changes the photo. */
export const PHOTO_JSON = `
  json_object('id', p.id, 'filename', p.filename, 'sha256', p.sha256, 'mime', p.mime, 'kind', p.kind,
    'bytes', p.bytes, 'width', p.width, 'height', p.height, 'status', p.status, 'exif', json(p.exif),
    'error', p.error, 'created_at', p.created_at, 'updated_at', p.updated_at, 'placeholder', p.placeholder,
    'thumbnails', json(p.thumbnails), 'variants', json(p.variants), 'analysis', json(${ANALYSIS_JSON}),
    'stages', json((SELECT json_group_object(s.stage, json_object('status', s.status, 'attempts', s.attempts,
                                                                  'ms', s.ms, 'error', s.error))
                      FROM photo_stages s WHERE s.photo_id = p.id)))`;

// Columns arrive as JSON text from a SELECT, or already parsed when the row came as PHOTO_JSON.
const parsed = <T>(value: unknown, fallback: T): T => (typeof value === 'string' ? JSON.parse(value) : (value ?? fallback)) as T;

export function toPhoto(row: PhotoRow): Photo {
  const stages: Photo['stages'] = {};
  const raw = parsed<Record<string, StageState>>(row.stages, {});
  // Pipeline order, then analysis: SQLite hands the rows back alphabetically.
  for (const name of [...STAGES, 'analysis'] as StageName[]) {
    const s = raw[name];
    if (!s) continue;
    stages[name] = {
      status: s.status,
      attempts: s.attempts,
      ...(s.ms !== null && s.ms !== undefined && { ms: s.ms }),
      ...(s.error && { error: s.error }),
    };
  }
  return {
    id: row.id,
    filename: row.filename,
    sha256: row.sha256,
    mime: row.mime,
    kind: row.kind,
    bytes: row.bytes,
    width: row.width,
    height: row.height,
    status: row.status,
    stages,
    exif: parsed(row.exif, null),
    error: row.error,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    placeholder: row.placeholder,
    // File names here; routes turn them into signed URLs (media/present.ts).
    thumbnails: files(row.thumbnails, thumbnailFile),
    variants: files(row.variants, variantFile),
    analysis: toAnalysis(parsed<AnalysisRow | null>(row.analysis, null)),
  };
}

interface AnalysisRow {
  caption: string | null;
  tags: PhotoAnalysis['tags'] | null;
  faces: PhotoAnalysis['faces'] | null;
  embedding_model: string;
  embedding_dims: number;
  models: PhotoAnalysis['models'];
  device: PhotoAnalysis['device'];
  timings: PhotoAnalysis['timings'];
}

function toAnalysis(a: AnalysisRow | null): PhotoAnalysis | null {
  if (!a) return null;
  return {
    caption: a.caption, tags: a.tags ?? [], faces: a.faces ?? [], embedding: { model: a.embedding_model, dims: a.embedding_dims },
    models: a.models, device: a.device, timings: a.timings,
  };
}

function files(json: unknown, name: (key: string) => string): Record<string, string> {
  const sizes = parsed<Record<string, unknown>>(json, {});
  return Object.fromEntries(Object.keys(sizes).map((k) => [k, name(k)]));
}

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
}

/** The API shape of a photo just inserted, without reading it back. */
export function newPhotoJson(p: NewPhoto, now: number): Photo {
  const at = new Date(now).toISOString();
  return {
    id: p.id, filename: p.filename, sha256: p.sha256, mime: p.mime, kind: p.kind, bytes: p.bytes,
    width: p.width, height: p.height, status: 'pending',
    stages: Object.fromEntries(p.stages.map((s) => [s, { status: 'pending', attempts: 0 }])),
    exif: p.exif as Photo['exif'], error: null, createdAt: at, updatedAt: at,
    placeholder: null, thumbnails: {}, variants: {}, analysis: null,
  };
}

/**
 * Inserts the photo, its pending stages and its feed events in one transaction. `inserted` is false when
 * the library already has these bytes: the unique (library_id, sha256) index settles concurrent uploads.
 */
export async function insertPhoto(db: D1Database, p: NewPhoto, now: number, queued: boolean): Promise<{ inserted: boolean; events: EventRow[] }> {
  const results = await db.batch([
    db
      .prepare(
        `INSERT INTO photos (id, library_id, filename, sha256, mime, kind, bytes, width, height, exif, created_at, updated_at, queued_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11, ?12)
         ON CONFLICT (library_id, sha256) DO NOTHING`,
      )
      .bind(p.id, p.libraryId, p.filename, p.sha256, p.mime, p.kind, p.bytes, p.width, p.height,
        p.exif ? JSON.stringify(p.exif) : null, now, queued ? now : null),
    db
      .prepare(
        `INSERT INTO photo_stages (photo_id, stage, updated_at)
         SELECT ?1, value, ?3 FROM json_each(?2) WHERE EXISTS (SELECT 1 FROM photos WHERE id = ?1)`,
      )
      .bind(p.id, JSON.stringify(p.stages), now),
    photoEventStatement(db, p.libraryId, 'photo.created', p.id, now),
  ]);
  const inserted = results[0].meta.changes === 1;
  // Counts only move when the photo is new; a separate statement keeps the duplicate path event-free.
  const stats = inserted ? eventRows(await db.batch([statsEventStatement(db, p.libraryId, now)])) : [];
  return { inserted, events: [...eventRows(results.slice(2)), ...stats] };
}

export async function getPhoto(db: D1Database, libraryId: string, id: string): Promise<Photo | null> {
  const row = await db
    .prepare(`${SELECT_PHOTO} WHERE p.library_id = ?1 AND p.id = ?2`)
    .bind(libraryId, id)
    .first<PhotoRow>();
  return row ? toPhoto(row) : null;
}

export async function getPhotoBySha(db: D1Database, libraryId: string, sha256: string): Promise<Photo | null> {
  const row = await db
    .prepare(`${SELECT_PHOTO} WHERE p.library_id = ?1 AND p.sha256 = ?2`)
    .bind(libraryId, sha256)
    .first<PhotoRow>();
  return row ? toPhoto(row) : null;
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
    .all<PhotoRow>();
  const photos = results.slice(0, opts.limit).map(toPhoto);
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
    db.prepare(`DELETE FROM photos WHERE library_id = ?1 AND id = ?2`).bind(libraryId, id),
  ]);
  if (results[2].meta.changes < 1) return [];
  return eventRows(await db.batch([eventStatement(db, libraryId, 'photo.deleted', id, {}, now), statsEventStatement(db, libraryId, now)]));
}
