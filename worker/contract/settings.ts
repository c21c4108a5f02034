// Per-library settings (GET/PUT /api/settings). Missing values take these defaults. The document is a
// valibot schema (the worker validates a PUT with it); the TypeScript types are inferred from it.
import * as v from 'valibot';
import { DEFAULT_MODELS, knownDims } from './analysis-models';
import { DEFAULT_TAG_VOCABULARY } from './tag-vocabulary';

const Size = v.pipe(v.number(), v.integer(), v.minValue(16), v.maxValue(8192));

const VariantSizeSchema = v.strictObject({
  /** Key in `photo.variants` and part of the file name. */
  name: v.pipe(v.string(), v.regex(/^[a-z0-9-]{1,32}$/, 'must be a short lowercase name')),
  /** Fit inside width × height, either way round (a landscape photo fits height × width); never upscaled. */
  width: Size,
  height: Size,
});
export type VariantSize = v.InferOutput<typeof VariantSizeSchema>;

/** Longest tag label, and most labels: each label costs a text embedding in every analysis tab. */
export const TAG_LABEL_MAX = 64;
export const TAGS_MAX = 1000;

const modelRef = {
  /** A hub repository ("owner/name"), or a folder under /models/ when self-hosted. */
  id: v.pipe(v.string(), v.regex(/^[A-Za-z0-9][\w.-]{0,99}(\/[\w.-]{1,100}){0,3}$/, 'must be a model id like owner/name')),
  /** The revision ("main" on the hub); part of the embedding's key. A self-hosted folder may have none. */
  version: v.optional(v.pipe(v.string(), v.regex(/^[\w.-]{1,100}$/, 'must be a revision name'))),
};
const ModelRefSchema = v.strictObject(modelRef);
const Dims = v.pipe(v.number(), v.integer(), v.minValue(2), v.maxValue(4096));
/** An embedder and its output size; for a model darkroom lists, the size must be the model's own. */
const embedder = (role: 'embedding' | 'faceEmbedding') =>
  v.pipe(
    v.strictObject({ ...modelRef, dims: Dims }),
    v.check((m) => knownDims(role, m.id) === null || knownDims(role, m.id) === m.dims, 'dims is not this model\'s output size'),
  );

const AnalysisSettingsSchema = v.strictObject({
  /** Where browsers fetch model files: the Hugging Face hub, or this server's /models/ (npm run models:import). */
  modelHost: v.picklist(['huggingface', 'self']),
  caption: ModelRefSchema,
  embedding: embedder('embedding'),
  /** The face detector. */
  faces: ModelRefSchema,
  faceEmbedding: embedder('faceEmbedding'),
  /** Also write a paragraph-long description (Florence-2 <MORE_DETAILED_CAPTION>). */
  detailedDescription: v.boolean(),
  /** Also read the text in photos (Florence-2 <OCR>). */
  ocr: v.boolean(),
  /** Zero-shot tag vocabulary. */
  tags: v.pipe(
    v.array(v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(TAG_LABEL_MAX))),
    v.maxLength(TAGS_MAX),
    v.check((a) => new Set(a.map((t) => t.toLowerCase())).size === a.length, 'tags must be distinct'),
  ),
});
export type AnalysisSettings = v.InferOutput<typeof AnalysisSettingsSchema>;

const Schedule = v.pipe(v.string(), v.regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (UTC)'));
const BatchSize = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(10_000));

/** Videos (the video stage, and a poster's thumbnails and variants) mirror the photo settings, with their own batch. */
const VideoSettingsSchema = v.strictObject({
  /** Read each video's container (and develop its poster) as soon as it arrives. Off: the scheduled batch. */
  autoProcessOnUpload: v.boolean(),
  /** Process pending videos in batches at `schedule` (UTC, "HH:MM"). */
  scheduledProcessing: v.boolean(),
  schedule: Schedule,
  /** Videos queued per scheduled batch. */
  batchSize: BatchSize,
});
export type VideoSettings = v.InferOutput<typeof VideoSettingsSchema>;

const SettingsSchema = v.strictObject({
  /** Queue each photo as soon as it is uploaded. Off: photos wait for the scheduled batch. */
  autoProcessOnUpload: v.boolean(),
  /** Process pending photos in batches at `schedule` (UTC, "HH:MM"). */
  scheduledProcessing: v.boolean(),
  schedule: Schedule,
  /** Photos queued per scheduled batch. */
  batchSize: BatchSize,
  /** The same choices for videos (photo settings above apply to images only). */
  videos: VideoSettingsSchema,
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
  /** The library's one model set: every analysis tab uses it, and results of other models are refused. */
  analysis: AnalysisSettingsSchema,
  /** New uploads (PUT, multipart files, resumable sessions) per minute; beyond it 429 with Retry-After. */
  uploadsPerMinute: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(100_000)),
  /** POST /api/analysis/claim calls per minute (every analysis tab of the library together). */
  analysisClaimsPerMinute: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(100_000)),
});
export type Settings = v.InferOutput<typeof SettingsSchema>;

/** PUT /api/settings: every field, or only those to change (`analysis` too: only the keys to change). */
export const SettingsPatchSchema = v.partial(v.strictObject({
  ...SettingsSchema.entries, analysis: v.partial(AnalysisSettingsSchema), videos: v.partial(VideoSettingsSchema),
}));
export type SettingsPatch = v.InferOutput<typeof SettingsPatchSchema>;

export const DEFAULT_ANALYSIS_SETTINGS: AnalysisSettings = {
  modelHost: 'huggingface',
  ...DEFAULT_MODELS,
  detailedDescription: true,
  ocr: true,
  tags: [...DEFAULT_TAG_VOCABULARY],
};

export const DEFAULT_SETTINGS: Settings = {
  autoProcessOnUpload: true,
  scheduledProcessing: true,
  schedule: '02:00',
  batchSize: 500,
  // The seed's own nightly batch for videos, half an hour after the photos'.
  videos: { autoProcessOnUpload: true, scheduledProcessing: true, schedule: '02:30', batchSize: 500 },
  stageTimeoutSeconds: 300,
  thumbnailSizes: [150, 300, 600],
  variantSizes: [
    { name: '1080', width: 1080, height: 1920 },
    { name: '2160', width: 2160, height: 3840 },
  ],
  maxMegapixels: 100,
  maxUploadBytes: 200 * 1024 * 1024,
  analysis: DEFAULT_ANALYSIS_SETTINGS,
  // 100 a second: a phone roll picked whole (thousands of photos of a few MB) cannot reach it even on a
  // gigabit LAN, nor can a folder of small files at the web app's 16 lanes here (~50 a second); a
  // runaway script can. (1,200 was reached by a 1,000-photo pick right after another import.) The web
  // app waits out a 429 and sends the file again, so reaching it slows an upload down, never fails it.
  uploadsPerMinute: 6000,
  // An analysis tab claims a few jobs every few seconds; this leaves room for a dozen tabs.
  analysisClaimsPerMinute: 300,
};

export interface SettingsResponse {
  settings: Settings;
}
