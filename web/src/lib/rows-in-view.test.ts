import { describe, expect, it } from 'vitest';
import { rowsInView } from './rows-in-view';

describe('rowsInView', () => {
  it('draws the rows in view and a few more each way, never past either end', () => {
    expect(rowsInView(10_000, 50, 0, 500)).toEqual({ first: 0, end: 20 });
    expect(rowsInView(10_000, 50, 5_000, 500)).toEqual({ first: 95, end: 115 });
    expect(rowsInView(100, 50, 4_800, 500)).toEqual({ first: 91, end: 100 });
    expect(rowsInView(3, 24, 0, 224)).toEqual({ first: 0, end: 3 });
  });
});
