// Per-library rate limits: uploads and analysis claims per minute, 429 `rate_limited` with Retry-After.
import { describe, expect, it } from 'vitest';
import type { ErrorBody } from './contract/http';
import { api, fixture, newLibrary, put, setSettings } from './test/helpers';

const unique = async (i: number) => new Uint8Array([...(await fixture('photo-noexif.jpg')), ...new TextEncoder().encode(`rl-${i}-${Math.random()}`)]);

describe('rate limits', () => {
  it('refuses uploads past the library’s uploads per minute, with Retry-After; other libraries are unaffected', async () => {
    const { token } = await newLibrary();
    await setSettings(token, { uploadsPerMinute: 2, autoProcessOnUpload: false });
    expect((await put(await unique(1), 'a.jpg', token)).status).toBe(201);
    expect((await put(await unique(2), 'b.jpg', token)).status).toBe(201);
    const refused = await put(await unique(3), 'c.jpg', token);
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get('Retry-After'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    const { error } = await refused.json<ErrorBody>();
    expect(error.code).toBe('rate_limited');
    expect(error.message).toMatch(/2 a minute/);
    // Resumable sessions count as uploads too.
    const session = await api('/api/uploads', {
      method: 'POST', token, headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ filename: 'd.jpg', size: 10_000_000, sha256: 'a'.repeat(64) }),
    });
    expect(session.status).toBe(429);

    const other = await newLibrary();
    expect((await put(await unique(4), 'a.jpg', other.token)).status).toBe(201);
  });

  it('refuses analysis claims past the library’s claims per minute', async () => {
    const { token } = await newLibrary();
    await setSettings(token, { analysisClaimsPerMinute: 1 });
    const claim = () => api('/api/analysis/claim', {
      method: 'POST', token, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ max: 1, device: { backend: 'wasm', threads: 2 } }),
    });
    expect((await claim()).status).toBe(200);
    const refused = await claim();
    expect(refused.status).toBe(429);
    expect(refused.headers.get('Retry-After')).toMatch(/^\d+$/);
    expect((await refused.json<ErrorBody>()).error.code).toBe('rate_limited');
  });

  it('validates the settings', async () => {
    const { token } = await newLibrary();
    const bad = await api('/api/settings', { method: 'PUT', token, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ uploadsPerMinute: 0 }) });
    expect(bad.status).toBe(400);
    expect((await bad.json<ErrorBody>()).error.message).toContain('uploadsPerMinute');
  });
});
