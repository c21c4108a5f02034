// Three ways to get an upload into R2, each ending with the bytes stored, their SHA-256 known and the
// head inspected. `inspect` throws to refuse the file; then nothing stays in the bucket.
import { AppError } from '../errors';
import { toHex } from '../hash';

/** Quick metadata and validation never read further than this. */
export const HEAD_BYTES = 256 * 1024;

export type Inspect<T> = (head: Uint8Array) => Promise<T>;
export interface Stored<T> {
  sha256: string;
  meta: T;
}

/** Small files and multipart fields are in memory anyway: inspect, hash and put them whole. */
export async function storeBuffered<T>(bucket: R2Bucket, key: string, bytes: ArrayBuffer, inspect: Inspect<T>): Promise<Stored<T>> {
  const meta = await inspect(new Uint8Array(bytes, 0, Math.min(HEAD_BYTES, bytes.byteLength)));
  const sha256 = toHex(await crypto.subtle.digest('SHA-256', bytes));
  await bucket.put(key, bytes, { sha256 });
  return { sha256, meta };
}

/**
 * The client declared the SHA-256 (the web app always does; it hashed the file to ask /check first).
 * The body goes to R2 untouched, which is as fast as a put can be, and R2 itself verifies the hash.
 * The head is then read back for inspection; a refused file is deleted before we answer, and without a
 * row nothing could have reached it in between.
 */
export async function storeVerified<T>(
  bucket: R2Bucket, key: string, body: ReadableStream, sha256: string, inspect: Inspect<T>,
): Promise<Stored<T>> {
  try {
    await bucket.put(key, body, { sha256 });
  } catch (err) {
    if (String(err).includes('SHA-256')) {
      throw new AppError('checksum_mismatch', `The bytes received do not match the declared SHA-256 ${sha256}.`, { cause: err });
    }
    throw new AppError('length_mismatch', 'The upload ended before its declared length.', { cause: err });
  }
  try {
    const head = await bucket.get(key, { range: { offset: 0, length: HEAD_BYTES } });
    if (!head) throw new Error(`object ${key} missing right after put`);
    return { sha256, meta: await inspect(new Uint8Array(await head.arrayBuffer())) };
  } catch (err) {
    await bucket.delete(key);
    throw err;
  }
}

/**
 * No declared hash: stream into R2 while a tee'd branch reads the head for `inspect` and hashes every
 * byte. Both pipes are runtime-native (no JS per chunk) and memory stays flat whatever the size. The
 * object only exists once the stream completes, so refusing the head aborts the put and stores nothing.
 */
export async function storeStreamed<T>(
  bucket: R2Bucket, key: string, body: ReadableStream<Uint8Array>, length: number, inspect: Inspect<T>,
): Promise<Stored<T>> {
  const [toBucket, toInspect] = body.tee();
  const abort = new AbortController();
  const sized = new FixedLengthStream(length); // R2 needs a known length; tee branches lose it
  const storing = Promise.all([toBucket.pipeTo(sized.writable, { signal: abort.signal }), bucket.put(key, sized.readable)]);
  storing.catch(() => {}); // awaited below; this only keeps it from being reported as unhandled meanwhile

  const digest = new crypto.DigestStream('SHA-256');
  const reader = toInspect.getReader();
  let meta: T;
  try {
    const head = await readHead(reader, Math.min(HEAD_BYTES, length));
    const hasher = digest.getWriter();
    for (const chunk of head) await hasher.write(chunk);
    hasher.releaseLock();
    meta = await inspect(concat(head, HEAD_BYTES));
  } catch (err) {
    abort.abort(err);
    await reader.cancel(err);
    await storing.catch(() => {}); // let the aborted put settle before we answer
    throw err;
  }
  reader.releaseLock();
  try {
    await Promise.all([storing, toInspect.pipeTo(digest)]);
  } catch (err) {
    await bucket.delete(key);
    throw new AppError('length_mismatch', `The upload ended early or ran past its declared ${length} bytes.`, { cause: err });
  }
  return { sha256: toHex(await digest.digest), meta };
}

async function readHead(reader: ReadableStreamDefaultReader<Uint8Array>, want: number): Promise<Uint8Array[]> {
  const chunks: Uint8Array[] = [];
  let have = 0;
  while (have < want) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    have += value.byteLength;
  }
  return chunks;
}

function concat(chunks: Uint8Array[], max: number): Uint8Array {
  const total = Math.min(max, chunks.reduce((n, c) => n + c.byteLength, 0));
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    if (at >= total) break;
    const part = c.subarray(0, total - at);
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}
