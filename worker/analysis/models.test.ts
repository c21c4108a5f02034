// The library's model set decides what results are accepted (M5: no client pins a model or a length for
// everyone), results are bounded (M4), and a change of embedding model re-opens the old model's photos.
import { describe, expect, it } from 'vitest';
import type { AnalysisSubmission, ClaimResponse } from '../contract/analysis';
import type { ErrorBody, PhotoResponse } from '../contract/http';
import type { StatusResponse } from '../contract/status';
import { api, newLibrary, testEnv } from '../test/helpers';
import { modelsOf, putJson, readyPhotos, TINY_MODELS, useModels } from './testing';

const device = { backend: 'wasm' as const };
const post = (path: string, token: string, body: unknown) => putJson(path, token, body, 'POST');
const claim = async (token: string, max = 8, clientId = 'tab') => (await post('/api/analysis/claim', token, { max, device, clientId })).json<ClaimResponse>();

function result(lease: string, models = modelsOf(TINY_MODELS), dims = 8, over: Partial<AnalysisSubmission> = {}): AnalysisSubmission {
  return {
    lease, models, caption: 'A red photo.',
    embedding: { dims, values: Array.from({ length: dims }, (_, i) => Math.cos(i + 1)) },
    faces: [{ box: [0.1, 0.1, 0.2, 0.2], score: 0.9, embedding: [0.3, 0.1, -0.2] }],
    device, timings: { totalMs: 10 }, ...over,
  };
}

async function expectCode(res: Response, status: number, code: string) {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  expect((JSON.parse(text) as ErrorBody).error.code).toBe(code);
}

describe("the library's models", () => {
  it('refuses results made with another model with 409 model_mismatch', async () => {
    const { libraryId, token } = await newLibrary();
    await useModels(token);
    const [id] = await readyPhotos(libraryId, 1);
    const [job] = (await claim(token)).jobs;
    const ours = modelsOf(TINY_MODELS);
    for (const models of [
      { ...ours, embedding: { id: 'tiny/siglip-base-patch16-224', version: '1' } },
      { ...ours, embedding: { id: ours.embedding.id, version: '2' } },
      { ...ours, caption: { id: 'tiny/vit-gpt2-image-captioning', version: '1' } },
      { ...ours, faces: { id: 'other/detector', version: '1' } },
      { ...ours, faceEmbedding: { id: 'other/embedder', version: '1' } },
    ]) {
      await expectCode(await post(`/api/analysis/${id}`, token, result(job.lease, models)), 409, 'model_mismatch');
    }
    expect((await post(`/api/analysis/${id}`, token, result(job.lease))).status).toBe(200);
  });

  it('takes dimensions from the setting, never from whoever posts first', async () => {
    const { libraryId, token } = await newLibrary();
    await useModels(token);
    const [a, b] = await readyPhotos(libraryId, 2);
    const jobs = new Map((await claim(token)).jobs.map((j) => [j.photoId, j.lease]));
    // The review's reproduction: a 3-d post of the library's model first…
    await expectCode(await post(`/api/analysis/${a}`, token, result(jobs.get(a)!, undefined, 3)), 400, 'invalid_embedding');
    // …and an honest post of the configured length still lands, on both photos.
    expect((await post(`/api/analysis/${a}`, token, result(jobs.get(a)!))).status).toBe(200);
    expect((await post(`/api/analysis/${b}`, token, result(jobs.get(b)!))).status).toBe(200);
    // Face embeddings must have the face embedder's length too.
    const [c] = await readyPhotos(libraryId, 1);
    const [job] = (await claim(token)).jobs;
    expect(job.photoId).toBe(c);
    const faces = [{ box: [0.1, 0.1, 0.2, 0.2] as [number, number, number, number], score: 0.9, embedding: [1, 0, 0, 0] }];
    await expectCode(await post(`/api/analysis/${c}`, token, result(job.lease, undefined, 8, { faces })), 400, 'invalid_embedding');
  });

  it('uses the defaults (CLIP ViT-B/32, 512-d) until the library chooses', async () => {
    const { libraryId, token } = await newLibrary();
    const [id] = await readyPhotos(libraryId, 1);
    const [job] = (await claim(token)).jobs;
    const clip = { id: 'Xenova/clip-vit-base-patch32', version: 'main' };
    await expectCode(await post(`/api/analysis/${id}`, token, result(job.lease, { embedding: clip }, 8, { faces: [] })), 400, 'invalid_embedding');
    expect((await post(`/api/analysis/${id}`, token, result(job.lease, { embedding: clip }, 512, { faces: [] }))).status).toBe(200);
  });
});

describe('bounded results', () => {
  it('refuses a body over 256 KB with 413 too_large, with or without a Content-Length', async () => {
    const { libraryId, token } = await newLibrary();
    await useModels(token);
    const [id] = await readyPhotos(libraryId, 1);
    const [job] = (await claim(token)).jobs;
    const big = JSON.stringify(result(job.lease, undefined, 8, { caption: 'x'.repeat(300 * 1024) }));
    await expectCode(await post(`/api/analysis/${id}`, token, JSON.parse(big)), 413, 'too_large');
    const bytes = new TextEncoder().encode(big);
    const chunked = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < bytes.length; i += 16_384) c.enqueue(bytes.subarray(i, i + 16_384));
        c.close();
      },
    });
    const res = await api(`/api/analysis/${id}`, { method: 'POST', token, body: chunked, headers: { 'Content-Type': 'application/json' }, duplex: 'half' } as RequestInit);
    await expectCode(res, 413, 'too_large');
    // Nothing was stored; the lease still holds for a proper result.
    expect((await post(`/api/analysis/${id}`, token, result(job.lease))).status).toBe(200);
  });
});

describe('changing the embedding model', () => {
  it("re-opens the old model's photos as backfill, counts them on the dashboard, and refuses old results", async () => {
    const { libraryId, token } = await newLibrary();
    await useModels(token);
    const old = await readyPhotos(libraryId, 2);
    for (const job of (await claim(token)).jobs) expect((await post(`/api/analysis/${job.photoId}`, token, result(job.lease))).status).toBe(200);
    const status = async () => (await (await api('/api/status', { token })).json<StatusResponse>()).awaitingReanalysis;
    expect(await status()).toBe(0);

    const siglip = { id: 'tiny/siglip-base-patch16-224', version: '1', dims: 12 };
    const settings = await useModels(token, { embedding: siglip });
    expect(settings.caption).toEqual(TINY_MODELS.caption); // only the embedding changed
    expect(await status()).toBe(2);
    const { photo } = await (await api(`/api/photos/${old[0]}`, { token })).json<PhotoResponse>();
    expect(photo.stages.analysis).toMatchObject({ status: 'pending', attempts: 0 });
    expect(photo.analysis?.embedding).toEqual({ model: 'tiny/clip-vit-base-patch32@1', dims: 8 }); // kept until replaced

    // A photo never analysed goes first; the backfill follows.
    const [fresh] = await readyPhotos(libraryId, 1);
    const jobs = (await claim(token, 1)).jobs;
    expect(jobs.map((j) => j.photoId)).toEqual([fresh]);
    const backfill = (await claim(token, 8)).jobs;
    expect(backfill.map((j) => j.photoId).sort()).toEqual([...old].sort());

    const models = { ...modelsOf(TINY_MODELS), embedding: { id: siglip.id, version: siglip.version } };
    const job = backfill.find((j) => j.photoId === old[0])!;
    await expectCode(await post(`/api/analysis/${old[0]}`, token, result(job.lease)), 409, 'model_mismatch');
    expect((await post(`/api/analysis/${old[0]}`, token, result(job.lease, models, 12))).status).toBe(200);
    expect(await status()).toBe(1);

    // Setting the same model again re-opens nothing.
    await useModels(token, { embedding: siglip });
    const row = await testEnv.DB.prepare(`SELECT status FROM photo_stages WHERE photo_id = ?1 AND stage = 'analysis'`).bind(old[0]).first<{ status: string }>();
    expect(row!.status).toBe('completed');
  });
});
