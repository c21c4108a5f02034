// /api/uploads — resumable uploads for large files (upload/resumable.ts): create, send parts in any order
// (again after a drop), complete, cancel.
import { Hono } from 'hono';
import type { UploadResponse } from '../contract/http';
import { CreateUploadSchema, PartParamSchema, UploadIdParamSchema, type UploadSessionResponse } from '../contract/uploads';
import type { AppEnv } from '../env';
import { present } from '../media/present';
import { cancelUpload, completeUpload, createUpload, getSession, putPart } from '../upload/resumable';
import { getSettings } from '../db/settings';
import { enforceRate } from '../rate-limit';
import { validate } from '../validate';

const NO_UPLOAD = 'No such upload (it may have completed, been cancelled or expired).';

export const uploads = new Hono<AppEnv>()
  .post('/', validate('json', CreateUploadSchema), async (c) => {
    const { uploadsPerMinute } = await getSettings(c.env.DB, c.var.libraryId, c.env);
    await enforceRate(c.env.DB, c.var.libraryId, 'upload', uploadsPerMinute);
    const created = await createUpload(c.env, c.var.libraryId, c.req.valid('json'));
    if ('duplicate' in created) {
      return c.json({ photo: await present(c.env, c.var.libraryId, created.duplicate), duplicate: true } satisfies UploadResponse, 200);
    }
    return c.json({ upload: created.upload } satisfies UploadSessionResponse, 201);
  })

  .get('/:id', validate('param', UploadIdParamSchema, NO_UPLOAD), async (c) => {
    return c.json({ upload: await getSession(c.env, c.var.libraryId, c.req.valid('param').id) } satisfies UploadSessionResponse);
  })

  .put('/:id/parts/:n', validate('param', PartParamSchema, NO_UPLOAD), async (c) => {
    const { id, n } = c.req.valid('param');
    return c.json({ upload: await putPart(c.env, c.var.libraryId, id, n, c.req.raw) } satisfies UploadSessionResponse);
  })

  .post('/:id/complete', validate('param', UploadIdParamSchema, NO_UPLOAD), async (c) => {
    const result = await completeUpload(c.env, c.var.libraryId, c.req.valid('param').id, (w) => c.executionCtx.waitUntil(w));
    const photo = await present(c.env, c.var.libraryId, result.photo);
    return c.json((result.duplicate ? { photo, duplicate: true } : { photo }) satisfies UploadResponse, result.duplicate ? 200 : 201);
  })

  .delete('/:id', validate('param', UploadIdParamSchema, NO_UPLOAD), async (c) => {
    await cancelUpload(c.env, c.var.libraryId, c.req.valid('param').id);
    return c.body(null, 204);
  });
