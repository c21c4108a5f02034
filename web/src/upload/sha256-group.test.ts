import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashGroup, WHOLE_BYTES } from './sha256-group';

const digest = async (bytes: Uint8Array<ArrayBuffer>) => Buffer.from(await crypto.subtle.digest('SHA-256', bytes)).toString('hex');
const alone = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('hashGroup', () => {
  it('hashes each file of one read over its own bytes, empty files and a full 4 MB group included', async () => {
    const files = [new Uint8Array(0), new Uint8Array([1, 2, 3]), new Uint8Array(0), new Uint8Array(70_001).fill(7), new Uint8Array([9])];
    expect(await hashGroup(files.map((f) => new Blob([f])), digest)).toEqual(files.map(alone));
    const quarters = [1, 2, 3, 4].map((n) => new Uint8Array(WHOLE_BYTES / 4).fill(n));
    expect(await hashGroup(quarters.map((f) => new Blob([f])), digest)).toEqual(quarters.map(alone));
  });

  it('refuses a read whose length is not the files\' sizes (a file changed meanwhile)', async () => {
    const shrunk = Object.defineProperty(new Blob(['abc']), 'size', { value: 5 });
    await expect(hashGroup([new Blob(['x']), shrunk], digest)).rejects.toThrow('a file changed while it was read');
  });
});
