// HTTP bodies of the API. One shape per answer; errors share one envelope.
import type { Photo } from './photo';

export type ErrorCode =
  | 'unauthorized'
  | 'not_found'
  | 'invalid_request'
  | 'empty_file'
  | 'length_required'
  | 'length_mismatch'
  | 'checksum_mismatch'
  | 'too_large'
  | 'unsupported_type'
  | 'too_many_pixels'
  | 'corrupt_image'
  | 'conflict'
  | 'lease_conflict'
  | 'invalid_embedding'
  | 'invalid_vector'
  | 'vector_model_mismatch'
  | 'invalid_box'
  | 'text_too_long'
  | 'internal';

export interface ErrorBody {
  error: { code: ErrorCode; message: string; requestId?: string };
}

/** PUT /api/photos → 201 for a new photo, 200 with `duplicate: true` when the library already has the bytes. */
export interface UploadResponse {
  photo: Photo;
  duplicate?: true;
}

/** POST /api/photos (multipart): one result per `file` field, in order. */
export interface MultipartUploadResponse {
  results: Array<{
    filename: string;
    photo?: Photo;
    duplicate?: true;
    error?: { code: ErrorCode; message: string };
  }>;
}

export interface CheckRequest {
  sha256: string[];
}
export interface CheckResponse {
  existing: Record<string, string>;
}

export interface PhotoListResponse {
  photos: Photo[];
  nextCursor: string | null;
}

export interface PhotoResponse {
  photo: Photo;
}

export interface RetryFailedResponse {
  retried: number;
}
