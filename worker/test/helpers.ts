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
  const res = await testEnv.FIXTURES.fetch(`http://fixtures/photos/${encodeURIComponent(name)}`);
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
