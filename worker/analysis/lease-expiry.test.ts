// Leases over real D1: a heartbeat really moves the expiry (and only a live lease can be heartbeated),
// and a job whose leases keep expiring fails after MAX_ATTEMPTS instead of circulating for ever.
import { describe, expect, it } from 'vitest';
import type { ClaimResponse } from '../contract/analysis';
import type { PhotoResponse, UploadResponse } from '../contract/http';
import { api, fixture, newLibrary, put, settled, testEnv, waitForPhoto } from '../test/helpers';
import { expireAbandoned, MAX_ATTEMPTS } from './lease';

const device = { backend: 'wasm' as const, threads: 2 };
const post = (path: string, token: string, body: unknown) =>
  api(path, { method: 'POST', token, body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });
const claim = async (token: string) => (await post('/api/analysis/claim', token, { max: 8, device })).json<ClaimResponse>();
const expiry = async (photoId: string) =>
  (await testEnv.DB.prepare('SELECT lease_expires_at AS e FROM photo_analysis WHERE photo_id = ?').bind(photoId).first<{ e: number }>())!.e;
const setExpiry = (photoId: string, at: number) =>
  testEnv.DB.prepare('UPDATE photo_analysis SET lease_expires_at = ?2 WHERE photo_id = ?1').bind(photoId, at).run();

async function developedPhoto(token: string) {
  const { photo } = await (await put(await fixture('photo-noexif.jpg'), 'a.jpg', token)).json<UploadResponse>();
  await waitForPhoto(photo.id, token, settled);
  return photo.id;
}

describe('analysis leases', () => {
  it('a heartbeat moves the expiry forward, so the job is not handed to anyone else', async () => {
    const { token } = await newLibrary();
    const id = await developedPhoto(token);
    const [job] = (await claim(token)).jobs;
    expect(job.photoId).toBe(id);
    // Almost expired: two seconds left.
    await setExpiry(id, Date.now() + 2000);
    const before = Date.now();
    const res = await post(`/api/analysis/${id}/heartbeat`, token, { lease: job.lease });
    expect(res.status).toBe(200);
    const stored = await expiry(id);
    expect(stored).toBeGreaterThan(before + 60_000); // the full lease again (3 min by default)
    expect(JSON.stringify(await res.json())).toContain(new Date(stored).toISOString());
    // Past the old expiry, the job is still this tab's.
    await new Promise((r) => setTimeout(r, 2100));
    expect((await claim(token)).jobs).toEqual([]);
  });

  it('an expired lease cannot be heartbeated back to life', async () => {
    const { token } = await newLibrary();
    const id = await developedPhoto(token);
    const [job] = (await claim(token)).jobs;
    await setExpiry(id, Date.now() - 1);
    expect((await post(`/api/analysis/${id}/heartbeat`, token, { lease: job.lease })).status).toBe(409);
    expect(await expiry(id)).toBeLessThan(Date.now());
  });

  it(`fails a job whose lease expired ${MAX_ATTEMPTS} times, with the reason, and stops leasing it`, async () => {
    const { token } = await newLibrary();
    const id = await developedPhoto(token);
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const { jobs } = await claim(token);
      expect(jobs.map((j) => j.photoId), `attempt ${attempt}`).toEqual([id]);
      await setExpiry(id, Date.now() - 1); // the tab died holding it
      // The sweep leaves it in the pool until the cap is reached.
      await expireAbandoned(testEnv.DB, Date.now());
      const { photo } = await (await api(`/api/photos/${id}`, { token })).json<PhotoResponse>();
      expect(photo.stages.analysis).toMatchObject({ status: attempt < MAX_ATTEMPTS ? 'running' : 'failed', attempts: attempt });
    }
    const { photo } = await (await api(`/api/photos/${id}`, { token })).json<PhotoResponse>();
    expect(photo.stages.analysis?.error).toBe(`Analysis never finished: ${MAX_ATTEMPTS} leases expired.`);
    expect((await claim(token)).jobs).toEqual([]);
  });
});
