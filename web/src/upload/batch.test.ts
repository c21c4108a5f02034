import { describe, expect, it } from 'vitest';
import { BATCH, resultError, spread, takeBatch } from './batch';

const files = (...sizes: number[]) => sizes.map((size, i) => ({ id: i, size }));
const ok = () => true;

describe('takeBatch', () => {
  it('puts small files together only while waiting files outnumber the free lanes', () => {
    const many = files(...Array(40).fill(1000));
    expect(takeBatch(many, 4, ok)).toHaveLength(BATCH.files); // 40 for 4 lanes: full batches
    const few = files(1000, 1000, 1000);
    expect(takeBatch(few, 6, ok)).toHaveLength(1); // fewer files than lanes: one each
    const some = files(...Array(12).fill(1000));
    expect(takeBatch(some, 6, ok)).toHaveLength(2); // 12 over 6 lanes
  });

  it('sends a big file alone and stops a batch at one, and at the byte cap', () => {
    const q = files(1000, BATCH.fileBytes + 1, 1000);
    expect(takeBatch(q, 1, ok).map((f) => f.id)).toEqual([0]);
    expect(takeBatch(q, 1, ok).map((f) => f.id)).toEqual([1]);
    const heavy = files(...Array(8).fill(BATCH.fileBytes));
    expect(takeBatch(heavy, 1, ok)).toHaveLength(BATCH.bytes / BATCH.fileBytes);
  });

  it('skips files cancelled while they waited', () => {
    const q = files(1, 2, 3, 4);
    expect(takeBatch(q, 1, (f) => f.id !== 0 && f.id !== 2).map((f) => f.id)).toEqual([1, 3]);
    expect(q).toEqual([]);
  });
});

describe('batch progress and verdicts', () => {
  it('spreads the bytes of the form over its files in order', () => {
    expect(spread([10, 20, 5], 0)).toEqual([0, 0, 0]);
    expect(spread([10, 20, 5], 15)).toEqual([10, 5, 0]);
    expect(spread([10, 20, 5], 99)).toEqual([10, 20, 5]);
  });

  it('turns a per-file refusal into the error its PUT would have given', () => {
    const limited = resultError({ filename: 'a', error: { code: 'rate_limited', message: 'Too many', retryAfter: 7 } });
    expect([limited.status, limited.code, limited.retryAfter]).toEqual([429, 'rate_limited', 7000]);
    expect(resultError({ filename: 'a', error: { code: 'unsupported_type', message: 'no' } }).status).toBe(400);
    expect(resultError(undefined).code).toBe('http_error');
  });
});
