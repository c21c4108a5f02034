import { afterEach, describe, expect, it, vi } from 'vitest';
import { hashLanes } from './hasher';

describe('hashLanes', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('keeps two hash calls in flight per worker, and two workers even on a 2-core device', () => {
    vi.stubGlobal('navigator', { hardwareConcurrency: 2 });
    expect(hashLanes()).toBe(4);
    vi.stubGlobal('navigator', { hardwareConcurrency: 16 });
    expect(hashLanes()).toBe(8); // four workers at most
  });
});
