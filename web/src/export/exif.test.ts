// The metadata written into outputs, read back by independent readers (exifr, and sharp/libvips for WebP).
import exifr from 'exifr';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { withMetadata } from './exif';

const meta = { make: 'Canon', model: 'EOS 600D', takenAt: '2021-06-01T14:03:07+02:00', description: 'Harbour, "dawn"', gps: { latitude: -33.8568, longitude: 151.2153 } };
const image = (format: 'jpeg' | 'png' | 'webp', options: object = {}) =>
  sharp({ create: { width: 37, height: 21, channels: 4, background: { r: 200, g: 10, b: 10, alpha: 0.5 } } })[format](options).toBuffer().then((b) => new Uint8Array(b));

describe('withMetadata', () => {
  it('writes camera, date and description into a JPEG, and GPS only when asked', async () => {
    const jpeg = await image('jpeg');
    const out = withMetadata(jpeg, 'jpeg', meta, false);
    const tags = await exifr.parse(out, { gps: true, reviveValues: false });
    expect(tags).toMatchObject({ Make: 'Canon', Model: 'EOS 600D', DateTimeOriginal: '2021:06:01 14:03:07', ImageDescription: 'Harbour, "dawn"' });
    expect(tags.latitude).toBeUndefined();
    const withGps = await exifr.gps(withMetadata(jpeg, 'jpeg', meta, true));
    expect(withGps.latitude).toBeCloseTo(-33.8568, 4);
    expect(withGps.longitude).toBeCloseTo(151.2153, 4);
    expect((await sharp(out).metadata()).width).toBe(37); // still a valid JPEG
  });

  it('writes a PNG eXIf chunk before the image data', async () => {
    const out = withMetadata(await image('png'), 'png', meta, true);
    const tags = await exifr.parse(out, { gps: true });
    expect(tags).toMatchObject({ Make: 'Canon', latitude: expect.closeTo(-33.8568, 4) });
    expect((await sharp(out).metadata()).width).toBe(37);
  });

  it('wraps a lossy or lossless WebP in VP8X with an EXIF chunk libvips reads', async () => {
    for (const options of [{}, { lossless: true }]) {
      const out = withMetadata(await image('webp', options), 'webp', meta, false);
      const m = await sharp(out).metadata();
      expect([m.width, m.height, m.hasAlpha]).toEqual([37, 21, true]);
      const tags = await exifr.parse(m.exif!);
      expect(tags).toMatchObject({ Make: 'Canon', Model: 'EOS 600D' });
      expect((await sharp(out).raw().toBuffer()).length).toBe(37 * 21 * 4); // still decodes
    }
  });

  it('leaves the file untouched when there is nothing to keep', async () => {
    const jpeg = await image('jpeg');
    expect(withMetadata(jpeg, 'jpeg', { make: null, model: null, takenAt: null, description: null, gps: meta.gps }, false)).toBe(jpeg);
  });
});
