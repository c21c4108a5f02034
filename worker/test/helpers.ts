// Shared helpers for worker tests: authenticated requests, fixtures, fresh libraries.
import { env, SELF, type D1Migration } from 'cloudflare:test';
import { insertToken } from '../db/tokens';
import { sha256Hex } from '../hash';

/** Bindings that exist only in tests (see worker/vitest.config.ts). */
export const testEnv = env as Cloudflare.Env & { TEST_MIGRATIONS: D1Migration[]; FIXTURES: Fetcher; API_TOKEN: string };

export const DEFAULT_TOKEN = 'test-token-default-library';
const BASE = 'http://darkroom.test';

export function api(path: string, init: RequestInit & { token?: string | null } = {}) {
  const headers = new Headers(init.headers);
  const token = init.token === undefined ? DEFAULT_TOKEN : init.token;
  if (token) headers.set('Authorization', `Bearer ${token}`);
  return SELF.fetch(`${BASE}${path}`, { ...init, headers });
}

export async function fixture(name: string): Promise<Uint8Array> {
  return fixtureAt(`photos/${encodeURIComponent(name)}`);
}

/** Any file under worker/test/fixtures, by its path there (`hostile/x.jpg`, `videos/y.mp4`). */
export async function fixtureAt(path: string): Promise<Uint8Array> {
  const res = await testEnv.FIXTURES.fetch(`http://fixtures/${path}`);
  if (!res.ok) throw new Error(await res.text());
  return new Uint8Array(await res.arrayBuffer());
}

export async function expectations(): Promise<Record<string, Expectation>> {
  const res = await testEnv.FIXTURES.fetch('http://fixtures/photos/expectations.json');
  return ((await res.json()) as { files: Record<string, Expectation> }).files;
}

export interface Expectation {
  expected_outcome: 'accept' | 'reject' | 'either';
  format: string | null;
  bytes: number;
  sha256: string;
  width: number | null;
  height: number | null;
  exif_orientation: number | null;
  make: string | null;
  model: string | null;
  gps: { lat: number; lon: number } | null;
  datetime_original: string | null;
  offset_time_original: string | null;
  flags: string[];
}

/** A new library with its own token: storage is shared between tests, so each test isolates itself. */
export async function newLibrary(): Promise<{ libraryId: string; token: string }> {
  const libraryId = `lib-${crypto.randomUUID().slice(0, 8)}`;
  const token = `drk_${crypto.randomUUID()}`;
  await insertToken(env.DB, await sha256Hex(token), libraryId, 'test');
  return { libraryId, token };
}

export function put(body: BodyInit, filename: string, token?: string, headers: HeadersInit = {}) {
  return api(`/api/photos?filename=${encodeURIComponent(filename)}`, { method: 'PUT', body, token, headers });
}

/** Polls GET /api/photos/:id until `done(photo)` holds. */
export async function waitForPhoto(
  id: string,
  token: string,
  done: (p: import('../contract/photo').Photo) => boolean,
  timeoutMs = 30_000,
): Promise<import('../contract/photo').Photo> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await api(`/api/photos/${id}`, { token });
    const { photo } = await res.json<{ photo: import('../contract/photo').Photo }>();
    if (done(photo)) return photo;
    if (Date.now() > deadline) throw new Error(`photo ${id} still ${photo.status}: ${JSON.stringify(photo.stages)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export const settled = (p: import('../contract/photo').Photo) => p.status === 'completed' || p.status === 'failed';

export async function setSettings(token: string, patch: object) {
  const res = await api('/api/settings', { method: 'PUT', token, body: JSON.stringify(patch), headers: { 'Content-Type': 'application/json' } });
  if (res.status !== 200) throw new Error(`settings: ${res.status} ${await res.text()}`);
}

/** Mean absolute per-channel difference of two images, both squeezed to 16×16 by the image service. */
export async function imageDistance(a: ArrayBuffer, b: ArrayBuffer): Promise<number> {
  const { decodePng } = await import('../formats/png');
  const tiny = async (img: ArrayBuffer) => {
    const out = await testEnv.IMAGES.input(new Response(img).body!).transform({ width: 16, height: 16, fit: 'squeeze' as never }).output({ format: 'image/png' });
    return decodePng(await new Response(out.image()).arrayBuffer()).data;
  };
  const [x, y] = await Promise.all([tiny(a), tiny(b)]);
  let sum = 0;
  for (let i = 0; i < x.length; i++) if (i % 4 !== 3) sum += Math.abs(x[i] - y[i]);
  return sum / ((x.length / 4) * 3);
}
