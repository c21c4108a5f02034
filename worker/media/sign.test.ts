// M1: media links are signed with a per-library key derived from MEDIA_KEY (never the API token), name
// their key version for rotation, and live at most two days.
import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { UploadResponse } from '../contract/http';
import type { Bindings } from '../env';
import { AppError } from '../errors';
import { fixture, newLibrary, put, testEnv } from '../test/helpers';
import { signedUrl, verifySignature } from './sign';

const DAY = 86_400_000;
const media = (url: string) => SELF.fetch(`http://darkroom.test${url}`);
const query = (url: string) => Object.fromEntries(new URL(url, 'http://x').searchParams) as { exp?: string; sig?: string; kv?: string };
const pathOf = (url: string) => new URL(url, 'http://x').pathname;
const withKeys = (MEDIA_KEY?: string, MEDIA_KEY_PREVIOUS?: string) => ({ ...testEnv, MEDIA_KEY, MEDIA_KEY_PREVIOUS }) as Bindings;

async function uploaded() {
  const { libraryId, token } = await newLibrary();
  const res = await put(await fixture('photo-kodak-gps-south.jpg'), 'k.jpg', token);
  return { libraryId, photo: (await res.json<UploadResponse>()).photo };
}

/** What the old code accepted: an HMAC keyed by the API token, which any holder of that token could make. */
async function tokenSigned(path: string, exp: number) {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(`darkroom-media:${testEnv.API_TOKEN}`), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`${path}\n${exp}`)));
  return btoa(String.fromCharCode(...mac)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '').slice(0, 32);
}

describe('signed media links', () => {
  it('serves a link it made, and refuses one signed with the API token', async () => {
    const { libraryId, photo } = await uploaded();
    expect((await media(photo.original!)).status).toBe(200);
    const path = `/api/media/${libraryId}/${photo.id}/original`;
    const exp = Math.floor(Date.now() / 1000) + 3600;
    const sig = await tokenSigned(path, exp);
    expect((await media(`${path}?exp=${exp}&sig=${sig}`)).status).toBe(404);
    expect((await media(`${path}?exp=${exp}&sig=${sig}&kv=${query(photo.original!).kv}`)).status).toBe(404);
  });

  it('derives a different key per library: a signature of one library does not open another', async () => {
    const url = await signedUrl(testEnv, 'lib-a', 'p1', 'original');
    const q = query(url);
    expect(await verifySignature(testEnv, 'lib-a', pathOf(url), q)).toBe(true);
    expect(await verifySignature(testEnv, 'lib-b', pathOf(url), q)).toBe(false);
    // Same photo id and file in library b: the signature of a does not carry over.
    const other = await signedUrl(testEnv, 'lib-b', 'p1', 'original');
    expect(query(other).sig).not.toBe(q.sig);
  });

  it('refuses an expiry more than two days out, even when correctly signed', async () => {
    const now = Date.now();
    const far = await signedUrl(testEnv, 'lib-a', 'p1', 'original', now + 30 * DAY);
    expect(Number(query(far).exp) * 1000).toBeGreaterThan(now + 2 * DAY);
    expect(await verifySignature(testEnv, 'lib-a', pathOf(far), query(far), now)).toBe(false);
    expect(await verifySignature(testEnv, 'lib-a', pathOf(far), query(far), now + 30 * DAY)).toBe(true);
    const { libraryId, photo } = await uploaded();
    const forged = await signedUrl(testEnv, libraryId, photo.id, 'original', now + 400 * DAY);
    expect((await media(forged)).status).toBe(404);
  });

  it('accepts links of the previous key while it is configured (rotation)', async () => {
    const old = await signedUrl(withKeys('key-one'), 'lib-a', 'p1', 'original');
    const fresh = await signedUrl(withKeys('key-two', 'key-one'), 'lib-a', 'p1', 'original');
    expect(query(old).kv).not.toBe(query(fresh).kv);
    expect(await verifySignature(withKeys('key-two', 'key-one'), 'lib-a', pathOf(old), query(old))).toBe(true);
    expect(await verifySignature(withKeys('key-two', 'key-one'), 'lib-a', pathOf(fresh), query(fresh))).toBe(true);
    expect(await verifySignature(withKeys('key-two'), 'lib-a', pathOf(old), query(old))).toBe(false);
    // A link naming one version but signed by the other is refused.
    expect(await verifySignature(withKeys('key-two', 'key-one'), 'lib-a', pathOf(old), { ...query(old), kv: query(fresh).kv })).toBe(false);
  });

  it('requires MEDIA_KEY: no fallback to the API token', async () => {
    const err = await signedUrl(withKeys(undefined), 'lib-a', 'p1', 'original').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('not_configured');
    expect((err as AppError).message).toMatch(/MEDIA_KEY/);
  });
});
