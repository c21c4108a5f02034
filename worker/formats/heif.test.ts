// The HEIF reader over every box layout of heif-variants/: size (ispe + irot), and the Exif item
// wherever it lives (file extents or idat, one or several extents, any TIFF-header offset), checked
// against exiftool/libheif truth in expectations.json. Metadata goes through exifr as the exif stage does.
import exifr from 'exifr';
import { describe, expect, it } from 'vitest';
import { testEnv } from '../test/helpers';
import { locateMetadata } from './exif';
import { heifExifLocation } from './heif';
import { readHeifMeta } from './heif-meta';
import { readImageSize } from './image-size';
import { sniff } from './sniff';

interface Variant {
  width: number; height: number; exif_orientation: number | null; make: string | null; model: string | null;
  gps: { lat: number; lon: number } | null; layout: { metaLast: boolean };
}

async function load(path: string): Promise<Uint8Array> {
  const res = await testEnv.FIXTURES.fetch(`http://fixtures/${path}`);
  if (!res.ok) throw new Error(await res.text());
  return new Uint8Array(await res.arrayBuffer());
}

const ranged = (bytes: Uint8Array) => async (offset: number, length: number) => {
  if (offset < 0 || offset + length > bytes.length) throw new Error(`range ${offset}+${length} outside ${bytes.length}`);
  return bytes.slice(offset, offset + length);
};

describe('HEIF variants', async () => {
  const files = Object.entries((await (await testEnv.FIXTURES.fetch('http://fixtures/heif-variants/expectations.json')).json<{ files: Record<string, Variant> }>()).files);

  it('covers all 15 layouts', () => expect(files.length).toBe(15));

  it.each(files)('%s: size, orientation, GPS and make/model', async (name, e) => {
    const bytes = await load(`heif-variants/${name}`);
    const head = bytes.subarray(0, 16 * 1024); // less than any of these files: meta-after-mdat is out of reach
    const sniffed = sniff(head, false);
    expect(sniffed.mime).toBe('image/heic');
    const size = sniffed.width !== null ? [sniffed.width, sniffed.height] : await readImageSize(sniffed.mime, bytes.length, ranged(bytes));
    expect(size).toEqual([e.width, e.height]);

    const source = await locateMetadata('image/heic', bytes.length, ranged(bytes));
    expect(source.kind).toBe('tiff');
    const raw = await exifr.parse((source as { bytes: Uint8Array }).bytes, { tiff: true, gps: true, translateValues: false, reviveValues: false, mergeOutput: true } as never);
    expect(raw.Orientation ?? null).toBe(e.exif_orientation);
    expect(raw.Make).toBe(e.make);
    expect(raw.Model).toBe(e.model);
    expect(raw.latitude).toBeCloseTo(e.gps!.lat, 5);
    expect(raw.longitude).toBeCloseTo(e.gps!.lon, 5);
  });

  it('reads at most 64 KB of an Exif item whose iloc declares far more', async () => {
    const original = await load('heif-variants/xr-iloc0.heic');
    const meta = (await readHeifMeta(original, original.length, ranged(original)))!;
    const where = heifExifLocation(meta) as { kind: 'file'; extents: { offset: number; length: number }[] };
    const { offset, length } = where.extents[0];
    // Pad the file to 2 MB and make the Exif extent claim everything from its offset to the end.
    const bytes = new Uint8Array(2 * 1024 * 1024);
    bytes.set(original);
    const view = new DataView(bytes.buffer);
    const field = findU32Pair(bytes, offset, length);
    view.setUint32(field + 4, bytes.length - offset);
    const reads: number[] = [];
    const read = ranged(bytes);
    const source = await locateMetadata('image/heic', bytes.length, async (o, l) => { reads.push(l); return read(o, l); });
    expect(source.kind).toBe('tiff');
    expect(Math.max(...reads)).toBeLessThanOrEqual(128 * 1024);
    expect(reads.filter((l) => l > 16).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(128 * 1024 + 64 * 1024 + 4096);
  });
});

/** Where the iloc stores the 4-byte offset followed by the 4-byte length of an extent. */
function findU32Pair(b: Uint8Array, first: number, second: number): number {
  const v = new DataView(b.buffer);
  for (let i = 0; i + 8 <= b.length; i++) if (v.getUint32(i) === first && v.getUint32(i + 4) === second) return i;
  throw new Error('extent not found');
}
