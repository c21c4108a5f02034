// One export at a time: owns the export worker (started on first use, as the analysis tab's bridge
// does, and ended when idle so the models' memory goes with it), follows per-photo and overall
// progress, cancels, retries the photos that failed (into a new ZIP), and hands the finished ZIP to the
// user: already in the file they picked, or downloaded from the origin-private file system.
import * as Comlink from 'comlink';
import type { Photo } from '../../../worker/contract/photo';
import type { ExportOptions, ModelSet } from './options';
import { exportItems } from './items';
import { OPFS_DIR, type ExportEvent, type ExportItem, type ExportJob, type ExportSummary, type ExportWorkerApi } from './protocol';
import { RunItems } from './run-items.svelte';

const IDLE_MS = 120_000;

export interface RunSetup {
  token: () => string;
  host: { host: 'self' | 'hub'; hubUrl: string };
}

export class ExportRun {
  state = $state<'idle' | 'running' | 'cancelling' | 'done' | 'cancelled' | 'error'>('idle');
  /** Photos that cannot be exported (videos, nothing to read yet). */
  skipped = $state<string[]>([]);
  model = $state<{ file: string; loaded: number; total: number } | null>(null);
  /** Photos of the selection read so far, before the run starts (a Select all is read from the server). */
  gathered = $state(0);
  summary = $state<ExportSummary | null>(null);
  error = $state<string | null>(null);
  zipName = $state('');
  private readonly progress = new RunItems();

  private worker: Worker | null = null;
  private remote: Comlink.Remote<ExportWorkerApi> | null = null;
  private idle: ReturnType<typeof setTimeout> | undefined;
  private last: { job: ExportJob } | null = null;

  constructor(private readonly setup: RunSetup) {}

  /** The photos of the run, each at its step. */
  get items() {
    return this.progress.list;
  }

  get finished() {
    return this.progress.finished;
  }

  get failedCount() {
    return this.progress.failed;
  }

  /**
   * `pages`: the selected photos a page at a time (a Select all of the whole library is read from the
   * server here, page by page, keeping only what the worker needs of each photo). `target`: a file the
   * user picked (File System Access API); null writes to OPFS and downloads.
   */
  async start(pages: AsyncIterable<readonly Photo[]>, options: ExportOptions, set: ModelSet, target: FileSystemFileHandle | null) {
    const items: ExportItem[] = [];
    const skipped: string[] = [];
    this.state = 'running';
    this.error = null;
    this.gathered = 0;
    try {
      for await (const page of pages) {
        const some = exportItems(page, options);
        items.push(...some.items);
        skipped.push(...some.skipped.map((p) => p.filename));
        this.gathered = items.length + skipped.length;
        if (this.state !== 'running') break; // cancelled while the selection was read
      }
    } catch (err) {
      this.state = 'error';
      this.error = `Could not read the selection: ${err instanceof Error ? err.message : String(err)}`;
      return;
    }
    if (this.state !== 'running') {
      this.state = 'cancelled';
      return;
    }
    this.skipped = skipped;
    if (!items.length) {
      this.state = 'error';
      this.error = 'Nothing to export: the selection has no developed photos.';
      return;
    }
    const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
    await this.runJob(items, options, set, target, `darkroom-export-${stamp}.zip`);
  }

  /** Runs the failed photos of the last export again, into a ZIP of their own. */
  async retryFailed(target: FileSystemFileHandle | null = null) {
    if (!this.last || !this.summary?.failed.length) return;
    const items = this.summary.failed.map((i) => this.last!.job.items[i]);
    await this.runJob(items, this.last.job.options, this.last.job.models.set, target, this.last.job.zipName.replace(/(-retry\d*)?\.zip$/, `-retry${Date.now() % 100000}.zip`));
  }

  async cancel() {
    if (this.state !== 'running') return;
    this.state = 'cancelling';
    await this.remote?.cancel();
  }

  /** Leaves nothing behind: ZIPs of earlier exports kept in OPFS for their download are removed. */
  static async clearStored(except?: string) {
    const root = await navigator.storage?.getDirectory?.().catch(() => null);
    if (!root) return;
    const dir = await root.getDirectoryHandle(OPFS_DIR, { create: true });
    for await (const name of (dir as FileSystemDirectoryHandle & { keys(): AsyncIterable<string> }).keys()) {
      if (name !== except) await dir.removeEntry(name).catch(() => {}); // in use by a download: next time
    }
  }

  close() {
    clearTimeout(this.idle);
    this.worker?.terminate();
    this.worker = null;
    this.remote = null;
  }

  private async runJob(items: ExportItem[], options: ExportOptions, set: ModelSet, target: FileSystemFileHandle | null, zipName: string) {
    clearTimeout(this.idle);
    await ExportRun.clearStored().catch(() => {}); // a previous download is long done by now
    this.progress.reset(items);
    this.summary = null;
    this.error = null;
    this.model = null;
    this.zipName = zipName;
    this.state = 'running';
    const job: ExportJob = {
      items, options, zipName, models: { set, ...this.setup.host }, device: await pickDevice(),
      threads: Math.max(1, Math.min(4, (navigator.hardwareConcurrency || 2) - 1)),
      token: options.saveToLibrary ? this.setup.token() : null,
    };
    this.last = { job };
    try {
      const summary = await this.start_().run(job, target, Comlink.proxy((e: ExportEvent) => this.onEvent(e)));
      this.summary = summary;
      if (summary.cancelled) this.state = 'cancelled';
      else {
        this.state = 'done';
        if (summary.written === 'opfs') await this.download(zipName);
      }
    } catch (err) {
      this.state = 'error';
      this.error = err instanceof Error ? err.message : String(err);
      this.close(); // a worker that failed outside one photo is not reused
    } finally {
      if (this.worker) this.idle = setTimeout(() => this.close(), IDLE_MS);
    }
  }

  private onEvent(e: ExportEvent) {
    if (e.type === 'model') {
      this.model = e.loaded >= e.total ? null : e;
      return;
    }
    this.progress.apply(e.index, e.step, e.outputs, e.error);
  }

  private async download(name: string) {
    const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle(OPFS_DIR);
    const file = await (await dir.getFileHandle(name)).getFile(); // backed by the file on disk, not memory
    const url = URL.createObjectURL(file);
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }

  private start_(): Comlink.Remote<ExportWorkerApi> {
    if (!this.remote) {
      this.worker = new Worker(new URL('./export.worker.ts', import.meta.url), { type: 'module' });
      this.remote = Comlink.wrap<ExportWorkerApi>(this.worker);
    }
    return this.remote;
  }
}

async function pickDevice(): Promise<'webgpu' | 'wasm'> {
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<{ info?: { isFallbackAdapter?: boolean } } | null> } }).gpu;
  const adapter = await gpu?.requestAdapter().catch(() => null);
  return adapter && !adapter.info?.isFallbackAdapter ? 'webgpu' : 'wasm';
}
