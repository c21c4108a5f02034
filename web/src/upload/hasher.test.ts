import { afterEach, describe, expect, it, vi } from 'vitest';
import { hashLanes } from './hasher';

describe('hashLanes', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('keeps several hashes in flight per worker, even on a 2-core device with one worker', () => {
    vi.stubGlobal('navigator', { hardwareConcurrency: 2 });
    expect(hashLanes()).toBe(4);
    vi.stubGlobal('navigator', { hardwareConcurrency: 16 });
    expect(hashLanes()).toBe(16); // four workers at most
  });
});
