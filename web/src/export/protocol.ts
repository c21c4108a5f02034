// The export worker's API, shared by both sides: runner.svelte.ts calls it, export.worker.ts implements
// it. Only plain data crosses (and the FileSystemFileHandle the user picked, which is cloneable).
import type { Device } from '../analysis/protocol';
import type { Box } from './crop';
import type { ExportOptions, ModelSet } from './options';

/** One photo to export, as the page knows it. */
export interface ExportItem {
  photoId: string;
  filename: string;
  /** Signed URL of the source: the display variant or the original. */
  url: string;
  /** Stored face boxes (0–1) when the photo has been analysed; null runs the detector. */
  faces: Box[] | null;
  /** What `keepMetadata` writes into the outputs. */
  metadata: OutputMetadata | null;
}

export interface OutputMetadata {
  make: string | null;
  model: string | null;
  takenAt: string | null;
  description: string | null;
  gps: { latitude: number; longitude: number } | null;
}

export interface ExportJob {
  items: ExportItem[];
  options: ExportOptions;
  models: { set: ModelSet; host: 'self' | 'hub'; hubUrl: string };
  device: Device;
  threads: number;
  /** The ZIP's name (in the origin-private file system when no file was picked). */
  zipName: string;
  /** The library token, when the outputs are also saved into the library. */
  token: string | null;
}

export type ItemStep = 'queued' | 'fetching' | 'background' | 'faces' | 'encoding' | 'saving' | 'done' | 'failed';

export type ExportEvent =
  | { type: 'model'; file: string; loaded: number; total: number }
  | { type: 'item'; index: number; step: ItemStep; outputs?: number; error?: string };

export interface ExportSummary {
  cancelled: boolean;
  /** Indexes (into job.items) of the photos that failed; retry runs only those. */
  failed: number[];
  outputs: number;
  bytes: number;
  /** Where the ZIP is: 'picked' (the file the user chose) or 'opfs' (download it from there). */
  written: 'picked' | 'opfs' | null;
}

export interface ExportWorkerApi {
  run(job: ExportJob, target: FileSystemFileHandle | null, onEvent: (e: ExportEvent) => void): Promise<ExportSummary>;
  /** Stops the run at the next step (an inference in flight finishes first); no partial ZIP is left. */
  cancel(): void;
}

/** The folder of the origin-private file system that holds ZIPs not written to a picked file. */
export const OPFS_DIR = 'exports';
