// Per-library settings, stored as one validated JSON document.
import { DEFAULT_SETTINGS, type Settings } from '../contract/settings';
import type { Bindings } from '../env';

/** Deployment defaults: the contract's, with upload limits from environment variables when set. */
function defaultSettings(env: Bindings): Settings {
  const int = (value: string | undefined, fallback: number) => (Number(value) > 0 ? Number(value) : fallback);
  return {
    ...DEFAULT_SETTINGS,
    maxUploadBytes: int(env.MAX_UPLOAD_BYTES, DEFAULT_SETTINGS.maxUploadBytes),
    maxMegapixels: int(env.MAX_MEGAPIXELS, DEFAULT_SETTINGS.maxMegapixels),
  };
}

// Settings are read on every upload and every pipeline run; a short per-isolate cache keeps that off D1.
// A PUT in this isolate clears it; other isolates see a change within TTL_MS.
const TTL_MS = 5_000;
const cache = new Map<string, { at: number; settings: Settings }>();

export async function getSettings(db: D1Database, libraryId: string, env: Bindings): Promise<Settings> {
  const hit = cache.get(libraryId);
  if (hit && Date.now() - hit.at < TTL_MS) return hit.settings;
  const row = await db.prepare(`SELECT json FROM settings WHERE library_id = ?1`).bind(libraryId).first<{ json: string }>();
  const stored = row ? (JSON.parse(row.json) as Partial<Settings>) : {};
  const defaults = defaultSettings(env);
  // Documents stored before a key existed take its default (analysis and videos key by key).
  const settings = {
    ...defaults, ...stored, analysis: { ...defaults.analysis, ...stored.analysis }, videos: { ...defaults.videos, ...stored.videos },
  };
  cache.set(libraryId, { at: Date.now(), settings });
  return settings;
}

export async function putSettings(db: D1Database, libraryId: string, settings: Settings): Promise<void> {
  await db
    .prepare(
      `INSERT INTO settings (library_id, json, updated_at) VALUES (?1, ?2, ?3)
       ON CONFLICT (library_id) DO UPDATE SET json = excluded.json, updated_at = excluded.updated_at`,
    )
    .bind(libraryId, JSON.stringify(settings), Date.now())
    .run();
  cache.delete(libraryId);
}
