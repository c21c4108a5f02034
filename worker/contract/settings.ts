// Per-library settings (GET/PUT /api/settings). Missing values take these defaults. The document is a
// valibot schema (the worker validates a PUT with it); the TypeScript types are inferred from it.
import * as v from 'valibot';

const Size = v.pipe(v.number(), v.integer(), v.minValue(16), v.maxValue(8192));

const VariantSizeSchema = v.strictObject({
  /** Key in `photo.variants` and part of the file name. */
  name: v.pipe(v.string(), v.regex(/^[a-z0-9-]{1,32}$/, 'must be a short lowercase name')),
  /** Fit inside width × height, either way round (a landscape photo fits height × width); never upscaled. */
  width: Size,
  height: Size,
});
export type VariantSize = v.InferOutput<typeof VariantSizeSchema>;

const SettingsSchema = v.strictObject({
  /** Queue each photo as soon as it is uploaded. Off: photos wait for the scheduled batch. */
  autoProcessOnUpload: v.boolean(),
  /** Process pending photos in batches at `schedule` (UTC, "HH:MM"). */
  scheduledProcessing: v.boolean(),
  schedule: v.pipe(v.string(), v.regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (UTC)')),
  /** Photos queued per scheduled batch. */
  batchSize: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(10_000)),
  /** A photo pending or processing for longer than this is re-queued by the sweep. */
  stageTimeoutSeconds: v.pipe(v.number(), v.integer(), v.minValue(30), v.maxValue(86_400)),
  /** Longest side in px. */
  thumbnailSizes: v.pipe(v.array(Size), v.minLength(1), v.maxLength(6), v.check((a) => new Set(a).size === a.length, 'sizes must be distinct')),
  variantSizes: v.pipe(
    v.array(VariantSizeSchema),
    // Analysis and the gallery need at least one display variant (an empty list handed out `variant-undefined`).
    v.minLength(1),
    v.maxLength(6),
    v.check((a) => new Set(a.map((x) => x.name)).size === a.length, 'variant names must be distinct'),
  ),
  maxMegapixels: v.pipe(v.number(), v.minValue(1), v.maxValue(1000)),
  maxUploadBytes: v.pipe(v.number(), v.integer(), v.minValue(1024), v.maxValue(5 * 1024 ** 3)),
  /** New uploads (PUT, multipart files, resumable sessions) per minute; beyond it 429 with Retry-After. */
  uploadsPerMinute: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(100_000)),
  /** POST /api/analysis/claim calls per minute (every analysis tab of the library together). */
  analysisClaimsPerMinute: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(100_000)),
});
export type Settings = v.InferOutput<typeof SettingsSchema>;

/** PUT /api/settings: every field, or only those to change. */
export const SettingsPatchSchema = v.partial(SettingsSchema);

export const DEFAULT_SETTINGS: Settings = {
  autoProcessOnUpload: true,
  scheduledProcessing: true,
  schedule: '02:00',
  batchSize: 500,
  stageTimeoutSeconds: 300,
  thumbnailSizes: [150, 300, 600],
  variantSizes: [
    { name: '1080', width: 1080, height: 1920 },
    { name: '2160', width: 2160, height: 3840 },
  ],
  maxMegapixels: 100,
  maxUploadBytes: 200 * 1024 * 1024,
  // A folder of small photos at the web app's concurrency stays well under this; a runaway script does not.
  uploadsPerMinute: 1200,
  // An analysis tab claims a few jobs every few seconds; this leaves room for a dozen tabs.
  analysisClaimsPerMinute: 300,
};

export interface SettingsResponse {
  settings: Settings;
}
