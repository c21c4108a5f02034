// Signed media URLs, so <img> tags can load thumbnails and variants without an Authorization header.
// A signature binds library, photo, file and expiry. Expiry is aligned to the day, so a URL stays the same
// for a day and the browser cache keeps working across page loads.
import type { Bindings } from '../env';

const DAY = 86_400;
const keys = new Map<string, Promise<CryptoKey>>();

function signingKey(env: Bindings): Promise<CryptoKey> {
  const secret = env.MEDIA_KEY ?? env.API_TOKEN;
  if (!secret) throw new Error('MEDIA_KEY (or API_TOKEN) must be set to sign media URLs');
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey('raw', new TextEncoder().encode(`darkroom-media:${secret}`), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
    keys.set(secret, key);
  }
  return key;
}

const base64url = (buf: ArrayBuffer) => btoa(String.fromCharCode(...new Uint8Array(buf))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

async function signature(env: Bindings, path: string, exp: number): Promise<string> {
  const mac = await crypto.subtle.sign('HMAC', await signingKey(env), new TextEncoder().encode(`${path}\n${exp}`));
  return base64url(mac).slice(0, 32);
}

const mediaPath = (libraryId: string, photoId: string, file: string) => `/api/media/${libraryId}/${photoId}/${file}`;

export async function signedUrl(env: Bindings, libraryId: string, photoId: string, file: string, now = Date.now()): Promise<string> {
  const exp = (Math.floor(now / 1000 / DAY) + 2) * DAY; // valid for 1–2 days
  const path = mediaPath(libraryId, photoId, file);
  return `${path}?exp=${exp}&sig=${await signature(env, path, exp)}`;
}

export async function verifySignature(env: Bindings, path: string, exp: string | undefined, sig: string | undefined): Promise<boolean> {
  const expiry = Number(exp);
  if (!sig || !Number.isInteger(expiry) || expiry * 1000 < Date.now()) return false;
  const expected = await signature(env, path, expiry);
  // Length-independent comparison of two short strings of equal alphabet.
  let diff = expected.length ^ sig.length;
  for (let i = 0; i < expected.length; i++) diff |= expected.charCodeAt(i) ^ (sig.charCodeAt(i) || 0);
  return diff === 0;
}
