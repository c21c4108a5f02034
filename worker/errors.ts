import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ErrorCode } from './contract/http';

const STATUS: Record<ErrorCode, ContentfulStatusCode> = {
  unauthorized: 401,
  not_found: 404,
  invalid_request: 400,
  empty_file: 400,
  length_required: 411,
  length_mismatch: 400,
  checksum_mismatch: 400,
  too_large: 413,
  unsupported_type: 415,
  too_many_pixels: 422,
  corrupt_image: 422,
  corrupt_video: 422,
  not_a_video: 409,
  conflict: 409,
  lease_conflict: 409,
  model_mismatch: 409,
  invalid_embedding: 400,
  invalid_vector: 400,
  vector_model_mismatch: 400,
  invalid_box: 400,
  text_too_long: 400,
  rate_limited: 429,
  too_many_uploads: 429,
  too_many_connections: 429,
  not_configured: 503,
  internal: 500,
};

/** The one error type of the API: a machine code, a human message, and the status derived from the code. */
export class AppError extends Error {
  readonly status: ContentfulStatusCode;
  /** Seconds, sent as Retry-After (rate limits). */
  readonly retryAfter?: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown; retryAfter?: number },
  ) {
    super(message, options);
    this.status = STATUS[code];
    this.retryAfter = options?.retryAfter;
  }
}

/** Thrown by a pipeline stage when the input itself is bad: retrying cannot help, so it fails at once. */
export class PermanentError extends Error {}
