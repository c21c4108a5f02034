import { describe, expect, it } from 'vitest';
import { AdaptiveConcurrency, retryAfterMs } from './concurrency';

/** Feeds one 1-second window at `rate` bytes/ms. */
function windowAt(c: AdaptiveConcurrency, t: { now: number }, rate: number) {
  c.sent(0, t.now);
  t.now += 1000;
  c.sent(rate * 1000, t.now);
}

describe('AdaptiveConcurrency', () => {
  it('starts at 6 and grows while throughput grows', () => {
    const c = new AdaptiveConcurrency();
    const t = { now: 0 };
    expect(c.limit).toBe(6);
    // The link scales with lanes up to 10, then saturates.
    for (let i = 0; i < 12; i++) windowAt(c, t, Math.min(c.limit, 10) * 100);
    expect(c.limit).toBeGreaterThanOrEqual(10);
    expect(c.limit).toBeLessThanOrEqual(11);
  });

  it('steps back when adding a lane made things slower', () => {
    const c = new AdaptiveConcurrency({ start: 4 });
    const t = { now: 0 };
    // Beyond 5 lanes the server thrashes: throughput falls.
    const rate = (n: number) => (n <= 5 ? n * 100 : 500 - (n - 5) * 100);
    for (let i = 0; i < 10; i++) windowAt(c, t, rate(c.limit));
    expect(c.limit).toBeGreaterThanOrEqual(4);
    expect(c.limit).toBeLessThanOrEqual(6);
  });

  it('does not walk below where it started on noisy windows, but climbs back a lane at a time after a cut', () => {
    const c = new AdaptiveConcurrency({ start: 6, max: 16 });
    const t = { now: 0 };
    // A saturated server: the rate only swings with how many batches happened to end in each window.
    for (let i = 0; i < 60; i++) {
      windowAt(c, t, i % 2 ? 300 : 600);
      expect(c.limit).toBeGreaterThanOrEqual(6);
    }
    c.failed(500, t.now);
    expect(c.limit).toBeLessThan(6);
    const cut = c.limit;
    t.now += 2000;
    for (let i = 0; i < 2; i++) windowAt(c, t, (i + 1) * 1000);
    expect(c.limit).toBeLessThanOrEqual(cut + 2);
  });

  it('halves on an error and on 429/503 waits for Retry-After before starting anything', () => {
    const c = new AdaptiveConcurrency({ start: 8 });
    c.failed(500, 0);
    expect(c.limit).toBe(4);
    expect(c.free(0, 0)).toBe(4);
    c.failed(429, 1100, 2000);
    expect(c.limit).toBe(2);
    expect(c.free(0, 2000)).toBe(0);
    expect(c.waitUntil).toBe(3100);
    expect(c.free(1, 3100)).toBe(1);
  });

  it('cuts once for the answers of one episode: sixteen 429s at once leave half the lanes, not one', () => {
    const c = new AdaptiveConcurrency({ start: 16, max: 16 });
    for (let i = 0; i < 16; i++) c.failed(429, 10 + i, 30_000);
    expect(c.limit).toBe(8);
    expect(c.waitUntil).toBe(30_025); // the latest Retry-After counts
    // Still refused after the wait: a new episode, a new cut.
    c.failed(429, 31_500, 1000);
    expect(c.limit).toBe(4);
  });

  it('never leaves its bounds', () => {
    const c = new AdaptiveConcurrency({ start: 2, min: 2, max: 3 });
    const t = { now: 0 };
    for (let i = 0; i < 10; i++) windowAt(c, t, (i + 1) * 100);
    expect(c.limit).toBeLessThanOrEqual(3);
    for (let i = 0; i < 5; i++) c.failed(503, 0);
    expect(c.limit).toBe(2);
  });

  it('reads Retry-After as seconds or a date', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4000)).toBe(6000);
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(retryAfterMs(null)).toBeUndefined();
  });
});
