// The ZIP is streamed: fflate's Zip emits chunks as each output is added, and they go straight to a file
// (the one the user picked with the File System Access API, else one in the origin-private file system,
// downloaded from there at the end). Only the output being added is ever in memory. Outputs are stored,
// not deflated: PNG, WebP and JPEG are compressed already.
import { Zip, ZipPassThrough, strToU8 } from 'fflate';
import { OPFS_DIR } from './protocol';

interface Sink {
  write(chunk: Uint8Array): Promise<void> | void;
  close(): Promise<void> | void;
  /** Leaves nothing behind: no partial ZIP. */
  abort(): Promise<void>;
}

/** A file the user picked: written through a swap file, which the browser discards on abort. */
async function pickedSink(handle: FileSystemFileHandle): Promise<Sink> {
  const writable = await handle.createWritable();
  return {
    write: (chunk) => writable.write(chunk as Uint8Array<ArrayBuffer>),
    close: () => writable.close(),
    async abort() {
      await writable.abort().catch(() => {}); // already errored: nothing more to discard
      // The picker created the file (empty); remove it where the browser can (Chromium 110+).
      await (handle as FileSystemFileHandle & { remove?: () => Promise<void> }).remove?.().catch(() => {});
    },
  };
}

/** A file in the origin-private file system, written synchronously (this runs in a worker). */
async function opfsSink(name: string): Promise<Sink> {
  const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle(OPFS_DIR, { create: true });
  const file = await dir.getFileHandle(name, { create: true });
  const access = await file.createSyncAccessHandle();
  access.truncate(0);
  let at = 0;
  return {
    write(chunk) {
      at += access.write(chunk as Uint8Array<ArrayBuffer>, { at });
    },
    close() {
      access.flush();
      access.close();
    },
    async abort() {
      access.close();
      await dir.removeEntry(name);
    },
  };
}

export class ZipWriter {
  private readonly zip: Zip;
  private pending: Promise<void> = Promise.resolve();
  private failure: unknown = null;
  bytes = 0;

  private constructor(private readonly sink: Sink) {
    this.zip = new Zip((err, chunk) => {
      if (err) {
        this.failure = err;
        return;
      }
      this.bytes += chunk.length;
      this.pending = this.pending.then(() => sink.write(chunk));
    });
  }

  static async open(target: FileSystemFileHandle | null, name: string): Promise<ZipWriter> {
    return new ZipWriter(target ? await pickedSink(target) : await opfsSink(name));
  }

  /** Adds one file and waits until its bytes are written, so memory never holds more than it. */
  async add(name: string, data: Uint8Array | string) {
    const entry = new ZipPassThrough(name);
    entry.mtime = Date.now();
    this.zip.add(entry);
    entry.push(typeof data === 'string' ? strToU8(data) : data, true);
    await this.flush();
  }

  async finish() {
    this.zip.end();
    await this.flush();
    await this.sink.close();
  }

  async abort() {
    this.zip.terminate();
    await this.pending.catch(() => {});
    await this.sink.abort();
  }

  private async flush() {
    await this.pending;
    if (this.failure) throw this.failure;
  }
}
