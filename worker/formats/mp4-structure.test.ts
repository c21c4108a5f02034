import { describe, expect, it } from 'vitest';
import { checkBoxStructure } from './mp4-structure';
import { be32, box, bytes, FTYP, largeHeader } from './mp4-test-utils';

describe('checkBoxStructure', () => {
  it.each([
    ['ftyp + HTML', bytes(FTYP.subarray(0, 24), '<html><script>alert(1)</script></html>'), 'not_video'],
    ['ftyp alone', FTYP, 'not_video'],
    ['an ftyp of 7 bytes', bytes(be32(7), 'ftypisom', new Uint8Array(32)), 'not_video'],
    ['boxes claiming more than the file', bytes(FTYP, be32(500), 'mdat', new Uint8Array(40)), 'truncated'],
    ['3 stray bytes after the last box', bytes(FTYP, box('mdat', new Uint8Array(8)), [1, 2, 3]), 'truncated'],
    ['text', bytes('hello world, not a video'), 'not_video'],
  ])('refuses %s', (_, b, reason) => {
    const check = checkBoxStructure(b, b.length);
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.reason).toBe(reason);
  });

  it('accepts a head that stops inside mdat when the declared sizes fit the file', () => {
    const head = bytes(FTYP, largeHeader('mdat', 16 + 10 ** 9), new Uint8Array(100));
    expect(checkBoxStructure(head, FTYP.length + 16 + 10 ** 9 + 5000)).toEqual({ ok: true, boxes: ['ftyp', 'mdat'] });
  });
});
