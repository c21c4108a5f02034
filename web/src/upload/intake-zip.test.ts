import { describe, expect, it, vi } from 'vitest';

// An archive's listing as unzip returns it, without making a 200,000-entry ZIP for the test.
vi.mock('./zip', () => ({
  isZip: (f: File) => f.name.endsWith('.zip'),
  unzip: async () => ({
    files: Array.from({ length: 200_000 }, (_, i) => ({ name: `${i}.jpg`, blob: new Blob() })),
    skipped: Array.from({ length: 200_000 }, (_, i) => `${i}.txt`),
  }),
}));

describe('filesFromList with a huge archive', () => {
  it('takes in 200,000 files unpacked from one ZIP', async () => {
    const { filesFromList } = await import('./intake');
    const { files, skipped } = await filesFromList([{ name: 'roll.zip', type: 'application/zip' } as File]);
    expect(files).toHaveLength(200_000);
    expect(skipped).toHaveLength(200_000);
    expect(skipped[0]).toBe('roll.zip: 0.txt');
  });
});
