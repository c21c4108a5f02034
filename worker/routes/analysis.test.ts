// Analysis jobs: leases (concurrency, expiry, heartbeat, stale leases) and strict validation of results.
import { describe, expect, it } from 'vitest';
import type { AnalysisSubmission, ClaimResponse } from '../contract/analysis';
import type { ErrorBody, PhotoResponse, UploadResponse } from '../contract/http';
import type { StatusResponse } from '../contract/status';
import { modelsOf, TINY_MODELS, useModels } from '../analysis/testing';
import { api, fixture, newLibrary as bareLibrary, put, settled, testEnv, waitForPhoto } from '../test/helpers';

/** A new library analysed with the tiny stand-ins (8-d embeddings, 3-d face embeddings). */
async function newLibrary(dims = 8) {
  const lib = await bareLibrary();
  await useModels(lib.token, { ...TINY_MODELS, embedding: { ...TINY_MODELS.embedding, dims } });
  return lib;
}

const device = { backend: 'wasm' as const, threads: 2 };
const post = (path: string, token: string, body: unknown) =>
  api(path, { method: 'POST', token, body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });

async function developed(token: string, names: string[]) {
  const ids = [];
  for (const name of names) {
    const { photo } = await (await put(await fixture(name), name, token)).json<UploadResponse>();
    await waitForPhoto(photo.id, token, settled);
    ids.push(photo.id);
  }
  return ids;
}

const claim = async (token: string, max = 8) => (await post('/api/analysis/claim', token, { max, device })).json<ClaimResponse>();

function result(lease: string, dims = 8, over: Partial<AnalysisSubmission> = {}): AnalysisSubmission {
  return {
    lease,
    models: modelsOf(TINY_MODELS),
    caption: 'a photo of a red thing',
    embedding: { dims, values: Array.from({ length: dims }, (_, i) => Math.sin(i + 1)) },
    tags: [{ label: 'red', score: 0.9 }, { label: 'outdoor', score: 0.4 }],
    faces: [{ box: [0.1, 0.2, 0.3, 0.4], score: 0.95, landmarks: [[0.2, 0.3], [0.3, 0.3]], embedding: [0.1, -0.2, 0.3] }],
    device,
    timings: { fetchMs: 3, decodeMs: 4, captionMs: 50, embeddingMs: 30, facesMs: 20, totalMs: 110 },
    ...over,
  };
}

describe('claiming analysis jobs', () => {
  it('leases developed photos once, with a signed display variant, never the same job to two tabs', async () => {
    const { token } = await newLibrary();
    const ids = await developed(token, ['photo-pixel-gps.jpg', 'photo-kodak-gps-south.jpg', 'face-obama.jpg']);
    const [a, b] = await Promise.all([claim(token, 2), claim(token, 2)]);
    const got = [...a.jobs, ...b.jobs].map((j) => j.photoId);
    expect(got.sort()).toEqual([...ids].sort());
    expect(new Set(got).size).toBe(3);
    const job = a.jobs[0];
    expect(job.imageUrl).toMatch(/\/api\/media\/.+\/variant-1080\.webp\?exp=/);
    expect(Date.parse(job.expiresAt)).toBeGreaterThan(Date.now());
    const image = await api(job.imageUrl, { token: null });
    expect(image.headers.get('Content-Type')).toBe('image/webp');
    expect((await claim(token)).jobs).toEqual([]);
    const { photo } = await (await api(`/api/photos/${job.photoId}`, { token })).json<PhotoResponse>();
    expect(photo.stages.analysis).toMatchObject({ status: 'running', attempts: 1 });
  });

  it('returns an expired job to the pool, and the late tab cannot post for it', async () => {
    const { token } = await newLibrary();
    await developed(token, ['photo-noexif.jpg']);
    const [first] = (await claim(token)).jobs;
    expect((await post(`/api/analysis/${first.photoId}/heartbeat`, token, { lease: first.lease })).status).toBe(200);
    // The tab closes; time passes.
    await testEnv.DB.prepare('UPDATE photo_analysis SET lease_expires_at = ?2 WHERE photo_id = ?1').bind(first.photoId, Date.now() - 1).run();
    expect((await post(`/api/analysis/${first.photoId}/heartbeat`, token, { lease: first.lease })).status).toBe(409);
    const [second] = (await claim(token)).jobs;
    expect(second.photoId).toBe(first.photoId);
    expect(second.lease).not.toBe(first.lease);

    const stale = await post(`/api/analysis/${first.photoId}`, token, result(first.lease));
    expect(stale.status).toBe(409);
    expect((await stale.json<ErrorBody>()).error.code).toBe('lease_conflict');
    expect((await post(`/api/analysis/${second.photoId}`, token, result(second.lease))).status).toBe(200);
  });
});

describe('posting results', () => {
  it('stores them compactly and shows them on the photo, with the stage completed and a feed event', async () => {
    const { libraryId, token } = await newLibrary(512);
    const [id] = await developed(token, ['face-obama.jpg']);
    const [job] = (await claim(token)).jobs;
    const texts = { detailedDescription: 'The image shows a man in a suit. '.repeat(100), ocrText: 'EXIT' };
    expect((await post(`/api/analysis/${id}`, token, result(job.lease, 512, texts))).status).toBe(200);
    const { photo } = await (await api(`/api/photos/${id}`, { token })).json<PhotoResponse>();
    expect(photo.stages.analysis).toMatchObject({ status: 'completed', attempts: 1, ms: 110 });
    expect(photo.analysis).toEqual({
      caption: 'a photo of a red thing',
      ...texts,
      tags: [{ label: 'red', score: 0.9 }, { label: 'outdoor', score: 0.4 }],
      faces: [{ box: [0.1, 0.2, 0.3, 0.4], score: 0.95, landmarks: [[0.2, 0.3], [0.3, 0.3]], embedding: { dims: 3 }, id: expect.stringMatching(/^f/), personId: null, personName: null }],
      embedding: { model: 'tiny/clip-vit-base-patch32@1', dims: 512 },
      models: result('x').models,
      device,
      timings: result('x').timings,
    });
    const row = await testEnv.DB.prepare('SELECT length(embedding) AS n, embedding_scale AS s FROM photo_analysis WHERE photo_id = ?').bind(id).first<{ n: number; s: number }>();
    expect(row!.n).toBe(512); // int8: one byte per dimension
    // Feed events carry the photo without the client's timings (M4).
    const event = await testEnv.DB.prepare(`SELECT payload FROM events WHERE library_id = ? AND type = 'analysis.completed'`).bind(libraryId).first<{ payload: string }>();
    const analysed = JSON.parse(event!.payload).photo.analysis;
    expect(analysed.caption).toBe('a photo of a red thing');
    expect(analysed).not.toHaveProperty('timings');
  });

  it('refuses malformed results with a code, and keeps the lease so a corrected post still lands', async () => {
    const { token } = await newLibrary();
    const [id] = await developed(token, ['photo-fuji-iptc-gps.jpg']);
    const [job] = (await claim(token)).jobs;
    const bad: Array<[unknown, string]> = [
      [result(job.lease, 8, { embedding: { dims: 8, values: [1, 2, 3] } }), 'invalid_embedding'],
      [JSON.stringify(result(job.lease, 2)).replace('"values":[', '"values":[1e999,'), 'invalid_embedding'],
      [result(job.lease, 8, { faces: [{ box: [0.8, 0.1, 0.5, 0.2], score: 0.9 }] }), 'invalid_box'],
      [result(job.lease, 8, { faces: [{ box: [-0.1, 0.1, 0.2, 0.2], score: 0.9 }] }), 'invalid_box'],
      [result(job.lease, 8, { caption: 'x'.repeat(501) }), 'text_too_long'],
      [result(job.lease, 8, { detailedDescription: 'x'.repeat(4001) }), 'text_too_long'],
      [result(job.lease, 8, { ocrText: 'x'.repeat(4001) }), 'text_too_long'],
      [result(job.lease, 8, { timings: Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`step${i}Ms`, i])) }), 'invalid_request'],
      [result(job.lease, 8, { tags: [{ label: 'red', score: 1.5 }] }), 'invalid_request'],
      [{ lease: job.lease }, 'invalid_request'],
    ];
    for (const [body, code] of bad) {
      const res = await post(`/api/analysis/${id}`, token, body);
      expect(res.status, code).toBe(400);
      expect((await res.json<ErrorBody>()).error.code).toBe(code);
    }
    expect((await post(`/api/analysis/${id}`, token, result(job.lease))).status).toBe(200);
  });

  it("never accepts another library's lease", async () => {
    const a = await newLibrary();
    const b = await newLibrary();
    const [id] = await developed(a.token, ['photo-noexif.jpg']);
    const [job] = (await claim(a.token)).jobs;
    expect((await claim(b.token)).jobs).toEqual([]);
    expect((await post(`/api/analysis/${id}`, b.token, result(job.lease))).status).toBe(409);
    expect((await post(`/api/analysis/${id}/heartbeat`, b.token, { lease: job.lease })).status).toBe(409);
  });

  it('records a failure reported by the tab, counts it, and retries it like any stage', async () => {
    const { token } = await newLibrary();
    const [id] = await developed(token, ['photo-noexif.jpg']);
    const [job] = (await claim(token)).jobs;
    expect((await post(`/api/analysis/${id}/fail`, token, { lease: job.lease, error: 'The model threw: out of memory' })).status).toBe(204);
    const { photo } = await (await api(`/api/photos/${id}`, { token })).json<PhotoResponse>();
    expect(photo.stages.analysis).toMatchObject({ status: 'failed', error: 'The model threw: out of memory' });
    const status = await (await api('/api/status', { token })).json<StatusResponse>();
    expect(status.stages.analysis).toEqual({ failed: 1 });

    expect((await post(`/api/photos/${id}/retry`, token, {})).status).toBe(200);
    expect((await claim(token)).jobs.map((j) => j.photoId)).toEqual([id]);
  });
});
