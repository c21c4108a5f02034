// /api/settings — read and replace (or partly update) the library's processing and analysis settings.
import { Hono } from 'hono';
import { SettingsPatchSchema, type SettingsResponse } from '../contract/settings';
import { reanalyseOtherModels } from '../analysis/model-change';
import { modelKey } from '../contract/analysis-models';
import { getSettings, putSettings } from '../db/settings';
import type { AppEnv } from '../env';
import { validate } from '../validate';

export const settings = new Hono<AppEnv>()
  .get('/', async (c) => c.json({ settings: await getSettings(c.env.DB, c.var.libraryId, c.env) } satisfies SettingsResponse))
  .put('/', validate('json', SettingsPatchSchema), async (c) => {
    // A PUT may carry every field or only those to change (analysis and videos too); the result is always complete.
    const before = await getSettings(c.env.DB, c.var.libraryId, c.env);
    const patch = c.req.valid('json');
    const next = { ...before, ...patch, analysis: { ...before.analysis, ...patch.analysis }, videos: { ...before.videos, ...patch.videos } };
    await putSettings(c.env.DB, c.var.libraryId, next);
    const [was, now] = [before.analysis.embedding, next.analysis.embedding];
    if (modelKey(was) !== modelKey(now) || was.dims !== now.dims) {
      await reanalyseOtherModels(c.env.DB, c.var.libraryId, modelKey(now), Date.now());
    }
    return c.json({ settings: next } satisfies SettingsResponse);
  });
