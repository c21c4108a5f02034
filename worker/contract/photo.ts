// Wire types for photos: valibot schemas, the TypeScript types inferred from them. The web app imports these;
// never rename a field (external checks depend on them).

import * as v from 'valibot';
import type { PhotoAnalysis } from './analysis';

/** Pipeline stages in the order they run. Declared once; everything else derives from it. A photo runs
 * only the stages it has rows for: an image IMAGE_STAGES, a video VIDEO_STAGES, then POSTER_STAGES once
 * a browser has sent its poster (`PUT /api/photos/:id/poster`). */
export const STAGES = ['video', 'exif', 'thumbnails', 'variants'] as const;
/** Edge stages, plus `analysis`, which browsers run on leased jobs once the variants exist. */
export type EdgeStage = (typeof STAGES)[number];
export const IMAGE_STAGES = ['exif', 'thumbnails', 'variants'] as const satisfies readonly EdgeStage[];
export const VIDEO_STAGES = ['video'] as const satisfies readonly EdgeStage[];
/** What a video's poster goes through: the same thumbnails (with ThumbHash) and variants as a photo. */
export const POSTER_STAGES = ['thumbnails', 'variants'] as const satisfies readonly EdgeStage[];
/** Every stage a photo shows, in pipeline order: the edge stages, then the browser's analysis. */
export const ALL_STAGES = [...STAGES, 'analysis'] as const;
export type StageName = (typeof ALL_STAGES)[number];

/** Every photo status, in the order a photo moves through them (the dashboard's counts). */
export const PHOTO_STATUSES = ['pending', 'processing', 'completed', 'failed'] as const;
export type PhotoStatus = (typeof PHOTO_STATUSES)[number];
const STAGE_STATUSES = ['pending', 'running', 'completed', 'failed', 'skipped'] as const;
export type StageStatus = (typeof STAGE_STATUSES)[number];
const PHOTO_KINDS = ['image', 'video'] as const;
export type PhotoKind = (typeof PHOTO_KINDS)[number];

const StageStateSchema = v.object({
  status: v.picklist(STAGE_STATUSES),
  attempts: v.number(),
  ms: v.optional(v.number()),
  error: v.optional(v.string()),
});
export type StageState = v.InferOutput<typeof StageStateSchema>;

const Text = v.nullable(v.string());
const Num = v.nullable(v.number());

/** Full metadata from the exif stage. Text fields are data: JSON-escaped on the wire, rendered as text. */
const ExifSchema = v.object({
  make: Text,
  model: Text,
  lens: Text,
  iso: Num,
  fNumber: Num,
  /** Seconds (1/250 s is 0.004). */
  exposureTime: Num,
  /** Millimetres. */
  focalLength: Num,
  /** 1–8; 1 when absent or invalid. */
  orientation: v.number(),
  /** ISO 8601 local time, with its offset when the file records one. */
  takenAt: Text,
  /** "+02:00" when recorded. */
  offset: Text,
  gps: v.nullable(v.object({ latitude: v.number(), longitude: v.number(), altitude: Num })),
  software: Text,
  title: Text,
  description: Text,
  keywords: v.array(v.string()),
});
export type Exif = v.InferOutput<typeof ExifSchema>;

/** Quick metadata read from the file's head at upload; the exif stage replaces it with the full set. */
const QuickExifSchema = v.object({
  make: Text,
  model: Text,
  /** ISO 8601; carries the offset when the file records one. */
  takenAt: Text,
  orientation: v.optional(v.number()),
});
export type QuickExif = v.InferOutput<typeof QuickExifSchema>;

/** What the video stage reads from the container (`kind: 'video'` only). */
const VideoInfoSchema = v.object({
  durationMs: v.number(),
  /** Sample entry fourcc of the video track: avc1, hvc1, hev1, av01, vp09… */
  codec: Text,
  /** Frames per second (29.97 for NTSC), null when the track has no timing. */
  fps: Num,
  /** The file has an audio track. */
  audio: v.boolean(),
});
export type VideoInfo = v.InferOutput<typeof VideoInfoSchema>;

/** A photo id: 21 characters of [0-9a-z], sortable by creation time. */
export const PHOTO_ID_PATTERN = /^[0-9a-z]{21}$/;

/**
 * A photo on the wire: the one list of its fields, in the order the API writes them. db/photo-json.ts maps
 * D1's columns to it (checked against this type) and photo-json.test.ts checks real answers against it.
 */
export const PhotoSchema = v.object({
  id: v.string(),
  filename: v.string(),
  sha256: v.string(),
  mime: v.string(),
  kind: v.picklist(PHOTO_KINDS),
  bytes: v.number(),
  width: Num,
  height: Num,
  status: v.picklist(PHOTO_STATUSES),
  stages: v.record(v.picklist(ALL_STAGES), v.optional(StageStateSchema)),
  /** Quick fields at upload; the exif stage adds the full set. */
  exif: v.nullable(v.object({ ...v.partial(ExifSchema).entries, ...QuickExifSchema.entries })),
  error: Text,
  /** Failed photos only. false: the file itself is bad (corrupt, unsupported), so a retry cannot help. */
  retryable: v.optional(v.boolean()),
  createdAt: v.string(),
  updatedAt: v.string(),
  /** ThumbHash (base64) of the photo, for a placeholder before any thumbnail has loaded. */
  placeholder: Text,
  /** Longest side → signed URL, WebP. Empty until the thumbnails stage completes. */
  thumbnails: v.record(v.string(), v.string()),
  /** Variant name → signed URL, WebP. Empty until the variants stage completes. */
  variants: v.record(v.string(), v.string()),
  /** Results of the in-browser analysis; null until an analysis tab has posted them (shape: contract/analysis.ts). */
  analysis: v.nullable(v.custom<PhotoAnalysis>((x) => typeof x === 'object' && x !== null, 'must be an object')),
  /** Videos, once the video stage ran; null for images. Thumbnails and variants of a video are its poster's. */
  video: v.nullable(VideoInfoSchema),
  /** Present only on a photo made from another one (an export saved back): that photo's id. */
  derivedFrom: v.optional(v.string()),
  /** Signed URL of the original bytes (for downloads and links; same headers as /original). Added last, when presented. */
  original: v.optional(v.string()),
});
export type Photo = v.InferOutput<typeof PhotoSchema>;
