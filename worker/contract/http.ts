// HTTP bodies of the API. One shape per answer; errors share one envelope. Request shapes are valibot
// schemas (the worker validates with them); their TypeScript types are inferred from them.
import * as v from 'valibot';
import { PHOTO_ID_PATTERN, PHOTO_STATUSES, type Photo } from './photo';

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
  | 'corrupt_video'
  | 'not_a_video'
  | 'conflict'
  | 'lease_conflict'
  | 'model_mismatch'
  | 'invalid_embedding'
  | 'invalid_vector'
  | 'vector_model_mismatch'
  | 'invalid_box'
  | 'text_too_long'
  | 'rate_limited'
  | 'too_many_uploads'
  | 'too_many_connections'
  | 'not_configured'
  | 'internal';

export interface ErrorBody {
  error: { code: ErrorCode; message: string; requestId?: string };
}

/** PUT /api/photos → 201 for a new photo, 200 with `duplicate: true` when the library already has the bytes. */
export interface UploadResponse {
  photo: Photo;
  duplicate?: true;
}

/**
 * POST /api/photos (multipart): one result per `file` field, in order. Optional `sha256` fields, one
 * per file in the same order, let the files be stored together and known ones skip storage; a file
 * over the library's rate limit carries `retryAfter` (seconds), like the Retry-After of a PUT.
 */
export interface MultipartUploadResponse {
  results: Array<{
    filename: string;
    photo?: Photo;
    duplicate?: true;
    error?: { code: ErrorCode; message: string; retryAfter?: number };
  }>;
}

/** A hex SHA-256, any case on input, lowercase after parsing. */
export const Sha256Schema = v.pipe(v.string(), v.toLowerCase(), v.regex(/^[0-9a-f]{64}$/, 'must be a hex SHA-256'));

const PhotoIdSchema = v.pipe(v.string(), v.regex(PHOTO_ID_PATTERN, 'is not a photo id'));

/** Path parameters of /api/photos/:id/… */
export const PhotoIdParamSchema = v.object({ id: PhotoIdSchema });

/** Path parameters of a signed media URL, /api/media/:library/:photo/:file (the file name: storage/keys.ts). */
export const MediaParamSchema = v.object({ library: v.pipe(v.string(), v.minLength(1)), photo: PhotoIdSchema, file: v.string() });

/** POST /api/photos/check */
export const CheckRequestSchema = v.object({
  sha256: v.pipe(v.array(Sha256Schema), v.maxLength(1000, 'at most 1000 hashes per request')),
});

/** PUT /api/photos?filename=…&sha256=… (the hash may come as X-Content-SHA256 instead). */
export const PutQuerySchema = v.object({
  filename: v.optional(v.pipe(v.string(), v.maxLength(1024)), ''),
  sha256: v.optional(Sha256Schema),
  /** The photo of this library the upload was made from (an export saved back); recorded as `derivedFrom`. */
  derivedFrom: v.optional(v.pipe(v.string(), v.regex(PHOTO_ID_PATTERN, 'is not a photo id'))),
});

/** A timeline cursor: the last photo's sort key (its taken time, else its upload time) and id. */
export const TAKEN_CURSOR_PATTERN = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})~([0-9a-z]{21})$/;
/** A day or a month of the timeline: `at` starts a page there. */
const TIMELINE_DATE_PATTERN = /^\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?$/;

/**
 * GET /api/photos. `order=upload` (the default) is newest upload first, cursor a photo id;
 * `order=taken` is the timeline (date taken, else upload date), cursor `<sort key>~<id>`, and `at`
 * (a day or a month, without a cursor) starts at that day's or month's newest photo.
 */
export const ListQuerySchema = v.pipe(
  v.object({
    status: v.optional(v.picklist(PHOTO_STATUSES)),
    order: v.optional(v.picklist(['upload', 'taken']), 'upload'),
    cursor: v.optional(v.string()),
    at: v.optional(v.pipe(v.string(), v.regex(TIMELINE_DATE_PATTERN, 'is not a day (YYYY-MM-DD) or a month (YYYY-MM)'))),
    limit: v.optional(v.pipe(v.string(), v.transform(Number), v.integer(), v.minValue(1), v.maxValue(200)), '50'),
  }),
  v.forward(
    v.check((q) => q.cursor === undefined || (q.order === 'taken' ? TAKEN_CURSOR_PATTERN : PHOTO_ID_PATTERN).test(q.cursor), 'is not a photo cursor'),
    ['cursor'],
  ),
  v.forward(v.check((q) => q.at === undefined || (q.order === 'taken' && q.cursor === undefined), 'needs order=taken and no cursor'), ['at']),
);

/** GET /api/photos/timeline: photos per day, newest first, grouped by month. */
export interface TimelineResponse {
  months: Array<{ month: string; count: number; days: Array<{ day: string; count: number }> }>;
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
