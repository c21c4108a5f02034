// Per-library rate limits (settings `uploadsPerMinute`, `analysisClaimsPerMinute`): 429 `rate_limited`
// with Retry-After once a library has used its minute. Counted in D1, in fixed one-minute windows: the
// request already talks to D1, the count is exact across isolates and locations, and the limit is a
// per-library setting. (Cloudflare's Rate Limiting binding runs locally, but its limit is fixed in
// wrangler.toml, its counts are per location and approximate, and it cannot say when to come back.)
import { countRequest } from './db/rate-windows';
import { AppError } from './errors';

const WINDOW_MS = 60_000;

export type LimitedAction = 'upload' | 'analysis.claim';

export async function enforceRate(db: D1Database, libraryId: string, action: LimitedAction, perMinute: number, now = Date.now()): Promise<void> {
  const window = Math.floor(now / WINDOW_MS);
  const count = await countRequest(db, libraryId, action, window);
  if (count <= perMinute) return;
  const retryAfter = Math.max(1, Math.ceil(((window + 1) * WINDOW_MS - now) / 1000));
  const what = action === 'upload' ? 'uploads' : 'analysis claims';
  throw new AppError('rate_limited', `Too many ${what}: this library allows ${perMinute} a minute. Try again in ${retryAfter} s.`, { retryAfter });
}

/** The minute number before which windows can be dropped (the sweep prunes them). */
export function staleWindow(now: number): number {
  return Math.floor(now / WINDOW_MS) - 1;
}
