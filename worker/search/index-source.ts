// What the index reads from D1, the truth: the feed's event log since the index's seq (so it follows
// every change without hooks in the routes), the embeddings of just-analysed photos, and, to rebuild,
// the whole library page by page. Each function reports D1's rows_read, the figure D1 bills.
import type { PeopleChanged } from '../contract/people';
import { latestSeq } from '../db/events';
import type { SourcePhoto } from './entry';

export interface Counted<T> {
  value: T;
  rowsRead: number;
}

export interface IndexEvent {
  seq: number;
  type: string;
  photoId: string | null;
  photo: SourcePhoto | null;
  /** The payload of a people.changed event: whose photos to read again. */
  people: PeopleChanged | null;
}

/** Event types that change what the index holds; the others only advance its seq. */
const RELEVANT = `('photo.created', 'photo.completed', 'photo.failed', 'photo.updated', 'analysis.completed', 'photo.deleted')`;

interface EventPhoto {
  id: string;
  filename: string;
  kind: SourcePhoto['kind'];
  exif: SourcePhoto['exif'];
  created_at: number;
  analysis: {
    caption: string | null; detailed_description?: string | null; ocr_text?: string | null; tags: SourcePhoto['tags']; embedding_model: string | null;
    faces?: Array<{ personId?: string | null }>;
  } | null;
}

export async function eventsAfter(db: D1Database, libraryId: string, seq: number, limit: number): Promise<Counted<IndexEvent[]>> {
  const res = await db
    .prepare(
      `SELECT seq, type, photo_id, CASE WHEN type IN ${RELEVANT} THEN json_extract(payload, '$.photo') END AS photo,
              CASE WHEN type = 'people.changed' THEN payload END AS people
         FROM events WHERE library_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3`,
    )
    .bind(libraryId, seq, limit)
    .all<{ seq: number; type: string; photo_id: string | null; photo: string | null; people: string | null }>();
  const value = res.results.map((r) => {
    const p = r.photo ? (JSON.parse(r.photo) as EventPhoto) : null;
    const photo: SourcePhoto | null = p && {
      id: p.id, filename: p.filename, kind: p.kind, exif: p.exif, created_at: p.created_at,
      caption: p.analysis?.caption ?? null, detailed_description: p.analysis?.detailed_description ?? null, ocr_text: p.analysis?.ocr_text ?? null,
      tags: p.analysis?.tags ?? null, embedding_model: p.analysis?.embedding_model ?? null,
      people: (p.analysis?.faces ?? []).map((f) => f.personId ?? null).filter((x): x is string => !!x),
    };
    return { seq: r.seq, type: r.type, photoId: r.photo_id, photo, people: r.people ? (JSON.parse(r.people) as PeopleChanged) : null };
  });
  return { value, rowsRead: res.meta.rows_read };
}

const HEX = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) HEX['0123456789ABCDEF'.charCodeAt(i)] = i;

/**
 * Embeddings are selected as hex(): D1 hands BLOBs to a Worker as arrays of numbers, which costs
 * several times more to serialise than the hex text does.
 */
export function fromHex(hex: string): Int8Array {
  const out = new Int8Array(hex.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = (HEX[hex.charCodeAt(2 * i)] << 4) | HEX[hex.charCodeAt(2 * i + 1)];
  return out;
}

export async function embeddingsOf(db: D1Database, libraryId: string, ids: string[]): Promise<Counted<Map<string, { model: string; vector: Int8Array }>>> {
  const res = await db
    .prepare(
      // CROSS JOIN keeps json_each outside: primary-key lookups, never a scan of the library's rows.
      `SELECT a.photo_id, a.embedding_model, hex(a.embedding) AS embedding
         FROM json_each(?2) j CROSS JOIN photo_analysis a ON a.photo_id = j.value
        WHERE a.library_id = ?1 AND a.embedding IS NOT NULL`,
    )
    .bind(libraryId, JSON.stringify(ids))
    .all<{ photo_id: string; embedding_model: string; embedding: string }>();
  return { value: new Map(res.results.map((r) => [r.photo_id, { model: r.embedding_model, vector: fromHex(r.embedding) }])), rowsRead: res.meta.rows_read };
}

export type PhotoWithEmbedding = SourcePhoto & { embedding: string | null };

/** One page of the library for a rebuild, in id order (keyset: each page reads only its own rows). */
export async function photoPage(db: D1Database, libraryId: string, afterId: string, limit: number): Promise<Counted<PhotoWithEmbedding[]>> {
  const res = await db
    .prepare(
      `SELECT p.id, p.filename, p.kind, p.exif, p.created_at, a.caption, a.detailed_description, a.ocr_text, a.tags, a.embedding_model, hex(a.embedding) AS embedding,
              (SELECT json_group_array(DISTINCT f.person_id) FROM faces f WHERE f.photo_id = p.id AND f.person_id IS NOT NULL) AS people
         FROM photos p LEFT JOIN photo_analysis a ON a.photo_id = p.id AND a.embedding_model IS NOT NULL
        WHERE p.library_id = ?1 AND p.id > ?2 ORDER BY p.id LIMIT ?3`,
    )
    .bind(libraryId, afterId, limit)
    .all<PhotoWithEmbedding>();
  return { value: res.results, rowsRead: res.meta.rows_read };
}

/**
 * The people of the photos a people.changed event touched: the photos it names, the photos of the people
 * it names (a merge or a new person names no photo), and the photos the index had under any of them.
 */
export async function peopleOfPhotos(db: D1Database, libraryId: string, personIds: string[], photoIds: string[]): Promise<Counted<Map<string, string[]>>> {
  const res = await db
    .prepare(
      // faces_person serves the first set, the photo_id half of UNIQUE (photo_id, idx) the second.
      `WITH touched AS (
         SELECT photo_id FROM faces WHERE person_id IN (SELECT value FROM json_each(?2)) AND library_id = ?1
         UNION SELECT value FROM json_each(?3)
       )
       SELECT f.photo_id, f.person_id FROM touched t CROSS JOIN faces f ON f.photo_id = t.photo_id
        WHERE f.library_id = ?1 AND f.person_id IS NOT NULL`,
    )
    .bind(libraryId, JSON.stringify(personIds), JSON.stringify(photoIds))
    .all<{ photo_id: string; person_id: string }>();
  const value = new Map<string, string[]>();
  for (const r of res.results) (value.get(r.photo_id) ?? value.set(r.photo_id, []).get(r.photo_id)!).push(r.person_id);
  return { value, rowsRead: res.meta.rows_read };
}

export async function currentSeq(db: D1Database, libraryId: string): Promise<number> {
  return (await latestSeq(db, libraryId)).latest;
}
