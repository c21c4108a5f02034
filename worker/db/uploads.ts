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
}

export async function insertUpload(db: D1Database, u: Omit<UploadRow, 'mime' | 'kind' | 'width' | 'height' | 'exif'>) {
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
