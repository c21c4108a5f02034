// The upload queue's test bench: an in-memory EntryStore and a scriptable server (PUT, resumable parts),
// so the queue's own logic is what the tests exercise. Shared by the queue's and its stages' tests.
import type { UploadResponse } from '../../../worker/contract/http';
import { ApiError, type UploadOptions } from '../lib/api';
import type { QueueDeps, UploadQueue } from './queue.svelte';
import type { EntryStore, StoredEntry } from './store';

export function harness(opts: { existing?: string[]; refuse?: Record<string, ApiError>; hold?: boolean } = {}) {
  const stored = new Map<string, StoredEntry>();
  const store: EntryStore = {
    put: async (entries) => void entries.forEach((e) => stored.set(e.id, e)),
    delete: async (ids) => void ids.forEach((id) => stored.delete(id)),
    all: async () => [...stored.values()],
  };
  const uploads: string[] = [];
  // A resumable-upload server with 4-byte parts; part 2 of a file named "flaky" fails once.
  const sessions = new Map<string, { name: string; size: number; parts: Set<number> }>();
  const partsSent: string[] = [];
  let flaked = false;
  let inFlight = 0;
  let maxInFlight = 0;
  const releases: Array<() => void> = [];
  const deps: QueueDeps = {
    hash: (blobs) => Promise.all(blobs.map(async (b) => `sha-${await b.text()}`)),
    check: async (hashes) => ({ existing: Object.fromEntries(hashes.filter((h) => opts.existing?.includes(h)).map((h) => [h, `photo-of-${h}`])) }),
    upload: async (blob: Blob, name: string, o: UploadOptions): Promise<UploadResponse> => {
      uploads.push(name);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        o.onProgress?.(blob.size / 2);
        if (opts.hold) {
          await new Promise<void>((resolve, reject) => {
            releases.push(resolve);
            o.signal?.addEventListener('abort', () => reject(new ApiError(0, 'aborted', 'stopped')));
          });
        }
        if (opts.refuse?.[name]) throw opts.refuse[name];
        return { photo: { id: `id-${name}` } as UploadResponse['photo'] };
      } finally {
        inFlight--;
      }
    },
    resumable: {
      create: async (name, size) => {
        const id = `s${sessions.size + 1}`;
        sessions.set(id, { name, size, parts: new Set() });
        return { upload: { id, filename: name, size, partSize: 4, partCount: Math.ceil(size / 4), parts: [] } };
      },
      get: async (id) => {
        const s = sessions.get(id)!;
        return { upload: { id, filename: s.name, size: s.size, partSize: 4, partCount: Math.ceil(s.size / 4), parts: [...s.parts].sort() } };
      },
      part: async (id, n, part) => {
        const s = sessions.get(id)!;
        if (s.name === 'flaky.jpg' && n === 2 && !flaked) {
          flaked = true;
          throw new ApiError(0, 'offline', 'The connection dropped during the upload.');
        }
        partsSent.push(`${s.name}#${n}:${await part.text()}`);
        s.parts.add(n);
        return {};
      },
      complete: async (id) => ({ photo: { id: `id-${sessions.get(id)!.name}` } as UploadResponse['photo'] }),
    },
    store,
  };
  return { deps, stored, uploads, releases, partsSent, max: () => maxInFlight };
}

export const file = (name: string, content = name) => ({ name, blob: new Blob([content]) });
export const settle = () => new Promise((r) => setTimeout(r, 10));
export const states = (q: UploadQueue) => Object.fromEntries(q.entries.map((e) => [e.name, e.state]));

