// Lease limits (security review M5): one client cannot hoard the queue, and heartbeats cannot hold a job
// forever. Photos are written ready for analysis straight into D1 (testing.ts), the claims go through HTTP.
import { describe, expect, it } from 'vitest';
import type { ClaimResponse, HeartbeatResponse } from '../contract/analysis';
import type { ErrorBody } from '../contract/http';
import { api, newLibrary, testEnv } from '../test/helpers';
import { LEASE_LIFETIME_MS, LEASES_PER_CLIENT } from './lease';
import { putJson, readyPhotos, TINY_MODELS, useModels } from './testing';

const device = { backend: 'wasm' as const };
const claim = async (token: string, max: number, clientId?: string, auth = token) =>
  (await putJson('/api/analysis/claim', auth, { max, device, ...(clientId && { clientId }) }, 'POST')).json<ClaimResponse>();

describe('leases per client', () => {
  it('caps one tab at LEASES_PER_CLIENT outstanding jobs, so a second tab gets jobs', async () => {
    const { libraryId, token } = await newLibrary();
    await readyPhotos(libraryId, LEASES_PER_CLIENT + 4);
    const first = await claim(token, 32, 'tab-a');
    expect(first.jobs).toHaveLength(LEASES_PER_CLIENT);
    expect((await claim(token, 32, 'tab-a')).jobs).toEqual([]);
    const second = await claim(token, 32, 'tab-b');
    expect(second.jobs).toHaveLength(4);
    expect(new Set([...first.jobs, ...second.jobs].map((j) => j.photoId)).size).toBe(LEASES_PER_CLIENT + 4);
  });

  it('gives a client its allowance back as its jobs finish or expire', async () => {
    const { libraryId, token } = await newLibrary();
    await useModels(token, TINY_MODELS);
    await readyPhotos(libraryId, LEASES_PER_CLIENT + 2);
    const { jobs } = await claim(token, 32, 'tab-a');
    const [done] = jobs;
    expect((await putJson(`/api/analysis/${done.photoId}/fail`, token, { lease: done.lease, error: 'x' }, 'POST')).status).toBe(204);
    await testEnv.DB.prepare('UPDATE photo_analysis SET lease_expires_at = ?2 WHERE photo_id = ?1').bind(jobs[1].photoId, Date.now() - 1).run();
    // One finished, one expired (and back in the pool): two more for this tab.
    expect((await claim(token, 32, 'tab-a')).jobs).toHaveLength(2);
  });

  it('counts every tab without an id as one client of the library', async () => {
    const { libraryId, token } = await newLibrary();
    await readyPhotos(libraryId, LEASES_PER_CLIENT + 3);
    expect((await claim(token, 32)).jobs).toHaveLength(LEASES_PER_CLIENT);
    expect((await claim(token, 32)).jobs).toEqual([]);
    expect((await claim(token, 32, 'tab-with-id')).jobs).toHaveLength(3);
  });

  it('never lets two concurrent claims of one client exceed its allowance', async () => {
    const { libraryId, token } = await newLibrary();
    await readyPhotos(libraryId, 3 * LEASES_PER_CLIENT);
    const got = await Promise.all([1, 2, 3].map(() => claim(token, 32, 'tab-a')));
    expect(got.reduce((n, r) => n + r.jobs.length, 0)).toBe(LEASES_PER_CLIENT);
  });

  it('refuses a malformed client id', async () => {
    const { token } = await newLibrary();
    const res = await putJson('/api/analysis/claim', token, { max: 1, device, clientId: 'a b' }, 'POST');
    expect(res.status).toBe(400);
    expect((await res.json<ErrorBody>()).error.code).toBe('invalid_request');
  });
});

describe('lease lifetime', () => {
  it('heartbeats extend a lease, but never past LEASE_LIFETIME_MS after its claim', async () => {
    const { libraryId, token } = await newLibrary();
    await readyPhotos(libraryId, 1);
    const [job] = (await claim(token, 1, 'tab-a')).jobs;
    const beat = () => putJson(`/api/analysis/${job.photoId}/heartbeat`, token, { lease: job.lease }, 'POST');
    const first = await beat();
    expect(first.status).toBe(200);
    expect(Date.parse((await first.json<HeartbeatResponse>()).expiresAt)).toBeGreaterThan(Date.parse(job.expiresAt) - 1000);

    // Claimed nine and a half minutes ago: the next heartbeat stops at the ten-minute mark.
    const claimedAt = Date.now() - LEASE_LIFETIME_MS + 30_000;
    await testEnv.DB.prepare('UPDATE photo_analysis SET leased_at = ?2 WHERE photo_id = ?1').bind(job.photoId, claimedAt).run();
    const capped = await beat();
    expect(capped.status).toBe(200);
    expect(Date.parse((await capped.json<HeartbeatResponse>()).expiresAt)).toBe(claimedAt + LEASE_LIFETIME_MS);

    // Past its lifetime (the expiry would still be ahead without the cap): refused, and the job is free again.
    await testEnv.DB.prepare('UPDATE photo_analysis SET leased_at = ?2 WHERE photo_id = ?1').bind(job.photoId, Date.now() - LEASE_LIFETIME_MS - 1).run();
    const over = await beat();
    expect(over.status).toBe(409);
    expect((await over.json<ErrorBody>()).error.code).toBe('lease_conflict');
  });
});

describe('the claim response', () => {
  it("carries the library's model set, so every tab uses the same models", async () => {
    const { libraryId, token } = await newLibrary();
    const models = await useModels(token, { ...TINY_MODELS, ocr: false });
    const empty = await claim(token, 1, 'tab-a');
    expect(empty).toEqual({ jobs: [], models });
    await readyPhotos(libraryId, 1);
    const res = await api('/api/settings', { token });
    expect((await claim(token, 1, 'tab-a')).models).toEqual((await res.json<{ settings: { analysis: unknown } }>()).settings.analysis);
  });
});
