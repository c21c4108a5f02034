// /api/settings — read and replace (or partly update) the library's processing settings.
import { Hono } from 'hono';
import { SettingsPatchSchema, type SettingsResponse } from '../contract/settings';
import { getSettings, putSettings } from '../db/settings';
import type { AppEnv } from '../env';
import { validate } from '../validate';

export const settings = new Hono<AppEnv>()
  .get('/', async (c) => c.json({ settings: await getSettings(c.env.DB, c.var.libraryId, c.env) } satisfies SettingsResponse))
  .put('/', validate('json', SettingsPatchSchema), async (c) => {
    // A PUT may carry every field or only those to change; the result is always a complete document.
    const next = { ...(await getSettings(c.env.DB, c.var.libraryId, c.env)), ...c.req.valid('json') };
    await putSettings(c.env.DB, c.var.libraryId, next);
    return c.json({ settings: next } satisfies SettingsResponse);
  });
