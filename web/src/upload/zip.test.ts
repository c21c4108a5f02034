// ZIP unpacking with fflate-made archives: contents byte for byte, what is skipped, and the limits
// against a real ZIP bomb (security review L6).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { unzip } from './zip';

const photo = (name: string) => new Uint8Array(readFileSync(path.join(import.meta.dirname, '../../../worker/test/fixtures/photos', name)));
const blobOf = (bytes: Uint8Array) => new Blob([bytes as Uint8Array<ArrayBuffer>]);
const bytesOf = async (b: Blob) => new Uint8Array(await b.arrayBuffer());

describe('unzip', () => {
  it('unpacks photos byte for byte, stored or deflated, and lists what it skipped', async () => {
    const fuji = photo('photo-fuji-iptc-gps.jpg');
    const kodak = photo('photo-kodak-gps-south.jpg');
    const zip = zipSync({
      'trip/photo-fuji-iptc-gps.jpg': [fuji, { level: 0 }],
      'trip/day 2/kodak.JPG': [kodak, { level: 9 }],
      'trip/notes.txt': new TextEncoder().encode('not a photo'),
      'trip/.DS_Store': new Uint8Array(8),
      '__MACOSX/trip/._kodak.JPG': new Uint8Array(8),
      'trip/empty/': new Uint8Array(0),
    });
    const out = await unzip(blobOf(zip));
    expect(out.refused).toBeUndefined();
    expect(out.files.map((f) => f.name).sort()).toEqual(['kodak.JPG', 'photo-fuji-iptc-gps.jpg']);
    const byName = Object.fromEntries(out.files.map((f) => [f.name, f.blob]));
    expect(await bytesOf(byName['photo-fuji-iptc-gps.jpg'])).toEqual(fuji);
    expect(await bytesOf(byName['kodak.JPG'])).toEqual(kodak);
    expect(out.skipped).toEqual(['trip/notes.txt']);
  });

  it('refuses a real ZIP bomb by its compression ratio, before unpacking it all', async () => {
    // 48 MiB of zeros in a photo's clothing: about 48 KB compressed (the review's was 510 KB → 512 MiB).
    const bomb = zipSync({ 'holiday.jpg': [new Uint8Array(48 * 1024 * 1024), { level: 1 }] });
    expect(bomb.length).toBeLessThan(512 * 1024);
    const out = await unzip(blobOf(bomb));
    expect(out.refused).toMatch(/^Not unpacked: it is compressed more than 100:1/);
    expect(out.files).toEqual([]);
  }, 30_000);

  it('refuses an archive whose unpacked total is too large, even at a normal ratio', async () => {
    const fuji = photo('photo-fuji-iptc-gps.jpg');
    const zip = zipSync({ 'a.jpg': fuji, 'b.jpg': fuji.slice().reverse(), 'c.jpg': fuji.slice(1) });
    const out = await unzip(blobOf(zip), { maxBytes: 2 * fuji.length, maxRatio: 100 });
    expect(out.refused).toMatch(/^Not unpacked: it unpacks to more than/);
    expect(out.files).toEqual([]);
    expect((await unzip(blobOf(zip), { maxBytes: 4 * fuji.length, maxRatio: 100 })).files).toHaveLength(3);
  });
});
