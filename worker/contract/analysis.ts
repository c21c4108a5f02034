// In-browser analysis: jobs leased to analysis tabs, and the results they post back. The request shapes
// are valibot schemas (the worker validates with them); their TypeScript types are inferred from them.
import * as v from 'valibot';
import type { FaceIdentity } from './people';

/** The longest caption, or failure message, a tab may post (characters). */
export const ANALYSIS_TEXT_MAX = 500;

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
export const ClaimRequestSchema = v.object({ max: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(32)), device: DeviceInfoSchema });

/** POST /api/analysis/:photoId/heartbeat */
export const HeartbeatRequestSchema = v.object({ lease: Lease });

/** POST /api/analysis/:photoId/fail */
export const FailRequestSchema = v.object({ lease: Lease, error: v.pipe(v.string(), v.maxLength(ANALYSIS_TEXT_MAX)) });

export interface AnalysisJob {
  photoId: string;
  lease: string;
  /** A signed display variant: analysis never reads the original. */
  imageUrl: string;
  expiresAt: string;
}

export interface ClaimResponse {
  jobs: AnalysisJob[];
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
  embedding: v.object({ dims: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(4096)), values: v.array(v.number()) }),
  tags: v.optional(v.pipe(v.array(v.object({ label: v.pipe(v.string(), v.minLength(1), v.maxLength(64)), score: Unit })), v.maxLength(64))),
  faces: v.optional(v.pipe(v.array(FaceSchema), v.maxLength(100))),
  device: DeviceInfoSchema,
  timings: v.optional(v.record(v.pipe(v.string(), v.maxLength(40)), v.pipe(Finite, v.minValue(0)))),
});
export type AnalysisSubmission = v.InferOutput<typeof AnalysisSubmissionSchema>;

/** `photo.analysis` in the API. Embeddings are stored compactly and not echoed back. */
export interface PhotoAnalysis {
  caption: string | null;
  tags: Array<{ label: string; score: number }>;
  faces: Array<Omit<Face, 'embedding'> & { embedding?: { dims: number } } & FaceIdentity>;
  embedding: { model: string; dims: number } | null;
  models: AnalysisSubmission['models'] | null;
  device: DeviceInfo | null;
  timings: Record<string, number> | null;
}
