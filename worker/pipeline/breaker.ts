// A circuit breaker around the image service (the Images binding and R2): when photos keep failing
// transiently, hammering the service helps nobody. After THRESHOLD consecutive photos fail that way the
// consumers stop developing for a cool-down (their messages are sent back with a delay, never failed
// for it); then one photo runs as a probe (half-open): success closes the breaker, failure re-opens it
// with twice the cool-down. The state lives in D1 (db/breaker.ts), one row for the whole deployment,
// because the service is shared by every library and every consumer isolate reads the same row; every
// change is announced on each library's live feed.
import type { BreakerState } from '../contract/feed';
import * as db from '../db/breaker';
import { eventRows, eventStatement } from '../db/events';
import type { Bindings } from '../env';
import { publish } from '../feed/publish';

export const IMAGE_SERVICE = 'images';
export const THRESHOLD = 5;
export const COOLDOWN_MS = 30_000;
export const MAX_COOLDOWN_MS = 10 * 60_000;
/** A probe that has not reported by then was lost (its consumer died): another may claim it. */
export const PROBE_TIMEOUT_MS = 2 * 60_000;

export type Gate = { run: true; probe: boolean } | { run: false; retryInSeconds: number };

export function breakerState(row: db.BreakerRow): BreakerState {
  return { state: row.state, since: row.opened_at, nextTryAt: row.next_try_at };
}

export async function readBreakerState(env: Bindings): Promise<BreakerState> {
  return breakerState(await db.readBreaker(env.DB, IMAGE_SERVICE));
}

/** Read once per queue batch; each message asks `admit` before it runs and `record`s its result. */
export class Breaker {
  private constructor(
    private readonly env: Bindings,
    private row: db.BreakerRow,
  ) {}

  static async load(env: Bindings): Promise<Breaker> {
    return new Breaker(env, await db.readBreaker(env.DB, IMAGE_SERVICE));
  }

  async admit(now: number): Promise<Gate> {
    if (this.row.state === 'closed') return { run: true, probe: false };
    if ((this.row.next_try_at ?? 0) <= now) {
      const claimed = await db.claimProbe(this.env.DB, IMAGE_SERVICE, PROBE_TIMEOUT_MS, now);
      if (claimed) {
        this.row = claimed;
        return { run: true, probe: true };
      }
      this.row = await db.readBreaker(this.env.DB, IMAGE_SERVICE);
      if (this.row.state === 'closed') return { run: true, probe: false };
    }
    // Come back when the next probe may run (a probe in flight: when it would have expired).
    const wait = Math.max(1_000, (this.row.next_try_at ?? now) - now);
    return { run: false, retryInSeconds: Math.ceil(wait / 1000) };
  }

  /** `ok`: the service answered (a developed photo, or one that failed for its own bad bytes). */
  async record(ok: boolean, probe: boolean, now: number): Promise<void> {
    const { DB } = this.env;
    if (ok) {
      if (this.row.state === 'closed' && this.row.failures === 0) return;
      const wasOpen = await db.close(DB, IMAGE_SERVICE, now);
      this.row = { state: 'closed', failures: 0, opened_at: null, next_try_at: null, cooldown_ms: 0 };
      if (wasOpen) await this.announce(now);
      return;
    }
    if (probe) {
      const reopened = await db.reopen(DB, IMAGE_SERVICE, MAX_COOLDOWN_MS, now);
      if (reopened) {
        this.row = reopened;
        await this.announce(now);
      }
      return;
    }
    this.row = await db.countFailure(DB, IMAGE_SERVICE, now);
    if (this.row.state !== 'closed' || this.row.failures < THRESHOLD) return;
    const opened = await db.open(DB, IMAGE_SERVICE, THRESHOLD, COOLDOWN_MS, now);
    if (opened) {
      this.row = opened;
      console.warn(`image service failing: pipeline paused for ${COOLDOWN_MS / 1000} s`);
      await this.announce(now);
    }
  }

  /** A `pipeline.breaker` event on every library's feed (logged, so a reconnecting tab replays it). */
  private async announce(now: number): Promise<void> {
    const breaker = breakerState(this.row);
    const libraries = await db.activeLibraries(this.env.DB);
    for (let i = 0; i < libraries.length; i += 50) {
      const slice = libraries.slice(i, i + 50);
      const results = await this.env.DB.batch(slice.map((lib) => eventStatement(this.env.DB, lib, 'pipeline.breaker', null, { breaker }, now)));
      await Promise.all(slice.map((lib, j) => publish(this.env, lib, eventRows([results[j]]))));
    }
  }
}
