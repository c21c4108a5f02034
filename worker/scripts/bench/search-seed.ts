// bench:search only: darkroom's Worker plus /__bench/* routes that write seeded photos straight into D1
// (the rows the pipeline and the analysis route write) and drive the library's real index object.
import darkroom from '../../index';
import { photoEventStatement } from '../../db/events';
import { getSettings, putSettings } from '../../db/settings';
import type { Bindings } from '../../env';
import { newPhotoId } from '../../ids';
import { mulberry32 } from '../../mulberry32';

export { LibraryFeed, SearchIndex } from '../../index';

const LIBRARY = 'default';
const CAMERAS = [['Apple', 'iPhone 4'], ['Apple', 'iPhone 12'], ['Google', 'Pixel 7'], ['Canon', 'Canon EOS 5D'], ['SONY', 'ILCE-7M3']];

/** `count` photos starting at number `from`, each with a random 512-d int8 embedding. */
async function seed(env: Bindings, from: number, count: number, dims: number) {
  const random = mulberry32(from + 1);
  const t0 = Date.parse('2016-01-01T00:00:00Z');
  const rows = Array.from({ length: count }, (_, k) => {
    const n = from + k;
    const [make, model] = CAMERAS[n % CAMERAS.length];
    const taken = new Date(t0 + random() * 10 * 365 * 86400_000).toISOString().slice(0, 19);
    const gps = random() < 0.5 ? { latitude: random() * 140 -70, longitude: random() * 360 - 180, altitude: null } : null;
    const bytes = new Uint8Array(dims);
    for (let d = 0; d < dims; d++) bytes[d] = (Math.round(random() * 254 - 127) + 256) % 256;
    return {
      id: newPhotoId(t0 + n * 1000),
      sha: n.toString(16).padStart(64, '0'),
      name: `bench-${n}.jpg`,
      kind: n % 10 === 0 ? 'video' : 'image',
      exif: JSON.stringify({ make, model, takenAt: taken, orientation: 1, gps, title: null, description: null, keywords: [] }),
      emb: [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(''),
      at: t0 + n * 1000,
    };
  });
  const json = JSON.stringify(rows);
  await env.DB.batch([
    env.DB.prepare(
      `INSERT INTO photos (id, library_id, filename, sha256, mime, kind, bytes, width, height, status, exif, created_at, updated_at)
       SELECT value->>'id', ?1, value->>'name', value->>'sha', 'image/jpeg', value->>'kind', 100000, 4000, 3000, 'completed', value->>'exif', value->>'at', value->>'at'
         FROM json_each(?2)`,
    ).bind(LIBRARY, json),
    env.DB.prepare(
      `INSERT INTO photo_analysis (photo_id, library_id, caption, tags, faces, embedding, embedding_scale, embedding_model, embedding_dims, updated_at)
       SELECT value->>'id', ?1, NULL, '[]', '[]', unhex(value->>'emb'), 0.01, 'bench/clip@1', ?3, value->>'at' FROM json_each(?2)`,
    ).bind(LIBRARY, json, dims),
  ]);
  return rows.map((r) => r.id);
}

/** One analysis result arriving: the photo's row, its embedding and its `analysis.completed` event. */
async function update(env: Bindings, n: number, dims: number) {
  const [id] = await seed(env, n, 1, dims);
  await env.DB.batch([photoEventStatement(env.DB, LIBRARY, 'analysis.completed', id, Date.now())]);
  return id;
}

export default {
  ...darkroom,
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    if (!url.pathname.startsWith('/__bench/')) return darkroom.fetch(request, env, ctx);
    const p = Object.fromEntries(url.searchParams);
    const index = env.SEARCH_INDEX.getByName(LIBRARY);
    switch (url.pathname) {
      case '/__bench/seed': {
        // The index searches the library's setting model: name the seeded one.
        const s = await getSettings(env.DB, LIBRARY, env);
        await putSettings(env.DB, LIBRARY, { ...s, analysis: { ...s.analysis, embedding: { id: 'bench/clip', version: '1', dims: Number(p.dims) } } });
        return Response.json({ ids: (await seed(env, Number(p.from), Number(p.count), Number(p.dims))).length });
      }
      case '/__bench/rebuild':
        return Response.json(await index.rebuild(LIBRARY));
      case '/__bench/stats':
        return Response.json(await index.stats(LIBRARY));
      case '/__bench/update':
        return Response.json({ id: await update(env, Number(p.n), Number(p.dims)) });
      default:
        return new Response('unknown bench route', { status: 404 });
    }
  },
} satisfies ExportedHandler<Bindings>;
