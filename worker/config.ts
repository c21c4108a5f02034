// Limits with their defaults. Environment variables set them per deployment.
import type { Bindings } from './env';

export interface Limits {
  maxUploadBytes: number;
  maxMegapixels: number;
  maxMultipartBytes: number;
}

const int = (value: string | undefined, fallback: number) => {
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? n : fallback;
};

export function limits(env: Bindings): Limits {
  return {
    maxUploadBytes: int(env.MAX_UPLOAD_BYTES, 200 * 1024 * 1024),
    maxMegapixels: int(env.MAX_MEGAPIXELS, 100),
    maxMultipartBytes: int(env.MAX_MULTIPART_BYTES, 100 * 1024 * 1024),
  };
}
