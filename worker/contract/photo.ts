// Wire types for photos. The web app imports these; never rename a field (external checks depend on them).

/** Pipeline stages in the order they run. Declared once; everything else derives from it. */
export const STAGES = ['exif', 'thumbnails', 'variants'] as const;
export type StageName = (typeof STAGES)[number];

export type PhotoStatus = 'pending' | 'processing' | 'completed' | 'failed';
export type StageStatus = 'pending' | 'running' | 'completed' | 'failed' | 'skipped';
export type PhotoKind = 'image' | 'video';

export interface StageState {
  status: StageStatus;
  attempts: number;
  ms?: number;
  error?: string;
}

/** Quick metadata read from the file's head at upload; the exif stage replaces it with the full set. */
export type QuickExif = {
  make: string | null;
  model: string | null;
  /** ISO 8601; carries the offset when the file records one. */
  takenAt: string | null;
  orientation?: number;
};

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
  exif: (QuickExif & { [field: string]: unknown }) | null;
  error: string | null;
  createdAt: string;
  updatedAt: string;
}
