// Per-library settings (GET/PUT /api/settings). Missing values take these defaults.

export interface VariantSize {
  /** Key in `photo.variants` and part of the file name. */
  name: string;
  /** Fit inside width × height, either way round (a landscape photo fits height × width); never upscaled. */
  width: number;
  height: number;
}

export interface Settings {
  /** Queue each photo as soon as it is uploaded. Off: photos wait for the scheduled batch. */
  autoProcessOnUpload: boolean;
  /** Process pending photos in batches at `schedule` (UTC, "HH:MM"). */
  scheduledProcessing: boolean;
  schedule: string;
  /** Photos queued per scheduled batch. */
  batchSize: number;
  /** A photo pending or processing for longer than this is re-queued by the sweep. */
  stageTimeoutSeconds: number;
  /** Longest side in px. */
  thumbnailSizes: number[];
  variantSizes: VariantSize[];
  maxMegapixels: number;
  maxUploadBytes: number;
}

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
};

export interface SettingsResponse {
  settings: Settings;
}
