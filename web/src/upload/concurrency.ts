// How many uploads run at once. The right number depends on the link, the server and the file sizes, so
// it is found rather than guessed: start near what browsers allow per host (6), add a lane while the
// bytes per second keep rising, drop one when they fall (never below the start), halve on errors, and
// wait out 429/503 for as long as the server's Retry-After says (AIMD, as TCP does). Time is passed
// in, so the logic is pure.

export interface ConcurrencyOptions {
  start?: number;
  min?: number;
  max?: number;
  /** How long one throughput sample lasts. */
  windowMs?: number;
}

/** A throughput gain below this is noise, not a reason to add a lane. */
const GAIN = 1.05;

export class AdaptiveConcurrency {
  limit: number;
  readonly min: number;
  readonly max: number;
  /** Where it started: the lowest limit throughput alone may lead to. */
  private readonly floor: number;
  private readonly windowMs: number;
  private windowStart: number | null = null;
  private windowBytes = 0;
  private lastRate = 0;
  /** The direction of the last change: +1 grew, -1 shrank; a worse window after growing undoes it. */
  private trend = 1;
  private blockedUntil = 0;
  /** Until when further errors belong to the episode that already cut the limit. */
  private cutUntil = 0;

  constructor({ start = 6, min = 1, max = 32, windowMs = 1000 }: ConcurrencyOptions = {}) {
    this.min = min;
    this.max = Math.max(min, max);
    this.limit = Math.min(this.max, Math.max(this.min, start));
    this.floor = this.limit;
    this.windowMs = windowMs;
  }

  /** Lanes that may start now, given how many run. */
  free(running: number, now: number): number {
    return now < this.blockedUntil ? 0 : Math.max(0, this.limit - running);
  }

  /** When a Retry-After wait ends (0 if none), so the caller can wake up then. */
  get waitUntil() {
    return this.blockedUntil;
  }

  /** Bytes acknowledged by the server. */
  sent(bytes: number, now: number) {
    this.windowStart ??= now;
    this.windowBytes += bytes;
    const elapsed = now - this.windowStart;
    if (elapsed < this.windowMs) return;
    const rate = this.windowBytes / elapsed;
    if (this.lastRate === 0 || rate > this.lastRate * GAIN) {
      if (this.lastRate !== 0 || this.trend > 0) this.step(this.trend > 0 ? 1 : -1);
    } else if (rate * GAIN < this.lastRate) {
      // Worse than before the last step: that step was the wrong way, go back and try the other way.
      this.trend = -this.trend;
      this.step(this.trend > 0 ? 1 : -1);
    }
    this.lastRate = rate;
    this.windowStart = now;
    this.windowBytes = 0;
  }

  /**
   * A failed request. 429/503 mean "too many": halve and wait `retryAfterMs` (or a second). The requests
   * in flight when the first answer came fail together; they are one episode and cut the limit once
   * (as TCP halves once per window): sixteen 429s in a row must not leave a single lane.
   */
  failed(status: number, now: number, retryAfterMs?: number) {
    const overloaded = status === 429 || status === 503;
    if (overloaded) this.blockedUntil = Math.max(this.blockedUntil, now + (retryAfterMs ?? 1000));
    if (now < this.cutUntil) return;
    this.cutUntil = Math.max(now, this.blockedUntil) + this.windowMs;
    this.limit = Math.max(this.min, Math.floor(this.limit / 2));
    this.trend = 1;
    this.lastRate = 0; // the old rate was measured with more lanes: start measuring afresh
    this.windowStart = null;
    this.windowBytes = 0;
  }

  private step(delta: number) {
    // Throughput alone never takes the lanes below where they started: one window's rate swings with
    // how many requests happened to end in it (a batch of small files takes about a second), and a
    // walk downwards on that noise starved a fast server of requests. Only errors cut deeper (and
    // from there it climbs back a lane at a time).
    const low = this.limit >= this.floor ? this.floor : this.min;
    const next = Math.min(this.max, Math.max(low, this.limit + delta));
    if (next === this.limit) this.trend = -this.trend;
    this.limit = next;
  }
}

/** Retry-After is either seconds or an HTTP date; anything else is ignored. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
