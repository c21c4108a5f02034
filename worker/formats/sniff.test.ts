import { describe, expect, it } from 'vitest';
import { AppError } from '../errors';
import { expectations, fixture } from '../test/helpers';
import { HEAD_BYTES } from '../upload/store';
import { sniff } from './sniff';

const MIME: Record<string, string> = {
  JPEG: 'image/jpeg', PNG: 'image/png', GIF: 'image/gif', 'Extended WEBP': 'image/webp',
  HEIC: 'image/heic', AVIF: 'image/avif', TIFF: 'image/tiff',
};

async function head(name: string) {
  const bytes = await fixture(name);
  return { b: bytes.subarray(0, HEAD_BYTES), complete: bytes.length <= HEAD_BYTES };
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err.code;
    throw err;
  }
  return undefined;
}

describe('sniff', async () => {
  const files = Object.entries(await expectations());

  it.each(files.filter(([, e]) => e.expected_outcome === 'accept'))('%s: type and header size from the first 256 KB', async (name, e) => {
    const { b, complete } = await head(name);
    const s = sniff(b, complete);
    expect(s.mime).toBe(MIME[e.format!]);
    expect(s.kind).toBe('image');
    // HEIF/AVIF report their size with irot applied; the others report stored size (the EXIF swap happens
    // later). Which one is expected comes from the fixture's format, never from the code's own output.
    const heif = e.format === 'HEIC' || e.format === 'AVIF';
    expect(s.rotationApplied).toBe(heif);
    const expected = heif ? [e.width, e.height] : [(e as any).stored_width, (e as any).stored_height];
    expect([s.width, s.height]).toEqual(expected);
  });

  it('reads the declared size of a pixel bomb without decoding it', async () => {
    const { b, complete } = await head('bomb-png-65536x65536.png');
    expect(sniff(b, complete)).toMatchObject({ mime: 'image/png', width: 65536, height: 65536 });
  });

  it('refuses text, a GIF header carrying PHP, and a JPEG whose header is cut off', async () => {
    expect(codeOf(() => sniff(new TextEncoder().encode('This is a plain UTF-8 text file'), true))).toBe('unsupported_type');
    expect(codeOf(() => sniff(new TextEncoder().encode('<!doctype html><html><body>hi</body></html>'), true))).toBe('unsupported_type');
    const php = await head('polyglot-gif-php.gif');
    expect(codeOf(() => sniff(php.b, php.complete))).toBe('unsupported_type');
    const corrupt = await head('bad-corrupt-header.jpg');
    expect(codeOf(() => sniff(corrupt.b, corrupt.complete))).toBe('corrupt_image');
  });

  it('does not call a partial header corrupt when the rest of the file has not arrived', () => {
    const jpegStart = new Uint8Array([0xff, 0xd8, 0xff, 0xe1, 0x20, 0x00, 0x45, 0x78]);
    expect(sniff(jpegStart, false)).toMatchObject({ mime: 'image/jpeg', width: null, height: null });
  });

  it('accepts MP4 and QuickTime as videos', () => {
    const ftyp = (brand: string, compat: string[]) =>
      new TextEncoder().encode(`\0\0\0${String.fromCharCode(16 + compat.length * 4)}ftyp${brand}\0\0\0\0${compat.join('')}`);
    expect(sniff(ftyp('isom', ['isom', 'mp41']), false)).toMatchObject({ mime: 'video/mp4', kind: 'video' });
    expect(sniff(ftyp('qt  ', ['qt  ']), false)).toMatchObject({ mime: 'video/quicktime', kind: 'video' });
    expect(codeOf(() => sniff(ftyp('M4A ', ['M4A ']), false))).toBe('unsupported_type');
  });
});
