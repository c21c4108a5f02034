// The circuit breaker's row (pipeline/breaker.ts): one per guarded service for the whole deployment.
// Every transition is a guarded UPDATE, so two consumers racing cannot both open it or both probe.
import type { BreakerState } from '../contract/feed';

export interface BreakerRow {
  state: BreakerState['state'];
  failures: number;
  opened_at: number | null;
  next_try_at: number | null;
  cooldown_ms: number;
}

const COLUMNS = `state, failures, opened_at, next_try_at, cooldown_ms`;
const CLOSED: BreakerRow = { state: 'closed', failures: 0, opened_at: null, next_try_at: null, cooldown_ms: 0 };

export async function readBreaker(db: D1Database, name: string): Promise<BreakerRow> {
  return (await db.prepare(`SELECT ${COLUMNS} FROM breakers WHERE name = ?1`).bind(name).first<BreakerRow>()) ?? CLOSED;
}

/** One more consecutive failure while closed; returns the new count. */
export async function countFailure(db: D1Database, name: string, now: number): Promise<BreakerRow> {
  const row = await db
    .prepare(
      `INSERT INTO breakers (name, failures, updated_at) VALUES (?1, 1, ?2)
       ON CONFLICT (name) DO UPDATE SET failures = failures + 1, updated_at = ?2 RETURNING ${COLUMNS}`,
    )
    .bind(name, now)
    .first<BreakerRow>();
  return row!;
}

/** closed → open once `threshold` consecutive failures are counted. Null when it was not this call. */
export async function open(db: D1Database, name: string, threshold: number, cooldownMs: number, now: number) {
  return db
    .prepare(
      `UPDATE breakers SET state = 'open', opened_at = ?2, next_try_at = ?2 + ?4, cooldown_ms = ?4, updated_at = ?2
        WHERE name = ?1 AND state = 'closed' AND failures >= ?3 RETURNING ${COLUMNS}`,
    )
    .bind(name, now, threshold, cooldownMs)
    .first<BreakerRow>();
}

/** open (cool-down over) or half-open (its probe lost) → half-open, for one caller: the probe. */
export async function claimProbe(db: D1Database, name: string, probeTimeoutMs: number, now: number) {
  return db
    .prepare(
      `UPDATE breakers SET state = 'half-open', next_try_at = ?2 + ?3, updated_at = ?2
        WHERE name = ?1 AND state IN ('open', 'half-open') AND next_try_at <= ?2 RETURNING ${COLUMNS}`,
    )
    .bind(name, now, probeTimeoutMs)
    .first<BreakerRow>();
}

/** half-open → open again with a longer cool-down (the probe failed). */
export async function reopen(db: D1Database, name: string, maxCooldownMs: number, now: number) {
  return db
    .prepare(
      `UPDATE breakers SET state = 'open', cooldown_ms = MIN(cooldown_ms * 2, ?3), next_try_at = ?2 + MIN(cooldown_ms * 2, ?3), updated_at = ?2
        WHERE name = ?1 AND state = 'half-open' RETURNING ${COLUMNS}`,
    )
    .bind(name, now, maxCooldownMs)
    .first<BreakerRow>();
}

/** Any state → closed with no failures. True when it was open or half-open (a transition to announce). */
export async function close(db: D1Database, name: string, now: number): Promise<boolean> {
  const [wasOpen] = await db.batch([
    db.prepare(`SELECT 1 AS x FROM breakers WHERE name = ?1 AND state != 'closed'`).bind(name),
    db
      .prepare(
        `UPDATE breakers SET state = 'closed', failures = 0, opened_at = NULL, next_try_at = NULL, cooldown_ms = 0, updated_at = ?2
          WHERE name = ?1 AND (state != 'closed' OR failures > 0)`,
      )
      .bind(name, now),
  ]);
  return wasOpen.results.length > 0;
}

/** Libraries that may be watching: those with feed events (a week of them is kept). */
export async function activeLibraries(db: D1Database): Promise<string[]> {
  const { results } = await db.prepare(`SELECT DISTINCT library_id FROM events`).all<{ library_id: string }>();
  return results.map((r) => r.library_id);
}
