// The export studio's Web Worker, behind the comlink API of protocol.ts. One photo at a time (the next
// one is fetched meanwhile): decode → remove the background → crop faces → encode → add to the streamed
// ZIP (→ upload into the library). Models load once per worker through the analysis tab's runtime
// module (same host, same WASM build, WebGPU when the page found an adapter).
import * as Comlink from 'comlink';
import { configureRuntime, modelFileUrl, progressCallback } from '../analysis/models/runtime';
import { PRESETS } from '../analysis/presets';
import type { Device, ModelConfig } from '../analysis/protocol';
import { loadBackgroundRemover, type Cutout } from './background';
import { faceRect, fitWithin, scaledTo } from './crop';
import { loadDetector, type Detector } from './detector';
import { withMetadata } from './exif';
import { manifestCsv, outputStem, type ManifestRow } from './manifest';
import { BACKGROUND_MODELS, EXTENSIONS, FACE_DETECTOR, modelRepo } from './options';
import type { ExportEvent, ExportItem, ExportJob, ExportSummary, ExportWorkerApi } from './protocol';
import { decode, encode } from './render';
import { saveToLibrary } from './save';
import { ZipWriter } from './zip-sink';

const removers = new Map<string, Promise<Cutout>>();
let detector: Promise<Detector> | undefined;
let configured = false;
let controller: AbortController | null = null;

function once<T>(load: () => Promise<T>, clear: () => void): Promise<T> {
  const p = load();
  p.catch(clear); // a failed load can be retried
  return p;
}

interface Step {
  (step: 'fetching' | 'background' | 'faces' | 'encoding' | 'saving'): void;
}

async function exportOne(
  job: ExportJob, item: ExportItem, blob: Promise<Blob>, zip: ZipWriter, rows: ManifestRow[], step: Step, signal: AbortSignal,
  onEvent: (e: ExportEvent) => void,
): Promise<number> {
  const { options: o, models } = job;
  const config = modelConfig(job);
  const progress = progressCallback((p) => onEvent({ type: 'model', file: p.file, loaded: p.loaded, total: p.total }));
  step('fetching');
  const pixels = await decode(await blob);
  signal.throwIfAborted();
  const stem = outputStem(item.filename, item.photoId);
  const ext = EXTENSIONS[o.format];
  const outputs: Array<{ name: string; bytes: Uint8Array; row: Omit<ManifestRow, 'outputFile'> }> = [];
  const source = { sourcePhoto: item.photoId, sourceFilename: item.filename };

  let whole = pixels;
  if (o.removeBackground) {
    step('background');
    const repo = modelRepo(BACKGROUND_MODELS[o.backgroundModel].repo, models.set);
    let remover = removers.get(repo);
    if (!remover) {
      remover = once(() => loadBackgroundRemover(repo, job.device, progress), () => removers.delete(repo));
      removers.set(repo, remover);
    }
    whole = await (await remover)(pixels);
    signal.throwIfAborted();
  }
  const wholeOp = o.removeBackground ? 'remove-background' : o.resize ? 'resize' : 'convert';
  if (o.removeBackground || o.resize || !o.cropFaces) {
    step('encoding');
    const size = o.resize ? fitWithin(whole.width, whole.height, o.maxSide) : { width: whole.width, height: whole.height };
    const model = o.removeBackground ? modelRepo(BACKGROUND_MODELS[o.backgroundModel].repo, models.set) : '';
    outputs.push({ name: `${stem}${o.removeBackground ? '-background-removed' : ''}.${ext}`, bytes: await encode(whole, o.format, o.quality, size), row: { ...source, operation: wholeOp, model } });
  }
  if (o.cropFaces) {
    step('faces');
    let boxes = item.faces, model = 'stored face boxes (analysis)';
    if (!boxes) {
      const repo = modelRepo(FACE_DETECTOR.repo, models.set);
      detector ??= once(() => loadDetector(modelFileUrl(config, repo, FACE_DETECTOR.file), job.device, (n) => onEvent({ type: 'model', file: `${repo}/${FACE_DETECTOR.file}`, loaded: n, total: n })), () => (detector = undefined));
      boxes = await (await detector)(pixels);
      model = repo;
    }
    signal.throwIfAborted();
    step('encoding');
    for (const [i, box] of boxes.entries()) {
      const rect = faceRect(box, pixels.width, pixels.height, o.facePadding, o.faceAspect);
      const bytes = await encode(pixels, o.format, o.quality, scaledTo(rect.w, rect.h, o.faceSize), rect);
      outputs.push({ name: `${stem}-face-${i + 1}.${ext}`, bytes, row: { ...source, operation: 'crop-face', model } });
    }
  }
  signal.throwIfAborted();
  // Written only once the whole photo has succeeded: a failed photo adds nothing, so retrying it cannot duplicate.
  for (const out of outputs) {
    const bytes = o.keepMetadata && item.metadata ? withMetadata(out.bytes, o.format, item.metadata, o.keepGps) : out.bytes;
    await zip.add(out.name, bytes);
    const row: ManifestRow = { ...out.row, outputFile: out.name };
    if (job.token && o.saveToLibrary) {
      step('saving');
      row.libraryPhoto = await saveToLibrary(job.token, bytes, out.name, item.photoId, signal);
    }
    rows.push(row);
  }
  return outputs.length;
}

function modelConfig(job: ExportJob): ModelConfig {
  return { ...PRESETS.default, host: job.models.host, hubUrl: job.models.hubUrl };
}

async function fetchSource(url: string, signal: AbortSignal): Promise<Blob> {
  const res = await fetch(url, { signal });
  if (!res.ok) throw new Error(`The photo could not be fetched (${res.status}).`);
  return res.blob();
}

const api: ExportWorkerApi = {
  async run(job, target, onEvent) {
    controller?.abort();
    const abort = (controller = new AbortController());
    const { signal } = abort;
    if (!configured) {
      configureRuntime(modelConfig(job), job.threads);
      configured = true;
    }
    const zip = await ZipWriter.open(target, job.zipName);
    const rows: ManifestRow[] = [];
    const failed: number[] = [];
    let outputs = 0;
    try {
      // Failures are reported by that photo's own step (or not at all, once cancelled).
      let next = fetchSource(job.items[0].url, signal);
      next.catch(() => {});
      for (const [index, item] of job.items.entries()) {
        signal.throwIfAborted();
        const blob = next;
        // Only the next photo is fetched ahead: memory holds two photos at most, whatever the selection.
        if (index + 1 < job.items.length) {
          next = fetchSource(job.items[index + 1].url, signal);
          next.catch(() => {});
        }
        const step = (s: Parameters<Step>[0]) => onEvent({ type: 'item', index, step: s });
        try {
          const n = await exportOne(job, item, blob, zip, rows, step, signal, onEvent);
          outputs += n;
          onEvent({ type: 'item', index, step: 'done', outputs: n });
        } catch (err) {
          if (signal.aborted) throw err;
          failed.push(index);
          onEvent({ type: 'item', index, step: 'failed', error: err instanceof Error ? err.message : String(err) });
        }
      }
      await zip.add('manifest.csv', manifestCsv(rows));
      await zip.finish();
      return { cancelled: false, failed, outputs, bytes: zip.bytes, written: target ? 'picked' : 'opfs' } satisfies ExportSummary;
    } catch (err) {
      await zip.abort();
      if (signal.aborted) return { cancelled: true, failed, outputs: 0, bytes: 0, written: null } satisfies ExportSummary;
      throw err;
    } finally {
      if (controller === abort) controller = null;
    }
  },

  cancel() {
    controller?.abort(new DOMException('The export was cancelled.', 'AbortError'));
  },
};

export type { Device };
Comlink.expose(api);
