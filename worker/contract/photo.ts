// Wire types for photos. The web app imports these; never rename a field (external checks depend on them).

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

export type PhotoStatus = 'pending' | 'processing' | 'completed' | 'failed';
/** Every photo status, in the order a photo moves through them (the dashboard's counts). */
export const PHOTO_STATUSES = ['pending', 'processing', 'completed', 'failed'] as const satisfies readonly PhotoStatus[];
export type StageStatus = 'pending' | 'running' | 'completed' | 'failed' | 'skipped';
export type PhotoKind = 'image' | 'video';

export interface StageState {
  status: StageStatus;
  attempts: number;
  ms?: number;
  error?: string;
}

/** Full metadata from the exif stage. Text fields are data: JSON-escaped on the wire, rendered as text. */
export interface Exif {
  make: string | null;
  model: string | null;
  lens: string | null;
  iso: number | null;
  fNumber: number | null;
  /** Seconds (1/250 s is 0.004). */
  exposureTime: number | null;
  /** Millimetres. */
  focalLength: number | null;
  /** 1–8; 1 when absent or invalid. */
  orientation: number;
  /** ISO 8601 local time, with its offset when the file records one. */
  takenAt: string | null;
  /** "+02:00" when recorded. */
  offset: string | null;
  gps: { latitude: number; longitude: number; altitude: number | null } | null;
  software: string | null;
  title: string | null;
  description: string | null;
  keywords: string[];
}

/** Quick metadata read from the file's head at upload; the exif stage replaces it with the full set. */
export type QuickExif = {
  make: string | null;
  model: string | null;
  /** ISO 8601; carries the offset when the file records one. */
  takenAt: string | null;
  orientation?: number;
};

/** What the video stage reads from the container (`kind: 'video'` only). */
export interface VideoInfo {
  durationMs: number;
  /** Sample entry fourcc of the video track: avc1, hvc1, hev1, av01, vp09… */
  codec: string | null;
  /** Frames per second (29.97 for NTSC), null when the track has no timing. */
  fps: number | null;
  /** The file has an audio track. */
  audio: boolean;
}

/** A photo id: 21 characters of [0-9a-z], sortable by creation time. */
export const PHOTO_ID_PATTERN = /^[0-9a-z]{21}$/;

export interface Photo {
  id: string;
  filename: string;
  sha256: string;
  mime: string;
  kind: PhotoKind;
  bytes: number;
  width: number | null;
  height: number | null;
  status: PhotoStatus;
  stages: Partial<Record<StageName, StageState>>;
  /** Quick fields at upload; the exif stage adds the full set. */
  exif: (QuickExif & Partial<Exif>) | null;
  error: string | null;
  /** Failed photos only. false: the file itself is bad (corrupt, unsupported), so a retry cannot help. */
  retryable?: boolean;
  createdAt: string;
  updatedAt: string;
  /** ThumbHash (base64) of the photo, for a placeholder before any thumbnail has loaded. */
  placeholder: string | null;
  /** Longest side → signed URL, WebP. Empty until the thumbnails stage completes. */
  thumbnails: Record<string, string>;
  /** Variant name → signed URL, WebP. Empty until the variants stage completes. */
  variants: Record<string, string>;
  /** Signed URL of the original bytes (for downloads and links; same headers as /original). */
  original?: string;
  /** Results of the in-browser analysis; null until an analysis tab has posted them. */
  analysis: PhotoAnalysis | null;
  /** Videos, once the video stage ran; null for images. Thumbnails and variants of a video are its poster's. */
  video: VideoInfo | null;
  /** Present only on a photo made from another one (an export saved back): that photo's id. */
  derivedFrom?: string;
}
