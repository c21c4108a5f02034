import { describe, expect, it } from 'vitest';
import { parseRange } from './serve';

describe('parseRange', () => {
  it('understands start-end, open-ended and suffix ranges', () => {
    expect(parseRange('bytes=0-99', 1000)).toEqual({ offset: 0, length: 100 });
    expect(parseRange('bytes=900-', 1000)).toEqual({ offset: 900, length: 100 });
    expect(parseRange('bytes=-10', 1000)).toEqual({ offset: 990, length: 10 });
    expect(parseRange('bytes=990-5000', 1000)).toEqual({ offset: 990, length: 10 });
  });
  it('flags ranges past the end and ignores what it does not support', () => {
    expect(parseRange('bytes=1000-', 1000)).toBe('unsatisfiable');
    expect(parseRange('bytes=5-1', 1000)).toBe('unsatisfiable');
    expect(parseRange('bytes=0-1,5-6', 1000)).toBeNull();
    expect(parseRange(null, 1000)).toBeNull();
  });
});
