// Deployment limits that are not per-library settings.
import type { Bindings } from './env';

/** Multipart forms are parsed in memory by workerd, so a form request has its own, smaller cap. */
export function maxMultipartBytes(env: Bindings): number {
  const n = Number(env.MAX_MULTIPART_BYTES);
  return n > 0 ? n : 32 * 1024 * 1024;
}
