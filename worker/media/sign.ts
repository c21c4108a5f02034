// Signed media URLs, so <img> tags can load thumbnails and variants without an Authorization header.
// A signature binds library, photo, file and expiry, under a key of that library alone: each library's
// HMAC key is derived (HKDF-SHA-256) from the deployment's MEDIA_KEY, so no other secret (not the API
// token) ever signs media, and a key can be rotated: the URL names its key (`kv`, a short fingerprint of
// the secret), and MEDIA_KEY_PREVIOUS keeps links made before a rotation working until they expire.
// Expiry is aligned to the day, so a URL stays the same for a day and the browser cache keeps working.
import type { Bindings } from '../env';
import { AppError } from '../errors';

const DAY = 86_400;
/** Links are made for 1–2 days; a link claiming to live longer was not made by us (M1). */
export const MAX_LIFETIME_SECONDS = 2 * DAY;

const enc = new TextEncoder();
const base64url = (buf: ArrayBuffer) => btoa(String.fromCharCode(...new Uint8Array(buf))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

interface MediaSecret {
  version: string;
  base: CryptoKey;
}
const secrets = new Map<string, Promise<MediaSecret>>();
const libraryKeys = new Map<string, Promise<CryptoKey>>();

function mediaSecret(secret: string): Promise<MediaSecret> {
  let s = secrets.get(secret);
  if (!s) {
    s = (async () => {
      const raw = enc.encode(secret);
      // The version is a fingerprint of the secret, so rotating needs no counter to keep in step.
      const version = base64url(await crypto.subtle.digest('SHA-256', enc.encode(`darkroom-media-version:${secret}`))).slice(0, 8);
      return { version, base: await crypto.subtle.importKey('raw', raw, 'HKDF', false, ['deriveKey']) };
    })();
    secrets.set(secret, s);
  }
  return s;
}

function libraryKey(secret: MediaSecret, libraryId: string): Promise<CryptoKey> {
  const id = `${secret.version}\n${libraryId}`;
  let key = libraryKeys.get(id);
  if (!key) {
    key = crypto.subtle.deriveKey(
      { name: 'HKDF', hash: 'SHA-256', salt: enc.encode('darkroom-media-v1'), info: enc.encode(`library:${libraryId}`) },
      secret.base, { name: 'HMAC', hash: 'SHA-256', length: 256 }, false, ['sign'],
    );
    libraryKeys.set(id, key);
  }
  return key;
}

/** The current key, and the previous one while it is configured. MEDIA_KEY has no fallback: it is required. */
function configured(env: Bindings): { current: string; previous: string | null } {
  if (!env.MEDIA_KEY) {
    throw new AppError('not_configured', 'MEDIA_KEY is not set: media links cannot be signed. Set it with `wrangler secret put MEDIA_KEY` (npm start creates one in .dev.vars).');
  }
  return { current: env.MEDIA_KEY, previous: env.MEDIA_KEY_PREVIOUS || null };
}

async function signature(key: CryptoKey, path: string, exp: number): Promise<string> {
  return base64url(await crypto.subtle.sign('HMAC', key, enc.encode(`${path}\n${exp}`))).slice(0, 32);
}

const mediaPath = (libraryId: string, photoId: string, file: string) => `/api/media/${libraryId}/${photoId}/${file}`;

export async function signedUrl(env: Bindings, libraryId: string, photoId: string, file: string, now = Date.now()): Promise<string> {
  const secret = await mediaSecret(configured(env).current);
  const exp = (Math.floor(now / 1000 / DAY) + 2) * DAY; // valid for 1–2 days
  const path = mediaPath(libraryId, photoId, file);
  return `${path}?exp=${exp}&sig=${await signature(await libraryKey(secret, libraryId), path, exp)}&kv=${secret.version}`;
}

/** `libraryId` is the library the path names; the key of that library must have made the signature. */
export async function verifySignature(
  env: Bindings, libraryId: string, path: string, q: { exp?: string; sig?: string; kv?: string }, now = Date.now(),
): Promise<boolean> {
  const expiry = Number(q.exp);
  if (!q.sig || !q.kv || !/^\d{1,12}$/.test(q.exp ?? '') || expiry * 1000 < now || expiry * 1000 > now + MAX_LIFETIME_SECONDS * 1000) return false;
  const { current, previous } = configured(env);
  for (const candidate of previous ? [current, previous] : [current]) {
    const secret = await mediaSecret(candidate);
    if (secret.version !== q.kv) continue;
    return equal(await signature(await libraryKey(secret, libraryId), path, expiry), q.sig);
  }
  return false;
}

/** Length-independent comparison of two short strings of equal alphabet. */
function equal(expected: string, given: string): boolean {
  let diff = expected.length ^ given.length;
  for (let i = 0; i < expected.length; i++) diff |= expected.charCodeAt(i) ^ (given.charCodeAt(i) || 0);
  return diff === 0;
}
