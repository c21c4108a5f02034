// Large files go up in resumable parts (POST /api/uploads, PUT …/parts/:n, POST …/complete): a dropped
// connection costs one part, not the file, and a pause or a reload continues with the parts the server
// does not have yet. The session id is kept with the file's stored copy so a reload can find it again.
import type { UploadResponse } from '../../../worker/contract/http';
import type { UploadSessionResponse } from '../../../worker/contract/uploads';
import type { UploadOptions } from '../lib/api';

export interface ResumableApi {
  create(name: string, size: number, sha256: string): Promise<UploadSessionResponse | UploadResponse>;
  get(id: string): Promise<UploadSessionResponse>;
  part(id: string, n: number, part: Blob, options: UploadOptions): Promise<unknown>;
  complete(id: string): Promise<UploadResponse>;
}

export interface PartsJob {
  name: string;
  blob: Blob;
  sha256: string;
  /** The session a previous attempt (or page load) opened, if any. */
  session?: string;
  signal: AbortSignal;
  onProgress(sent: number): void;
  /** A new session was opened: remember it (in memory and in the stored copy) before parts are sent. */
  onSession(id: string): Promise<void>;
}

/** Sends the parts the server lacks and completes the upload. Duplicates answer at create. */
export async function sendInParts(api: ResumableApi, job: PartsJob): Promise<UploadResponse> {
  const { blob } = job;
  // A session that expired or was completed elsewhere is simply started over.
  let session = job.session ? (await api.get(job.session).catch(() => null))?.upload : undefined;
  if (!session) {
    const created = await api.create(job.name, blob.size, job.sha256);
    if ('photo' in created) return created;
    session = created.upload;
    await job.onSession(session.id);
  }
  const { partSize, partCount } = session;
  const have = new Set(session.parts);
  const partBytes = (p: number) => Math.min(partSize, blob.size - (p - 1) * partSize);
  let done = [...have].reduce((n, p) => n + partBytes(p), 0);
  for (let n = 1; n <= partCount; n++) {
    if (have.has(n)) continue;
    const part = blob.slice((n - 1) * partSize, n * partSize);
    const base = done;
    await api.part(session.id, n, part, { signal: job.signal, onProgress: (sent) => job.onProgress(base + sent) });
    have.add(n);
    done += partBytes(n);
  }
  return api.complete(session.id);
}
