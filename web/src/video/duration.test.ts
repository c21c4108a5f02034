import { describe, expect, it } from 'vitest';
import { formatDuration } from './duration';
import { posterTime } from './poster';

describe('video helpers', () => {
  it('formats durations as players do', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(2002)).toBe('0:02');
    expect(formatDuration(125_000)).toBe('2:05');
    expect(formatDuration(3_723_400)).toBe('1:02:03');
  });

  it('takes the poster about 1 s in, or at 10 % of a short clip', () => {
    expect(posterTime(600)).toBe(1);
    expect(posterTime(10)).toBe(1);
    expect(posterTime(2)).toBeCloseTo(0.2);
    expect(posterTime(Number.NaN)).toBe(0);
  });
});
