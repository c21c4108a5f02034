// The photo's one develop in our engine, shared by the thumbnails and variants stages of a run: one decode
// and the whole resize cascade up front, then each stage encodes its own outputs. When the engine cannot
// take the photo (not its format, or over its memory budget) the binding develops it instead, but only
// where production's Cloudflare Images would take it; the fallback is logged with its reason.
import type { Settings } from '../contract/settings';
import type { PipelinePhoto } from '../db/pipeline-claim';
import { CodecError } from '../engine/codec-errors';
import type { OutputSpec } from '../engine/codec';
import { withSession, type DevelopSession, type SessionRunner } from '../engine/develop-session';
import { PermanentError } from '../errors';
import { ENGINE_FORMATS, ENGINE_MAX_INPUT_BYTES, imagesRefusal } from './images-limits';

export const thumbnailOutput = (size: number) => `thumb-${size}`;
export const variantOutput = (name: string) => `variant-${name}`;

/**
 * Every output of the photo: thumbnails fit a size×size square, variants their (long, short) box. WebP
 * q80 everywhere; the display variants use encoder effort 2 instead of 4 (the 2160 variant's encode is
 * ~70% of a photo's CPU; effort 2 halves it for ~3–4% more bytes, research/thumb-probe.md §3b).
 */
export const VARIANT_METHOD = 2;
export function engineOutputs(settings: Settings): OutputSpec[] {
  return [
    ...settings.thumbnailSizes.map((size) => ({ name: thumbnailOutput(size), long: size, short: size })),
    ...settings.variantSizes.map((v) => ({ name: variantOutput(v.name), long: Math.max(v.width, v.height), short: Math.min(v.width, v.height), method: VARIANT_METHOD })),
  ];
}

/** Why the engine hands a photo to the binding, before reading it; null when the engine takes it. */
export function engineSkips(photo: PipelinePhoto): string | null {
  if (!ENGINE_FORMATS.has(photo.mime)) return 'format';
  if (photo.bytes > ENGINE_MAX_INPUT_BYTES) return 'input_size';
  return null;
}

export type Fallback = (reason: string, detail: string) => void;

/**
 * Opens the engine on `bytes` and keeps it open until `released` settles. Resolves with the session, or
 * null when the binding must develop the photo (reported through `fallback`).
 */
export function openEngine(
  photo: PipelinePhoto, settings: Settings, bytes: Promise<Uint8Array>, released: Promise<void>, fallback: Fallback,
  run: SessionRunner = withSession,
): Promise<DevelopSession | null> {
  return new Promise((resolve, reject) => {
    bytes
      .then((input) =>
        run(input, { outputs: engineOutputs(settings), maxPixels: Math.floor(settings.maxMegapixels * 1_000_000) }, async (session) => {
          resolve(session);
          await released;
        }),
      )
      .catch((err) => {
        // Bad input is a PermanentError already (CodecInputError, with the decoder's words); memory pressure
        // (no_memory) and internal errors stay plain errors, which the run retries on a fresh instance.
        if (!(err instanceof CodecError) || (err.kind !== 'unsupported' && err.kind !== 'over_budget')) return reject(err);
        const refused = imagesRefusal(photo.mime, photo.width, photo.height);
        if (refused) {
          // Neither engine takes it (a TIFF/AVIF over budget, a grid AVIF): counted too, as refused_<why>.
          fallback(`refused_${err.kind}`, err.message);
          return reject(new PermanentError(`The image cannot be developed: ${err.message}; ${refused}.`));
        }
        fallback(err.kind, err.message);
        resolve(null);
      });
  });
}
