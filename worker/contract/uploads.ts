// Resumable uploads (files over ~100 MB): create, send parts in any order (again after a drop), complete.
import * as v from 'valibot';
import { Sha256Schema } from './http';

/** POST /api/uploads */
export const CreateUploadSchema = v.object({
  filename: v.pipe(v.string(), v.maxLength(1024)),
  size: v.pipe(v.number(), v.integer(), v.minValue(0)),
  sha256: Sha256Schema,
});

/** Path parameters of /api/uploads/:id/… An upload id is a UUID. */
export const UploadIdParamSchema = v.object({ id: v.pipe(v.string(), v.uuid()) });

/** PUT /api/uploads/:id/parts/:n — the part's range depends on the upload, so it is checked there. */
export const PartParamSchema = v.object({ ...UploadIdParamSchema.entries, n: v.pipe(v.string(), v.transform(Number)) });

export interface UploadSession {
  id: string;
  filename: string;
  size: number;
  partSize: number;
  partCount: number;
  /** Part numbers (1-based) the server already has. */
  parts: number[];
}

export interface UploadSessionResponse {
  upload: UploadSession;
}
