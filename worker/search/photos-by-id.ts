// Reads the photos of a result page from D1 in one query: the same JSON the feed events carry, turned
// into the API shape by the same mapper GET /api/photos uses. Rows read: the page's photos only.
import type { Photo } from '../contract/photo';
import { PHOTO_JSON, toPhoto, type PhotoJson } from '../db/photo-json';

export async function photosById(db: D1Database, libraryId: string, ids: string[]): Promise<{ photos: Map<string, Photo>; rowsRead: number }> {
  if (!ids.length) return { photos: new Map(), rowsRead: 0 };
  const res = await db
    .prepare(`SELECT ${PHOTO_JSON} AS photo FROM json_each(?2) j CROSS JOIN photos p ON p.id = j.value WHERE p.library_id = ?1`)
    .bind(libraryId, JSON.stringify(ids))
    .all<{ photo: string }>();
  const photos = res.results.map((r) => toPhoto(JSON.parse(r.photo) as PhotoJson));
  return { photos: new Map(photos.map((p) => [p.id, p])), rowsRead: res.meta.rows_read };
}
