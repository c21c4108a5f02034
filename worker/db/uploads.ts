// Resumable upload sessions and their parts.

export interface UploadRow {
  id: string;
  library_id: string;
  photo_id: string;
  r2_upload_id: string;
  filename: string;
  size: number;
  sha256: string;
  part_size: number;
  mime: string | null;
  kind: 'image' | 'video' | null;
  width: number | null;
  height: number | null;
  exif: string | null;
  created_at: number;
  completing_at: number | null;
}

export async function insertUpload(db: D1Database, u: Omit<UploadRow, 'mime' | 'kind' | 'width' | 'height' | 'exif' | 'completing_at'>) {
  await db
    .prepare(
      `INSERT INTO uploads (id, library_id, photo_id, r2_upload_id, filename, size, sha256, part_size, created_at)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)`,
    )
    .bind(u.id, u.library_id, u.photo_id, u.r2_upload_id, u.filename, u.size, u.sha256, u.part_size, u.created_at)
    .run();
}

export async function getUpload(db: D1Database, libraryId: string, id: string) {
  return db.prepare(`SELECT * FROM uploads WHERE library_id = ?1 AND id = ?2`).bind(libraryId, id).first<UploadRow>();
}

export async function uploadParts(db: D1Database, id: string) {
  const { results } = await db
    .prepare(`SELECT part_number, etag FROM upload_parts WHERE upload_id = ?1 ORDER BY part_number`)
    .bind(id)
    .all<{ part_number: number; etag: string }>();
  return results;
}

export async function recordPart(db: D1Database, id: string, part: number, etag: string) {
  await db
    .prepare(`INSERT INTO upload_parts (upload_id, part_number, etag) VALUES (?1, ?2, ?3)
              ON CONFLICT (upload_id, part_number) DO UPDATE SET etag = excluded.etag`)
    .bind(id, part, etag)
    .run();
}

export async function recordInspection(db: D1Database, id: string, i: { mime: string; kind: string; width: number | null; height: number | null; exif: object | null }) {
  await db
    .prepare(`UPDATE uploads SET mime = ?2, kind = ?3, width = ?4, height = ?5, exif = ?6 WHERE id = ?1`)
    .bind(id, i.mime, i.kind, i.width, i.height, i.exif ? JSON.stringify(i.exif) : null)
    .run();
}

export async function deleteUpload(db: D1Database, id: string) {
  await db.batch([
    db.prepare(`DELETE FROM upload_parts WHERE upload_id = ?1`).bind(id),
    db.prepare(`DELETE FROM uploads WHERE id = ?1`).bind(id),
  ]);
}

export async function staleUploads(db: D1Database, before: number) {
  const { results } = await db.prepare(`SELECT * FROM uploads WHERE created_at < ?1 LIMIT 100`).bind(before).all<UploadRow>();
  return results;
}

export async function openUploadCount(db: D1Database, libraryId: string): Promise<number> {
  const row = await db.prepare(`SELECT COUNT(*) AS n FROM uploads WHERE library_id = ?1`).bind(libraryId).first<{ n: number }>();
  return row?.n ?? 0;
}

/**
 * Claims a session for completion; false when another request holds it. A claim older than `staleBefore`
 * (its request died) can be taken over, so a crashed completion can be retried.
 */
export async function claimCompletion(db: D1Database, id: string, now: number, staleBefore: number): Promise<boolean> {
  const row = await db
    .prepare(`UPDATE uploads SET completing_at = ?2 WHERE id = ?1 AND (completing_at IS NULL OR completing_at < ?3) RETURNING id`)
    .bind(id, now, staleBefore)
    .first<{ id: string }>();
  return row !== null;
}

export async function releaseCompletion(db: D1Database, id: string) {
  await db.prepare(`UPDATE uploads SET completing_at = NULL WHERE id = ?1`).bind(id).run();
}
