// Small files share one request (POST /api/photos, multipart, a hash per file): a browser holds 6
// connections per host over HTTP/1.1, and per request the server also checks the token and reads the
// settings, so a folder of small photos sent one per request waits on round trips, not bytes. Batches
// are made only when there are more files waiting than lanes to send them: a lone file is still PUT.
import type { MultipartUploadResponse } from '../../../worker/contract/http';
import { ApiError } from '../lib/api';

export const BATCH = {
  /** Files per request, at most. */
  files: 8,
  /** Only files up to this size share a request; bigger ones are bytes-bound and go alone. */
  fileBytes: 1024 * 1024,
  /** Bytes per request, at most (the server parses a form in memory; its cap is 32 MB). */
  bytes: 8 * 1024 * 1024,
};

interface Sized {
  size: number;
}

/**
 * Takes the next request's files from the head of `ready`: the first file, and more small ones while the
 * waiting files outnumber the free lanes (so batching never leaves a lane idle). `usable` skips files
 * cancelled while they waited.
 */
export function takeBatch<E extends Sized>(ready: E[], freeLanes: number, usable: (e: E) => boolean): E[] {
  while (ready.length && !usable(ready[0])) ready.shift();
  const first = ready.shift();
  if (!first) return [];
  const batch = [first];
  if (first.size > BATCH.fileBytes) return batch;
  const perLane = Math.min(BATCH.files, Math.ceil((ready.length + 1) / Math.max(1, freeLanes)));
  let bytes = first.size;
  while (batch.length < perLane && ready.length) {
    const next = ready[0];
    if (!usable(next)) {
      ready.shift();
      continue;
    }
    if (next.size > BATCH.fileBytes || bytes + next.size > BATCH.bytes) break;
    batch.push(ready.shift()!);
    bytes += next.size;
  }
  return batch;
}

/** The bytes of each file sent so far, from the bytes of the whole form (files go in order). */
export function spread(sizes: readonly number[], loaded: number): number[] {
  let before = 0;
  return sizes.map((size) => {
    const sent = Math.max(0, Math.min(size, loaded - before));
    before += size;
    return sent;
  });
}

/** A file's refusal inside a batch, as the error its own PUT would have thrown. */
export function resultError(result: MultipartUploadResponse['results'][number] | undefined): ApiError {
  const error = result?.error;
  if (!error) return new ApiError(0, 'http_error', 'The server did not answer for this file.');
  const status = error.code === 'rate_limited' ? 429 : error.code === 'internal' ? 500 : 400;
  return new ApiError(status, error.code, error.message, error.retryAfter !== undefined ? error.retryAfter * 1000 : undefined);
}
