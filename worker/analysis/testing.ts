// Test helpers for analysis: a library's model set through the real settings route, submissions made
// with it, and photos ready for analysis written straight into D1 (the rows completePhoto leaves), so
// lease tests need not develop a dozen real photos.
import { env } from 'cloudflare:test';
import type { AnalysisSubmission } from '../contract/analysis';
import type { AnalysisSettings, SettingsResponse } from '../contract/settings';
import { openAnalysisStatements } from '../db/analysis';
import { newPhotoId } from '../ids';
import { api } from '../test/helpers';

/** The generated stand-ins (worker/scripts/models/README.md), with tiny embedding lengths for readable tests. */
export const TINY_MODELS = {
  caption: { id: 'tiny/Florence-2-base-ft', version: '1' },
  embedding: { id: 'tiny/clip-vit-base-patch32', version: '1', dims: 8 },
  faces: { id: 'tiny/opencv_zoo', version: 'yunet' },
  faceEmbedding: { id: 'tiny/opencv_zoo', version: 'sface', dims: 3 },
} satisfies Partial<AnalysisSettings>;

export const putJson = (path: string, token: string, body: unknown, method = 'PUT') =>
  api(path, { method, token, body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });

/** Sets the library's analysis settings (only the keys given) through PUT /api/settings. */
export async function useModels(token: string, analysis: Partial<AnalysisSettings> = TINY_MODELS): Promise<AnalysisSettings> {
  const res = await putJson('/api/settings', token, { analysis });
  if (res.status !== 200) throw new Error(`${res.status} ${await res.text()}`);
  return (await res.json<SettingsResponse>()).settings.analysis;
}

/** The `models` of a submission made with these settings. */
export function modelsOf(a: Pick<AnalysisSettings, 'caption' | 'embedding' | 'faces' | 'faceEmbedding'>): AnalysisSubmission['models'] {
  const ref = (m: { id: string; version?: string }) => ({ id: m.id, ...(m.version && { version: m.version }) });
  return { caption: ref(a.caption), embedding: ref(a.embedding), faces: ref(a.faces), faceEmbedding: ref(a.faceEmbedding) };
}

/** `count` developed images whose analysis stage is open, written as the pipeline leaves them. */
export async function readyPhotos(libraryId: string, count: number): Promise<string[]> {
  const db = env.DB;
  const now = Date.now();
  const ids = Array.from({ length: count }, (_, i) => newPhotoId(now + i));
  const variants = JSON.stringify({ '1080': { width: 1080, height: 720 } });
  await db.batch(
    ids.flatMap((id) => [
      db
        .prepare(
          `INSERT INTO photos (id, library_id, filename, sha256, mime, kind, bytes, width, height, status, variants, created_at, updated_at)
           VALUES (?1, ?2, ?1 || '.jpg', lower(hex(randomblob(32))), 'image/jpeg', 'image', 1000, 1620, 1080, 'completed', ?3, ?4, ?4)`,
        )
        .bind(id, libraryId, variants, now),
      ...openAnalysisStatements(db, libraryId, id, now),
    ]),
  );
  return ids;
}
