import { describe, expect, it } from 'vitest';
import type { AnalysisJob, ClaimResponse } from '../../../worker/contract/analysis';
import type { AnalysisSettings } from '../../../worker/contract/settings';
import { JobQueue } from './job-queue';

const MODELS = { modelHost: 'self' } as AnalysisSettings;
const job = (n: number): AnalysisJob => ({ photoId: `p${n}`, lease: `l${n}`, imageUrl: `/v/${n}`, expiresAt: new Date(Date.now() + 180_000).toISOString() });

/** A server with `pending` photos whose claims are answered when the test says so. */
function server(pending: number) {
  let next = 0;
  const claims: Array<{ max: number; answer: () => void }> = [];
  const api = {
    claimAnalysis: (max: number) =>
      new Promise<ClaimResponse>((resolve) => {
        claims.push({
          max,
          answer: () => {
            const jobs = Array.from({ length: Math.max(0, Math.min(max, pending - next)) }, () => job(next++));
            resolve({ jobs, models: MODELS });
          },
        });
      }),
    heartbeat: async () => ({ expiresAt: new Date(Date.now() + 180_000).toISOString() }),
  };
  const queue = new JobQueue({ api, clientId: 'c', device: () => ({ backend: 'wasm' }), depth: () => 2, onModels: () => {}, onError: () => {} });
  const settle = () => new Promise((r) => setTimeout(r, 0));
  return { queue, claims, settle };
}

describe('JobQueue', () => {
  it('claims the next jobs while the last one in hand is in the models, so no photo waits for a claim', async () => {
    const { queue, claims, settle } = server(5);
    const first = queue.take();
    await settle();
    expect(claims.map((c) => c.max)).toEqual([2]); // an empty queue: this one has to be waited for
    claims[0].answer();
    expect((await first)?.job.photoId).toBe('p0');
    // p1 waits; taking it (the last one waiting) asks for more at once, before p1 is even analysed.
    expect(queue.peek()?.photoId).toBe('p1');
    const second = await queue.take();
    expect(second?.job.photoId).toBe('p1');
    await settle();
    expect(claims.map((c) => c.max)).toEqual([2, 2]);
    // Only one claim at a time, however often the lanes take.
    const third = queue.take();
    await settle();
    expect(claims).toHaveLength(2);
    claims[1].answer();
    expect((await third)?.job.photoId).toBe('p2');
    expect(queue.peek()?.photoId).toBe('p3'); // known while p2 is analysed: its photo can be fetched
    for (const lease of [await first, second, await third]) queue.release(lease!);
    queue.abandonAll('done');
  });

  it('says null when nothing is pending, and drops every job it holds when stopped', async () => {
    const { queue, claims, settle } = server(1);
    const first = queue.take();
    await settle();
    claims[0].answer();
    const lease = (await first)!;
    const empty = queue.take();
    await settle();
    claims.at(-1)!.answer();
    expect(await empty).toBeNull();
    queue.abandonAll('Analysis stopped.');
    expect(lease.signal.aborted).toBe(true);
    expect(await queue.take()).toBeNull();
  });
});
