// Test helper: writes a developed (and optionally analysed) photo the way the pipeline and the analysis
// route do — the same rows, and the same feed events in the same batch — without running the models.
import { env } from 'cloudflare:test';
import { quantize } from '../db/analysis';
import { photoEventStatement } from '../db/events';
import { getSettings, putSettings } from '../db/settings';
import type { Bindings } from '../env';
import { newPhotoId } from '../ids';
import { newLibrary } from '../test/helpers';

/** Sets the library's embedding model (settings.analysis.embedding), which the index searches. */
export async function useEmbeddingModel(libraryId: string, model = { id: 'test/clip', version: '1', dims: 8 }) {
  const s = await getSettings(env.DB, libraryId, env as Bindings);
  await putSettings(env.DB, libraryId, { ...s, analysis: { ...s.analysis, embedding: model } });
}

/** A new library whose embedding model is test/clip@1 with `dims` dimensions (what seedPhoto writes by default). */
export async function searchLibrary(dims = 8) {
  const lib = await newLibrary();
  await useEmbeddingModel(lib.libraryId, { id: 'test/clip', version: '1', dims });
  return lib;
}

export interface SeedPhoto {
  filename?: string;
  kind?: 'image' | 'video';
  takenAt?: string | null;
  make?: string | null;
  model?: string | null;
  gps?: { lat: number; lon: number };
  title?: string;
  keywords?: string[];
  caption?: string;
  tags?: string[];
  vector?: number[];
  embeddingModel?: string;
  /** Upload time; ids sort by it. */
  at?: number;
}

let clock = Date.now();

export async function seedPhoto(libraryId: string, p: SeedPhoto = {}): Promise<string> {
  const now = p.at ?? ++clock;
  const id = newPhotoId(now);
  const exif = {
    make: p.make ?? null, model: p.model ?? null, takenAt: p.takenAt ?? null, orientation: 1,
    gps: p.gps ? { latitude: p.gps.lat, longitude: p.gps.lon, altitude: null } : null,
    title: p.title ?? null, description: null, keywords: p.keywords ?? [],
  };
  const sha = [...crypto.getRandomValues(new Uint8Array(32))].map((b) => b.toString(16).padStart(2, '0')).join('');
  const db = env.DB;
  await db.batch([
    db
      .prepare(
        `INSERT INTO photos (id, library_id, filename, sha256, mime, kind, bytes, width, height, status, exif, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, 'image/jpeg', ?5, 1000, 640, 480, 'completed', ?6, ?7, ?7)`,
      )
      .bind(id, libraryId, p.filename ?? `photo-${id}.jpg`, sha, p.kind ?? 'image', JSON.stringify(exif), now),
    photoEventStatement(db, libraryId, 'photo.completed', id, now),
  ]);
  if (p.vector) {
    const q = quantize(p.vector);
    const model = p.embeddingModel ?? 'test/clip@1';
    await db.batch([
      db
        .prepare(
          `INSERT INTO photo_analysis (photo_id, library_id, caption, tags, faces, embedding, embedding_scale, embedding_model, embedding_dims, models, updated_at)
           VALUES (?1, ?2, ?3, ?4, '[]', ?5, ?6, ?7, ?8, ?9, ?10)`,
        )
        .bind(id, libraryId, p.caption ?? null, JSON.stringify((p.tags ?? []).map((label) => ({ label, score: 0.9 }))), q.bytes, q.scale,
          model, p.vector.length, JSON.stringify({ embedding: { id: model } }), now),
      photoEventStatement(db, libraryId, 'analysis.completed', id, now),
    ]);
  }
  return id;
}

/** A unit vector along `axis` plus `mix` of the next axis: similarity to axis falls as mix grows. */
export function vec(dims: number, axis: number, mix = 0, next = (axis + 1) % dims): number[] {
  const v = new Array(dims).fill(0);
  v[axis] = 1;
  v[next] += mix;
  return v;
}
