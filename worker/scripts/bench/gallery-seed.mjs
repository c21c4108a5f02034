// Seeds photo rows straight into D1 (not through the pipeline) for gallery tests and benchmarks: one
// INSERT … SELECT over a recursive counter, so 100,000 rows cost one statement. Rows are "completed",
// 6 hours apart (so month headers and years appear), with a real ThumbHash placeholder and no
// thumbnail objects: the placeholder is what the grid paints.
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

/**
 * SQL inserting `count` photos into `library`. Ids are 21 base-36 characters like real ones, `prefix`
 * first (so several seeds do not collide); newer rows get larger ids, as the API's order expects.
 */
export function gallerySeedSql(count, { library = 'default', prefix = 'b', now = Date.now() } = {}) {
  const ph = placeholders();
  const pad = 21 - prefix.length;
  return `WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < ${count})
INSERT INTO photos (id, library_id, filename, sha256, mime, kind, bytes, width, height, status, created_at, updated_at, placeholder, thumbnails, variants)
SELECT '${prefix}' || substr('${'0'.repeat(pad)}' || (${10 ** Math.min(pad, 12)} - n), -${pad}), '${library}', 'seed-' || n || '.jpg',
  printf('%064x', n) || '', 'image/jpeg', 'image', 131072, 1600, 1200, 'completed',
  ${now} - n * 21600000, ${now} - n * 21600000,
  CASE n % 4 WHEN 0 THEN '${ph[0]}' WHEN 1 THEN '${ph[1]}' WHEN 2 THEN '${ph[2]}' ELSE '${ph[3]}' END, '{}', '{}'
FROM seq;`;
}
