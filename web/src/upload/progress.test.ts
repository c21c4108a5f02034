import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ProgressThrottle } from './progress';

describe('ProgressThrottle', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('hands over the latest value of each key once per interval, however many reports came', () => {
    const applied: Array<Array<[string, number]>> = [];
    const t = new ProgressThrottle<string>((latest) => applied.push([...latest]), 200);
    for (let i = 1; i <= 40; i++) {
      t.report('a', i * 10);
      if (i % 2) t.report('b', i);
      vi.advanceTimersByTime(5); // 40 reports of a in 200 ms, as ~8 uploads in flight would send
    }
    expect(applied).toEqual([[['a', 400], ['b', 39]]]);
    vi.advanceTimersByTime(1000);
    expect(applied).toHaveLength(1); // nothing new, nothing applied
    t.report('a', 500);
    expect(applied).toHaveLength(1);
    vi.advanceTimersByTime(200);
    expect(applied.at(-1)).toEqual([['a', 500]]);
  });

  it('flushes at once when asked, and the timer then has nothing left to apply', () => {
    const applied: Array<Map<string, number>> = [];
    const t = new ProgressThrottle<string>((latest) => applied.push(latest), 200);
    t.report('a', 1);
    t.flush();
    expect(applied).toHaveLength(1);
    vi.advanceTimersByTime(500);
    expect(applied).toHaveLength(1);
  });
});
