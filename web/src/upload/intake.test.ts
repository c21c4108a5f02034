import { describe, expect, it } from 'vitest';
import { filesFromList } from './intake';

describe('filesFromList', () => {
  it('sorts a big pick a time slice per task, and leaves out hidden files', async () => {
    // Each file's name costs 0.01 ms to read here: 2 × 4,000 reads at once would be one 80 ms task.
    const files = Array.from({ length: 4000 }, (_, i) => {
      const name = i % 1000 === 0 ? '.DS_Store' : `${i}.jpg`;
      return {
        get name() {
          const t = performance.now();
          while (performance.now() - t < 0.01);
          return name;
        },
        type: 'image/jpeg',
      } as unknown as File;
    });
    let done = false;
    const listing = filesFromList(files).then((r) => ((done = true), r));
    let turns = 0;
    while (!done) {
      await new Promise((r) => setTimeout(r, 0));
      turns++;
    }
    const { files: out, skipped } = await listing;
    expect(out).toHaveLength(3996);
    expect(skipped).toEqual([]);
    expect(turns).toBeGreaterThanOrEqual(5);
  });
});
