// Seeds photo rows straight into D1 (not through the pipeline) for gallery tests and benchmarks: one
// INSERT … SELECT over a recursive counter, so 100,000 rows cost one statement. Rows are "completed",
// 6 hours apart or closer (so day headers and years appear), with a real ThumbHash placeholder and no
// thumbnail objects: the placeholder is what the grid paints. The timeline's day counts are set after.
import { rgbaToThumbHash } from 'thumbhash';

/** Four ThumbHashes of flat-ish colour tiles, base64, so neighbouring tiles differ. */
function placeholders() {
  const colours = [[200, 120, 80], [70, 130, 180], [120, 170, 90], [180, 160, 200]];
  return colours.map(([r, g, b]) => {
    const w = 32, h = 32, rgba = new Uint8Array(w * h * 4);
    for (let i = 0; i < w * h; i++) rgba.set([r + ((i % w) * 2), g, b - (Math.floor(i / w) * 2), 255], i * 4);
    return Buffer.from(rgbaToThumbHash(w, h, rgba)).toString('base64');
  });
}

const DIGITS = '0123456789abcdefghijklmnopqrstuvwxyz';
/** Time between seeded photos: 6 hours, closer for big seeds so 100,000 photos span 20 years, not 68. */
const stepMs = (count) => Math.min(21_600_000, Math.floor((20 * 365.25 * 86_400_000) / count));

/** Photo `n`'s upload time (ms), as the seed of `count` writes it. */
export const seedTime = (n, { count, now }) => now - n * stepMs(count);

/** Photo `n`'s id, as the seed of `count` writes it: the time part of a real id (worker/ids.ts), then `prefix` and n. */
export function seedId(n, { count, prefix = 'b', now }) {
  return (now - n * stepMs(count)).toString(36).padStart(9, '0') + prefix + String(n).padStart(12 - prefix.length, '0');
}

/** The same id as an SQL expression of the counter `n`: 9 base-36 digits of the time, computed in SQLite. */
function seedIdSql(time, prefix) {
  const digits = Array.from({ length: 9 }, (_, i) => `substr('${DIGITS}', (${time} / ${36 ** (8 - i)}) % 36 + 1, 1)`);
  return `${digits.join(' || ')} || '${prefix}' || substr('${'0'.repeat(12 - prefix.length)}' || n, -${12 - prefix.length})`;
}

/**
 * SQL inserting `count` photos into `library`. Ids are built like real ones (time first, so photos
 * uploaded later sort above the seed, as in a real library), then `prefix` (so several seeds do not
 * collide); newer rows get larger ids, as the API's order expects.
 */
export function gallerySeedSql(count, { library = 'default', prefix = 'b', now = Date.now() } = {}) {
  const ph = placeholders();
  const time = `(${now} - n * ${stepMs(count)})`;
  return `WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < ${count})
INSERT INTO photos (id, library_id, filename, sha256, mime, kind, bytes, width, height, status, created_at, updated_at, placeholder, thumbnails, variants)
SELECT ${seedIdSql(time, prefix)}, '${library}', 'seed-' || n || '.jpg',
  printf('%064x', n) || '', 'image/jpeg', 'image', 131072, 1600, 1200, 'completed',
  ${time}, ${time},
  CASE n % 4 WHEN 0 THEN '${ph[0]}' WHEN 1 THEN '${ph[1]}' WHEN 2 THEN '${ph[2]}' ELSE '${ph[3]}' END, '{}', '{}'
FROM seq;
${photoDaysSql(library)}`;
}

/** SQL giving `library`'s photos their three completed stages, finished when the photo was uploaded (GET /api/status reads them). */
export function galleryStagesSql(library = 'default') {
  return `INSERT INTO photo_stages (photo_id, stage, status, ms, finished_at, updated_at)
SELECT p.id, s.value, 'completed', 40, p.updated_at, p.updated_at FROM photos p, json_each('["exif","thumbnails","variants"]') s WHERE p.library_id = '${library}';`;
}

/**
 * SQL setting the timeline's per-day counts (migrations/0019_photo_days.sql) of `library` from its photos
 * as they are: rows seeded straight into D1 skip the API's writes, which keep the counts.
 */
export function photoDaysSql(library = 'default') {
  return `DELETE FROM photo_days WHERE library_id = '${library}';
INSERT INTO photo_days (library_id, day, count) SELECT library_id, substr(sort_at, 1, 10), count(*) FROM photos WHERE library_id = '${library}' GROUP BY 1, 2;`;
}
