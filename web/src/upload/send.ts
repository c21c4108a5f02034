// How the files of one request are sent: a small file alone by PUT (the hash in a header, so storage
// verifies the bytes), a large one in resumable parts, several small ones as one multipart batch. A
// failure of the whole request throws; a batch's per-file refusals come back as that file's verdict.
import type { MultipartUploadResponse, UploadResponse } from '../../../worker/contract/http';
import type { Photo } from '../../../worker/contract/photo';
import type { UploadOptions } from '../lib/api';
import { resultError, spread } from './batch';
import type { Entry } from './entry.svelte';
import { sendInParts, type ResumableApi } from './resumable';

export type Verdict = { photo: Photo; duplicate: boolean } | { error: unknown };

export interface SendHost {
  upload(blob: Blob, name: string, options: UploadOptions): Promise<UploadResponse>;
  uploadBatch?(files: Array<{ blob: Blob; name: string; sha256: string }>, options: Omit<UploadOptions, 'sha256'>): Promise<MultipartUploadResponse>;
  resumable: ResumableApi;
  /** Files above this go up in resumable parts. */
  resumableBytes: number;
  blob(entry: Entry): Blob;
  sha256(entry: Entry): string;
  /** The resumable session a previous attempt opened, and where a new one is remembered. */
  session(entry: Entry): string | undefined;
  opened(entry: Entry, session: string): Promise<void>;
  progress(entry: Entry, sent: number): void;
}

export async function sendFiles(h: SendHost, entries: Entry[], signal: AbortSignal): Promise<Verdict[]> {
  if (entries.length > 1) {
    const sizes = entries.map((e) => e.size);
    const { results } = await h.uploadBatch!(
      entries.map((e) => ({ blob: h.blob(e), name: e.name, sha256: h.sha256(e) })),
      { signal, onProgress: (loaded) => spread(sizes, loaded).forEach((sent, i) => h.progress(entries[i], sent)) },
    );
    return entries.map((_, i) => {
      const r = results[i];
      return r?.photo ? { photo: r.photo, duplicate: !!r.duplicate } : { error: resultError(r) };
    });
  }
  const [entry] = entries;
  const blob = h.blob(entry);
  const sha256 = h.sha256(entry);
  const onProgress = (sent: number) => h.progress(entry, sent);
  const res = blob.size > h.resumableBytes
    ? await sendInParts(h.resumable, { name: entry.name, blob, sha256, session: h.session(entry), signal, onProgress, onSession: (id) => h.opened(entry, id) })
    : await h.upload(blob, entry.name, { sha256, signal, onProgress });
  return [{ photo: res.photo, duplicate: !!res.duplicate }];
}
