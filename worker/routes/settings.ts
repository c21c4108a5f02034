// /api/settings — read and replace (or partly update) the library's processing settings.
import { Hono } from 'hono';
import * as v from 'valibot';
import type { SettingsResponse } from '../contract/settings';
import { getSettings, putSettings } from '../db/settings';
import type { AppEnv } from '../env';
import { validate } from '../validate';

const Size = v.pipe(v.number(), v.integer(), v.minValue(16), v.maxValue(8192));

const SettingsPatch = v.partial(
  v.strictObject({
    autoProcessOnUpload: v.boolean(),
    scheduledProcessing: v.boolean(),
    schedule: v.pipe(v.string(), v.regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (UTC)')),
    batchSize: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(10_000)),
    stageTimeoutSeconds: v.pipe(v.number(), v.integer(), v.minValue(30), v.maxValue(86_400)),
    thumbnailSizes: v.pipe(v.array(Size), v.minLength(1), v.maxLength(6), v.check((a) => new Set(a).size === a.length, 'sizes must be distinct')),
    variantSizes: v.pipe(
      v.array(v.strictObject({ name: v.pipe(v.string(), v.regex(/^[a-z0-9-]{1,32}$/, 'must be a short lowercase name')), width: Size, height: Size })),
      v.maxLength(6),
      v.check((a) => new Set(a.map((x) => x.name)).size === a.length, 'variant names must be distinct'),
    ),
    maxMegapixels: v.pipe(v.number(), v.minValue(1), v.maxValue(1000)),
    maxUploadBytes: v.pipe(v.number(), v.integer(), v.minValue(1024), v.maxValue(5 * 1024 ** 3)),
  }),
);

export const settings = new Hono<AppEnv>()
  .get('/', async (c) => c.json({ settings: await getSettings(c.env.DB, c.var.libraryId, c.env) } satisfies SettingsResponse))
  .put('/', validate('json', SettingsPatch), async (c) => {
    // A PUT may carry every field or only those to change; the result is always a complete document.
    const next = { ...(await getSettings(c.env.DB, c.var.libraryId, c.env)), ...c.req.valid('json') };
    await putSettings(c.env.DB, c.var.libraryId, next);
    return c.json({ settings: next } satisfies SettingsResponse);
  });
