// The upload queue survives a reload: each pending file is kept in IndexedDB (a copy of the Blob, which
// browsers store on disk) until it is uploaded, skipped or cancelled. Writes and deletes take a list:
// one transaction per batch, as 10,000 single-record transactions keep the page busy for seconds.
import { openDB, unwrap, type IDBPDatabase } from 'idb';

export interface StoredEntry {
  id: string;
  name: string;
  size: number;
  blob: Blob;
  addedAt: number;
  /** The resumable upload session of a large file, so a reload continues where it stopped. */
  uploadId?: string;
  /**
   * Written by the service worker's share target: nothing is uploaded until the user confirms it in
   * the queue, because any page can POST a form to /share (security review H1).
   */
  shared?: boolean;
}

export interface EntryStore {
  put(entries: StoredEntry[]): Promise<void>;
  delete(ids: string[]): Promise<void>;
  all(): Promise<StoredEntry[]>;
}

// The service worker's share target writes here too (through idbStore): files shared from the OS.
const DB = 'darkroom-uploads';
const STORE = 'entries';

let opening: Promise<IDBPDatabase> | undefined;
let db: IDBPDatabase | undefined;
const open = () => (opening ??= openDB(DB, 1, { upgrade: (d) => d.createObjectStore(STORE, { keyPath: 'id' }) }).then((d) => (db = d)));

export const idbStore: EntryStore = {
  // Once the database is open the puts run in the caller's task (no await before them), so what they
  // cost there is measured by the caller, which cuts a big write into slices (copies.ts).
  // The requests go to the raw store: idb would wrap each in a promise nobody reads (10,000 promises and
  // their listeners for a big pick, garbage the page's thread then collects while the queue fills). A
  // failed request aborts the transaction, and tx.done rejects with it.
  async put(entries) {
    const tx = (db ?? (await open())).transaction(STORE, 'readwrite');
    const store = unwrap(tx.store);
    for (const e of entries) store.put(e);
    await tx.done;
  },
  async delete(ids) {
    const tx = (await open()).transaction(STORE, 'readwrite');
    const store = unwrap(tx.store);
    for (const id of ids) store.delete(id);
    await tx.done;
  },
  async all() {
    const entries = (await (await open()).getAll(STORE)) as StoredEntry[];
    return entries.sort((a, b) => a.addedAt - b.addedAt);
  },
};
