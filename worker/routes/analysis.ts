// /api/analysis — jobs for the browsers that run the AI models. A tab claims a few photos (a lease),
// analyses their display variant on its own device, heartbeats long jobs and posts results back. An
// expired lease returns the job to the pool, so a closed tab loses nothing (analysis/lease.ts).
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import {
  ANALYSIS_BODY_MAX, AnalysisSubmissionSchema, ClaimRequestSchema, FailRequestSchema, HeartbeatRequestSchema,
  type ClaimResponse, type HeartbeatResponse,
} from '../contract/analysis';
import { PhotoIdParamSchema } from '../contract/http';
import { clientKey } from '../analysis/clients';
import { claim, fail, heartbeat } from '../analysis/lease';
import { submit } from '../analysis/submission';
import { getSettings } from '../db/settings';
import type { AppEnv } from '../env';
import { AppError } from '../errors';
import { enforceRate } from '../rate-limit';
import { validate } from '../validate';

// Counted while the body streams in, so a chunked body without a length is refused at the cap too.
const resultLimit = bodyLimit({
  maxSize: ANALYSIS_BODY_MAX,
  onError: () => {
    throw new AppError('too_large', `An analysis result is at most ${ANALYSIS_BODY_MAX / 1024} KB.`);
  },
});

export const analysis = new Hono<AppEnv>()
  .post('/claim', validate('json', ClaimRequestSchema), async (c) => {
    const { max, device, clientId } = c.req.valid('json');
    const settings = await getSettings(c.env.DB, c.var.libraryId, c.env);
    await enforceRate(c.env.DB, c.var.libraryId, 'analysis.claim', settings.analysisClaimsPerMinute);
    const client = await clientKey(c.req.header('Authorization'), clientId);
    const { jobs, events } = await claim(c.env, c.var.libraryId, max, device, client, Date.now());
    const models = settings.analysis;
    c.var.publish(events);
    return c.json({ jobs, models } satisfies ClaimResponse);
  })

  .post('/:id/heartbeat', validate('param', PhotoIdParamSchema, 'No such photo.'), validate('json', HeartbeatRequestSchema), async (c) => {
    const expiresAt = await heartbeat(c.env, c.var.libraryId, c.req.valid('param').id, c.req.valid('json').lease, Date.now());
    return c.json({ expiresAt: expiresAt.toISOString() } satisfies HeartbeatResponse);
  })

  .post('/:id/fail', validate('param', PhotoIdParamSchema, 'No such photo.'), validate('json', FailRequestSchema), async (c) => {
    const { lease, error } = c.req.valid('json');
    c.var.publish(await fail(c.env, c.var.libraryId, c.req.valid('param').id, lease, error, Date.now()));
    return c.body(null, 204);
  })

  .post('/:id', resultLimit, validate('param', PhotoIdParamSchema, 'No such photo.'), validate('json', AnalysisSubmissionSchema), async (c) => {
    c.var.publish(await submit(c.env, c.var.libraryId, c.req.valid('param').id, c.req.valid('json'), Date.now()));
    return c.json({ ok: true });
  });
