// Reads the photos of a result page from D1 in one query: the same JSON the feed events carry, turned
// into the API shape by the same mapper GET /api/photos uses. Rows read: the page's photos only. In the
// same batch (one round trip, one transaction), the latest seq of the library's event log: the index's
// answer stands when it reflects exactly that seq.
import type { Photo } from '../contract/photo';
import { PHOTO_JSON, toPhoto, type PhotoJson } from '../db/photo-json';

export interface PhotoPage {
  photos: Map<string, Photo>;
  /** The event log's latest seq as of the read of these photos. */
  seq: number;
  rowsRead: number;
}

export async function photosById(db: D1Database, libraryId: string, ids: string[]): Promise<PhotoPage> {
  const [log, page] = await db.batch([
    db.prepare(`SELECT COALESCE(MAX(seq), 0) AS seq FROM events WHERE library_id = ?1`).bind(libraryId),
    db.prepare(`SELECT ${PHOTO_JSON} AS photo FROM json_each(?2) j CROSS JOIN photos p ON p.id = j.value WHERE p.library_id = ?1`)
      .bind(libraryId, JSON.stringify(ids)),
  ]);
  const photos = (page.results as Array<{ photo: string }>).map((r) => toPhoto(JSON.parse(r.photo) as PhotoJson));
  return {
    photos: new Map(photos.map((p) => [p.id, p])),
    seq: (log.results[0] as { seq: number }).seq,
    rowsRead: log.meta.rows_read + page.meta.rows_read,
  };
}
