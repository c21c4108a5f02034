// /api/analysis — jobs for the browsers that run the AI models. A tab claims a few photos (a lease),
// analyses their display variant on its own device, heartbeats long jobs and posts results back. An
// expired lease returns the job to the pool, so a closed tab loses nothing.
import { Hono } from 'hono';
import * as v from 'valibot';
import type { AnalysisJob, AnalysisSubmission, ClaimResponse } from '../contract/analysis';
import { claimJobs, completeAnalysis, extendLease, failAnalysis, knownDims, stageEvents } from '../db/analysis';
import { getPhoto } from '../db/photos';
import type { AppEnv } from '../env';
import { AppError } from '../errors';
import { publish } from '../feed/publish';
import { assignFaces } from '../people/assign';
import { isPhotoId } from '../ids';
import { signedUrl } from '../media/sign';
import { variantFile } from '../pipeline/variants';
import { validate } from '../validate';

/** How long a claim holds a job without a heartbeat (ANALYSIS_LEASE_SECONDS overrides; tests shorten it). */
const leaseMs = (env: { ANALYSIS_LEASE_SECONDS?: string }) => (Number(env.ANALYSIS_LEASE_SECONDS) > 0 ? Number(env.ANALYSIS_LEASE_SECONDS) * 1000 : 3 * 60_000);

const Device = v.object({
  backend: v.picklist(['webgpu', 'wasm']),
  threads: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(256))),
  adapter: v.optional(v.pipe(v.string(), v.maxLength(200))),
  userAgent: v.optional(v.pipe(v.string(), v.maxLength(500))),
});
const Model = v.object({ id: v.pipe(v.string(), v.minLength(1), v.maxLength(200)), version: v.optional(v.pipe(v.string(), v.maxLength(100))) });
const Lease = v.pipe(v.string(), v.minLength(1), v.maxLength(100));
const Finite = v.pipe(v.number(), v.finite());
const Unit = v.pipe(Finite, v.minValue(0), v.maxValue(1));

const Claim = v.object({ max: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(32)), device: Device });

// Structure here; the rules that earn their own error code (lengths, ranges) are checked below.
const Submission = v.object({
  lease: Lease,
  models: v.object({ caption: v.optional(Model), embedding: Model, faces: v.optional(Model), faceEmbedding: v.optional(Model) }),
  caption: v.optional(v.string()),
  embedding: v.object({ dims: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(4096)), values: v.array(v.number()) }),
  tags: v.optional(v.pipe(v.array(v.object({ label: v.pipe(v.string(), v.minLength(1), v.maxLength(64)), score: Unit })), v.maxLength(64))),
  faces: v.optional(v.pipe(v.array(v.object({
    box: v.tuple([v.number(), v.number(), v.number(), v.number()]),
    score: Unit,
    landmarks: v.optional(v.pipe(v.array(v.tuple([v.number(), v.number()])), v.maxLength(32))),
    embedding: v.optional(v.pipe(v.array(v.number()), v.maxLength(2048))),
  })), v.maxLength(100))),
  device: Device,
  timings: v.optional(v.record(v.pipe(v.string(), v.maxLength(40)), v.pipe(Finite, v.minValue(0)))),
});

const MAX_CAPTION = 500;

function check(s: AnalysisSubmission) {
  if (s.caption !== undefined && s.caption.length > MAX_CAPTION) {
    throw new AppError('text_too_long', `The caption is ${s.caption.length} characters; the limit is ${MAX_CAPTION}.`);
  }
  if (s.embedding.values.length !== s.embedding.dims) {
    throw new AppError('invalid_embedding', `The embedding has ${s.embedding.values.length} values but declares ${s.embedding.dims}.`);
  }
  if (!s.embedding.values.every(Number.isFinite)) throw new AppError('invalid_embedding', 'The embedding contains a value that is not a finite number.');
  for (const [i, f] of (s.faces ?? []).entries()) {
    const [x, y, w, h] = f.box;
    const inside = f.box.every((n) => Number.isFinite(n) && n >= 0 && n <= 1) && w > 0 && h > 0 && x + w <= 1.0001 && y + h <= 1.0001;
    if (!inside) throw new AppError('invalid_box', `Face ${i + 1}: the box must be [x, y, w, h] within 0–1 of the image.`);
    if (f.landmarks?.some((p) => !p.every((n) => Number.isFinite(n) && n >= 0 && n <= 1))) {
      throw new AppError('invalid_box', `Face ${i + 1}: landmarks must lie within 0–1 of the image.`);
    }
    if (f.embedding && !f.embedding.every(Number.isFinite)) throw new AppError('invalid_embedding', `Face ${i + 1}: the embedding has a non-finite value.`);
  }
}

const modelKey = (m: { id: string; version?: string }) => (m.version ? `${m.id}@${m.version}` : m.id);

function photoIdParam(id: string) {
  if (!isPhotoId(id)) throw new AppError('not_found', 'No such photo.');
  return id;
}

export const analysis = new Hono<AppEnv>()
  .post('/claim', validate('json', Claim), async (c) => {
    const { max, device } = c.req.valid('json');
    const lib = c.var.libraryId;
    const now = Date.now();
    const lease = crypto.randomUUID();
    const ids = await claimJobs(c.env.DB, lib, max, device, lease, leaseMs(c.env), now);
    if (ids.length) c.executionCtx.waitUntil(publish(c.env, lib, await stageEvents(c.env.DB, lib, ids, now)));
    const jobs: AnalysisJob[] = [];
    for (const photoId of ids) {
      const photo = await getPhoto(c.env.DB, lib, photoId);
      if (!photo) continue; // deleted in between
      // The smaller display variant is plenty for 224–768 px models and cheap to fetch.
      const names = Object.keys(photo.variants);
      const name = names.includes('1080') ? '1080' : names[0];
      jobs.push({ photoId, lease, imageUrl: await signedUrl(c.env, lib, photoId, variantFile(name)), expiresAt: new Date(now + leaseMs(c.env)).toISOString() });
    }
    return c.json({ jobs } satisfies ClaimResponse);
  })

  .post('/:photoId/heartbeat', validate('json', v.object({ lease: Lease })), async (c) => {
    const photoId = photoIdParam(c.req.param('photoId'));
    const expiresAt = Date.now() + leaseMs(c.env);
    if (!(await extendLease(c.env.DB, c.var.libraryId, photoId, c.req.valid('json').lease, expiresAt, Date.now()))) {
      throw new AppError('lease_conflict', 'This job is no longer leased to you (it expired, or another tab has it).');
    }
    return c.json({ expiresAt: new Date(expiresAt).toISOString() });
  })

  .post('/:photoId/fail', validate('json', v.object({ lease: Lease, error: v.pipe(v.string(), v.maxLength(MAX_CAPTION)) })), async (c) => {
    const photoId = photoIdParam(c.req.param('photoId'));
    const { lease, error } = c.req.valid('json');
    const events = await failAnalysis(c.env.DB, c.var.libraryId, photoId, lease, error || 'Analysis failed in the browser.', Date.now());
    if (!events) throw new AppError('lease_conflict', 'This job is no longer leased to you.');
    c.executionCtx.waitUntil(publish(c.env, c.var.libraryId, events));
    return c.body(null, 204);
  })

  .post('/:photoId', validate('json', Submission), async (c) => {
    const photoId = photoIdParam(c.req.param('photoId'));
    const submission = c.req.valid('json') as AnalysisSubmission;
    check(submission);
    const model = modelKey(submission.models.embedding);
    const dims = await knownDims(c.env.DB, c.var.libraryId, model);
    if (dims !== null && dims !== submission.embedding.dims) {
      throw new AppError('invalid_embedding', `${model} embeddings in this library have ${dims} dimensions, not ${submission.embedding.dims}.`);
    }
    const events = await completeAnalysis(c.env.DB, c.var.libraryId, photoId, submission, model, Date.now());
    if (!events) throw new AppError('lease_conflict', 'This job is no longer leased to you (it expired, or another tab has it).');
    events.push(...(await assignFaces(c.env, c.var.libraryId, photoId, submission)));
    c.executionCtx.waitUntil(publish(c.env, c.var.libraryId, events));
    return c.json({ ok: true });
  });
