// L5: sessions per library are capped, a concurrent /complete is a 409 (never a 500), and a session whose
// completion died after joining its parts is cleaned up by the sweep, object included.
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { ErrorBody } from '../contract/http';
import type { UploadSessionResponse } from '../contract/uploads';
import { toHex } from '../hash';
import { api, fixture, newLibrary } from '../test/helpers';
import { abortStaleUploads, createUpload, MAX_OPEN_UPLOADS } from './resumable';
import { AppError } from '../errors';

const json = (body: unknown) => ({ method: 'POST', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });

/** A one-part session with its part sent, ready to complete. */
async function readySession(token: string) {
  const bytes = await fixture('photo-kodak-gps-south.jpg');
  const sha256 = toHex(await crypto.subtle.digest('SHA-256', bytes));
  const created = await api('/api/uploads', { ...json({ filename: 'k.jpg', size: bytes.length, sha256 }), token });
  const { upload } = await created.json<UploadSessionResponse>();
  expect((await api(`/api/uploads/${upload.id}/parts/1`, { method: 'PUT', body: bytes, token })).status).toBe(200);
  return upload.id;
}

describe('resumable upload limits (L5)', () => {
  it(`refuses more than ${MAX_OPEN_UPLOADS} open sessions per library with too_many_uploads`, async () => {
    const { libraryId } = await newLibrary();
    for (let i = 0; i < MAX_OPEN_UPLOADS; i++) await createUpload(env, libraryId, { filename: `f${i}.jpg`, size: 20_000_000, sha256: 'a'.repeat(63) + (i % 10) });
    const err = await createUpload(env, libraryId, { filename: 'one-more.jpg', size: 20_000_000, sha256: 'b'.repeat(64) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('too_many_uploads');
    expect((err as AppError).status).toBe(429);
    // Another library is not affected.
    await createUpload(env, (await newLibrary()).libraryId, { filename: 'x.jpg', size: 20_000_000, sha256: 'c'.repeat(64) });
  });

  it('answers concurrent /complete calls with one photo and 409s, never a 500', async () => {
    const { token } = await newLibrary();
    const id = await readySession(token);
    const answers = await Promise.all([1, 2, 3].map(() => api(`/api/uploads/${id}/complete`, { method: 'POST', token })));
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    for (const r of answers.filter((a) => a.status !== 201)) {
      expect(['conflict', 'not_found']).toContain((await r.json<ErrorBody>()).error.code);
    }
    expect(statuses).toContain(409);
  });

  it('lets the sweep remove the object of a completion that died after joining the parts', async () => {
    const { libraryId, token } = await newLibrary();
    const id = await readySession(token);
    const u = (await env.DB.prepare('SELECT * FROM uploads WHERE id = ?1').bind(id).first<{ photo_id: string; r2_upload_id: string }>())!;
    const key = `lib/${libraryId}/photos/${u.photo_id}/original`;
    const parts = await env.DB.prepare('SELECT part_number, etag FROM upload_parts WHERE upload_id = ?1').bind(id).all<{ part_number: number; etag: string }>();
    // The request joined the parts and then died: the claim is set, the object exists, no photo row.
    await env.PHOTOS.resumeMultipartUpload(key, u.r2_upload_id).complete(parts.results.map((p) => ({ partNumber: p.part_number, etag: p.etag })));
    await env.DB.prepare('UPDATE uploads SET completing_at = 1, created_at = 1 WHERE id = ?1').bind(id).run();
    expect(await env.PHOTOS.head(key)).not.toBeNull();
    await abortStaleUploads(env, 2);
    expect(await env.PHOTOS.head(key)).toBeNull();
    expect(await env.DB.prepare('SELECT id FROM uploads WHERE id = ?1').bind(id).first()).toBeNull();
  });
});
