// SHA-256 off the main thread: small files a group per read, big ones streamed in chunks (never held whole).
import * as Comlink from 'comlink';
import { createSHA256, type IHasher } from 'hash-wasm';
import { hashGroup, WHOLE_BYTES } from './sha256-group';

// The browser's native SHA-256 where there is one (a secure context: HTTPS or localhost) is several
// times faster than WASM, and a folder of photos is hashed on the same cores that serve the uploads.
const subtle = globalThis.crypto?.subtle;

// One WASM instance per worker, reused for small files where there is no native digest: creating it
// costs more than hashing a small photo. It is only used between awaits (read first, then
// init/update/digest at once), so calls that overlap in this worker cannot mix their bytes.
let shared: Promise<IHasher> | undefined;

const hex = (digest: ArrayBuffer) => Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');

async function digest(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  if (subtle) return hex(await subtle.digest('SHA-256', bytes));
  const h = await (shared ??= createSHA256());
  h.init();
  h.update(bytes);
  return h.digest('hex');
}

async function streamed(blob: Blob): Promise<string> {
  const h = await createSHA256();
  h.init();
  const reader = blob.stream().getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    h.update(value);
  }
  return h.digest('hex');
}

const api = {
  /** The hashes of `blobs`, in order: one big file streamed, or small ones read as one (sha256-group.ts). */
  async sha256(blobs: Blob[]): Promise<string[]> {
    if (blobs.length === 1 && blobs[0].size > WHOLE_BYTES) return [await streamed(blobs[0])];
    return hashGroup(blobs, digest);
  },
};

export type HashWorker = typeof api;
Comlink.expose(api);
