// In-browser analysis: jobs leased to analysis tabs, and the results they post back. The request shapes
// are valibot schemas (the worker validates with them); their TypeScript types are inferred from them.
import * as v from 'valibot';
import type { FaceIdentity } from './people';
import type { AnalysisSettings } from './settings';

/** The longest caption, or failure message, a tab may post (characters). */
export const ANALYSIS_TEXT_MAX = 500;
/** The longest detailed description or OCR text a tab may post (characters). */
export const ANALYSIS_LONG_TEXT_MAX = 4000;
/** Most timing keys in one result: enough for every step of every model, too few to fill storage. */
export const TIMINGS_MAX = 32;
/** Largest result body (bytes): 100 faces with 128-d embeddings and a 768-d embedding fit with room to spare. */
export const ANALYSIS_BODY_MAX = 256 * 1024;

const ModelRefSchema = v.object({
  id: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
  version: v.optional(v.pipe(v.string(), v.maxLength(100))),
});
export type ModelRef = v.InferOutput<typeof ModelRefSchema>;

const DeviceInfoSchema = v.object({
  backend: v.picklist(['webgpu', 'wasm']),
  threads: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(256))),
  adapter: v.optional(v.pipe(v.string(), v.maxLength(200))),
  userAgent: v.optional(v.pipe(v.string(), v.maxLength(500))),
});
export type DeviceInfo = v.InferOutput<typeof DeviceInfoSchema>;

const Lease = v.pipe(v.string(), v.minLength(1), v.maxLength(100));
const Finite = v.pipe(v.number(), v.finite());
const Unit = v.pipe(Finite, v.minValue(0), v.maxValue(1));

/** POST /api/analysis/claim */
export const ClaimRequestSchema = v.object({
  max: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(32)),
  device: DeviceInfoSchema,
  /**
   * A random id the tab keeps for its lifetime (sessionStorage). Leases are capped per client — the token
   * plus this id, or the whole library when absent — so one tab cannot hoard the queue.
   */
  clientId: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1–64 letters, digits, _ or -'))),
});

/** POST /api/analysis/:photoId/heartbeat */
export const HeartbeatRequestSchema = v.object({ lease: Lease });

/** POST /api/analysis/:photoId/fail */
export const FailRequestSchema = v.object({ lease: Lease, error: v.pipe(v.string(), v.maxLength(ANALYSIS_TEXT_MAX)) });

export interface AnalysisJob {
  photoId: string;
  lease: string;
  /** A signed display variant: analysis never reads the original (except to make a video's poster, below). */
  imageUrl: string;
  expiresAt: string;
  /**
   * A video without a poster: `imageUrl` is the signed original. Make its poster (about 1 s in) and PUT it to
   * /api/photos/:id/poster; that ends this lease, and the job comes back on the poster's variant.
   */
  makePoster?: true;
}

export interface ClaimResponse {
  jobs: AnalysisJob[];
  /** The library's model set (settings.analysis): every tab analyses with these, or its results are refused. */
  models: AnalysisSettings;
}

export interface HeartbeatResponse {
  expiresAt: string;
}

const FaceSchema = v.object({
  /** [x, y, width, height], normalised to 0–1 of the image. */
  box: v.tuple([v.number(), v.number(), v.number(), v.number()]),
  score: Unit,
  landmarks: v.optional(v.pipe(v.array(v.tuple([v.number(), v.number()])), v.maxLength(32))),
  embedding: v.optional(v.pipe(v.array(v.number()), v.maxLength(2048))),
});
export type Face = v.InferOutput<typeof FaceSchema>;

/**
 * POST /api/analysis/:photoId. Structure here; the rules that earn their own error code (lengths,
 * ranges, finite numbers) are checked by the worker after validation.
 */
export const AnalysisSubmissionSchema = v.object({
  lease: Lease,
  models: v.object({ caption: v.optional(ModelRefSchema), embedding: ModelRefSchema, faces: v.optional(ModelRefSchema), faceEmbedding: v.optional(ModelRefSchema) }),
  caption: v.optional(v.string()),
  /** Florence-2 <MORE_DETAILED_CAPTION>, when the library's setting asks for it. */
  detailedDescription: v.optional(v.string()),
  /** Text read in the photo (Florence-2 <OCR>), when the library's setting asks for it. */
  ocrText: v.optional(v.string()),
  embedding: v.object({ dims: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(4096)), values: v.array(v.number()) }),
  tags: v.optional(v.pipe(v.array(v.object({ label: v.pipe(v.string(), v.minLength(1), v.maxLength(64)), score: Unit })), v.maxLength(64))),
  faces: v.optional(v.pipe(v.array(FaceSchema), v.maxLength(100))),
  device: DeviceInfoSchema,
  timings: v.optional(
    v.pipe(
      v.record(v.pipe(v.string(), v.maxLength(40)), v.pipe(Finite, v.minValue(0))),
      v.check((t) => Object.keys(t).length <= TIMINGS_MAX, `at most ${TIMINGS_MAX} timings`),
    ),
  ),
});
export type AnalysisSubmission = v.InferOutput<typeof AnalysisSubmissionSchema>;

/** `photo.analysis` in the API. Embeddings are stored compactly and not echoed back. */
export interface PhotoAnalysis {
  caption: string | null;
  detailedDescription: string | null;
  ocrText: string | null;
  tags: Array<{ label: string; score: number }>;
  faces: Array<Omit<Face, 'embedding'> & { embedding?: { dims: number } } & FaceIdentity>;
  embedding: { model: string; dims: number } | null;
  models: AnalysisSubmission['models'] | null;
  device: DeviceInfo | null;
  /** null in feed events: they carry no timings (a photo's own GET has them). */
  timings: Record<string, number> | null;
}
