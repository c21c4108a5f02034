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
  it('claims ahead: the job after the one in the models is always known (its photo is fetched meanwhile), and no photo waits for a claim', async () => {
    const { queue, claims, settle } = server(5);
    const first = queue.take();
    await settle();
    expect(claims.map((c) => c.max)).toEqual([2]); // an empty queue: this one has to be waited for
    claims[0].answer();
    expect((await first)?.job.photoId).toBe('p0');
    // p1 waits, and the queue is topped up at once, while p0 is in the models.
    expect(queue.peek()?.photoId).toBe('p1');
    await settle();
    expect(claims.map((c) => c.max)).toEqual([2, 1]);
    claims[1].answer();
    await settle();
    const second = await queue.take();
    expect(second?.job.photoId).toBe('p1');
    expect(queue.peek()?.photoId).toBe('p2'); // known as p1 starts: its photo can be fetched meanwhile
    // One claim at a time, however often the lanes take; a waiting job is handed out at once.
    await settle();
    expect(claims).toHaveLength(3);
    const third = await queue.take();
    expect(third?.job.photoId).toBe('p2');
    expect(claims).toHaveLength(3);
    for (const lease of [await first, second, third]) queue.release(lease!);
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
