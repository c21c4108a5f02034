import { describe, expect, it } from 'vitest';
import { RunItems } from './run-items.svelte';

const photos = (n: number) => Array.from({ length: n }, (_, i) => ({ photoId: `p${i}`, filename: `${i}.jpg` }));

describe('RunItems', () => {
  it('counts photos finished and failed as their steps arrive', () => {
    const run = new RunItems();
    run.reset(photos(3));
    expect([run.finished, run.failed]).toEqual([0, 0]);
    run.apply(0, 'fetching');
    run.apply(0, 'encoding');
    run.apply(0, 'done', 2);
    run.apply(1, 'failed', undefined, 'Could not read the image.');
    expect([run.finished, run.failed]).toEqual([2, 1]);
    expect(run.list[0]).toMatchObject({ step: 'done', outputs: 2 });
    expect(run.list[1]).toMatchObject({ step: 'failed', error: 'Could not read the image.' });
    expect(run.list[2].step).toBe('queued');
  });

  it('counts a photo once, whatever repeats, and ignores an index it does not have', () => {
    const run = new RunItems();
    run.reset(photos(2));
    run.apply(0, 'done', 1);
    run.apply(0, 'done', 1);
    run.apply(1, 'failed');
    run.apply(1, 'failed');
    run.apply(7, 'done');
    expect([run.finished, run.failed]).toEqual([2, 1]);
    run.apply(1, 'failed', undefined, 'Timed out.');
    run.apply(1, 'done', 1); // a failure overtaken by a later answer for the same photo
    expect([run.finished, run.failed]).toEqual([2, 0]);
    expect(run.list[1].error).toBeUndefined();
  });

  it('starts from zero for the next run (Retry failed)', () => {
    const run = new RunItems();
    run.reset(photos(2));
    run.apply(0, 'failed');
    run.reset(photos(1));
    expect([run.finished, run.failed, run.list.length]).toEqual([0, 0, 1]);
  });
});
