// In-browser analysis: jobs leased to analysis tabs, and the results they post back.
import type { FaceIdentity } from './people';

export const ANALYSIS_STAGE = 'analysis';

export interface ModelRef {
  id: string;
  version?: string;
}

export interface DeviceInfo {
  backend: 'webgpu' | 'wasm';
  threads?: number;
  adapter?: string;
  userAgent?: string;
}

export interface ClaimRequest {
  max: number;
  device: DeviceInfo;
}

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

export interface Face {
  /** [x, y, width, height], normalised to 0–1 of the image. */
  box: [number, number, number, number];
  score: number;
  landmarks?: Array<[number, number]>;
  embedding?: number[];
}

export interface AnalysisSubmission {
  lease: string;
  models: { caption?: ModelRef; embedding: ModelRef; faces?: ModelRef; faceEmbedding?: ModelRef };
  caption?: string;
  embedding: { dims: number; values: number[] };
  tags?: Array<{ label: string; score: number }>;
  faces?: Face[];
  device: DeviceInfo;
  timings?: Record<string, number>;
}

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
