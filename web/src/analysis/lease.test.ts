import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AnalysisJob } from '../../../worker/contract/analysis';
import { ApiError } from '../lib/api';
import { Lease } from './lease';

afterEach(() => {
  vi.useRealTimers();
});

/** A job leased for 12 s, and a server whose heartbeat answers are scripted. */
function leased(answers: Array<'ok' | ApiError>) {
  const beats: string[] = [];
  const job: AnalysisJob = { photoId: 'p', lease: 'l', imageUrl: '/v', expiresAt: new Date(Date.now() + 12_000).toISOString() };
  const lease = new Lease(job, {
    heartbeat: async (photoId, l) => {
      beats.push(`${photoId}:${l}`);
      const answer = answers.shift() ?? 'ok';
      if (answer !== 'ok') throw answer;
      return { expiresAt: new Date(Date.now() + 12_000).toISOString() };
    },
  });
  return { lease, beats };
}

describe('Lease', () => {
  it('heartbeats five times per lease, and a lost network beat does not give the job up', async () => {
    vi.useFakeTimers();
    const { lease, beats } = leased([new ApiError(0, 'offline', 'Cannot reach darkroom.'), 'ok']);
    await vi.advanceTimersByTimeAsync(12_000);
    expect(beats).toEqual(['p:l', 'p:l', 'p:l', 'p:l', 'p:l']);
    expect(lease.signal.aborted).toBe(false);
    lease.release();
    await vi.advanceTimersByTimeAsync(12_000);
    expect(beats).toHaveLength(5);
  });

  it('abandons the job at the first lease_conflict, and stops heartbeating', async () => {
    vi.useFakeTimers();
    const { lease, beats } = leased(['ok', new ApiError(409, 'lease_conflict', 'This job is no longer leased to you.')]);
    await vi.advanceTimersByTimeAsync(4_000);
    expect(lease.signal.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(4_000);
    expect(lease.signal.aborted).toBe(true);
    expect((lease.signal.reason as Error).name).toBe('AbortError');
    await vi.advanceTimersByTimeAsync(12_000);
    expect(beats).toHaveLength(2);
  });
});
