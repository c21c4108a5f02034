// Writes the metadata the user chose to keep into an encoded output (canvas encoders write none): a small
// EXIF block — camera make and model, date taken, description, and GPS only when asked — as JPEG APP1,
// PNG eXIf or WebP EXIF (in a VP8X container). No orientation tag: outputs are already upright.
import type { OutputMetadata } from './protocol';
import type { OutputFormat } from './options';

type Entry = { tag: number; type: 1 | 2 | 4 | 5; count: number; data: Uint8Array };

const ascii = (tag: number, s: string): Entry => {
  const data = new TextEncoder().encode(`${s.replace(/[^\x20-\x7e]/g, '?')}\0`);
  return { tag, type: 2, count: data.length, data };
};
const long = (tag: number, v: number): Entry => ({ tag, type: 4, count: 1, data: le32(v) });
const rationals = (tag: number, values: Array<[number, number]>): Entry => ({
  tag, type: 5, count: values.length, data: concat(values.flatMap(([n, d]) => [le32(n), le32(d)])),
});

function le32(v: number) {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v >>> 0, true);
  return b;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** "2021-06-01T14:03:00+02:00" → "2021:06:01 14:03:00" (EXIF keeps local time; the offset is dropped). */
const exifDate = (iso: string) => /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})/.exec(iso)?.slice(1).join(':').replace(/^(\d+:\d+:\d+):/, '$1 ') ?? null;

function dms(deg: number): Array<[number, number]> {
  const a = Math.abs(deg), d = Math.floor(a), m = Math.floor((a - d) * 60);
  return [[d, 1], [m, 1], [Math.round(((a - d) * 60 - m) * 60 * 10000), 10000]];
}

/** A little-endian TIFF with IFD0, an Exif IFD and a GPS IFD as needed. */
export function exifTiff(meta: OutputMetadata, keepGps: boolean): Uint8Array | null {
  const date = meta.takenAt ? exifDate(meta.takenAt) : null;
  const ifd0: Entry[] = [];
  if (meta.description) ifd0.push(ascii(0x010e, meta.description.slice(0, 2000)));
  if (meta.make) ifd0.push(ascii(0x010f, meta.make));
  if (meta.model) ifd0.push(ascii(0x0110, meta.model));
  if (date) ifd0.push(ascii(0x0132, date));
  const exif: Entry[] = date ? [ascii(0x9003, date)] : [];
  const gps: Entry[] = keepGps && meta.gps ? [
    { tag: 0, type: 1, count: 4, data: new Uint8Array([2, 3, 0, 0]) },
    ascii(1, meta.gps.latitude < 0 ? 'S' : 'N'), rationals(2, dms(meta.gps.latitude)),
    ascii(3, meta.gps.longitude < 0 ? 'W' : 'E'), rationals(4, dms(meta.gps.longitude)),
  ] : [];
  if (!ifd0.length && !gps.length) return null;
  // Pointer entries are filled in once the offsets are known; sizes do not depend on their values.
  if (exif.length) ifd0.push(long(0x8769, 0));
  if (gps.length) ifd0.push(long(0x8825, 0));
  const ifds = [ifd0, exif, gps].filter((e) => e.length);
  const sizeOf = (entries: Entry[]) => 2 + 12 * entries.length + 4 + entries.reduce((n, e) => n + (e.data.length > 4 ? e.data.length + (e.data.length % 2) : 0), 0);
  const offsets: number[] = [];
  let at = 8;
  for (const entries of ifds) {
    offsets.push(at);
    at += sizeOf(entries);
  }
  if (exif.length) ifd0.find((e) => e.tag === 0x8769)!.data = le32(offsets[ifds.indexOf(exif)]);
  if (gps.length) ifd0.find((e) => e.tag === 0x8825)!.data = le32(offsets[ifds.indexOf(gps)]);
  const out = new Uint8Array(at);
  const view = new DataView(out.buffer);
  out.set([0x49, 0x49, 0x2a, 0x00]);
  view.setUint32(4, 8, true);
  ifds.forEach((entries, k) => {
    entries.sort((a, b) => a.tag - b.tag);
    let p = offsets[k], data = p + 2 + 12 * entries.length + 4;
    view.setUint16(p, entries.length, true);
    p += 2;
    for (const e of entries) {
      view.setUint16(p, e.tag, true);
      view.setUint16(p + 2, e.type, true);
      view.setUint32(p + 4, e.count, true);
      if (e.data.length <= 4) out.set(e.data, p + 8);
      else {
        view.setUint32(p + 8, data, true);
        out.set(e.data, data);
        data += e.data.length + (e.data.length % 2);
      }
      p += 12;
    }
    view.setUint32(p, 0, true); // no next IFD
  });
  return out;
}

export function withMetadata(file: Uint8Array, format: OutputFormat, meta: OutputMetadata, keepGps: boolean): Uint8Array {
  const tiff = exifTiff(meta, keepGps);
  if (!tiff) return file;
  if (format === 'jpeg') return jpegWithExif(file, tiff);
  if (format === 'png') return pngWithExif(file, tiff);
  return webpWithExif(file, tiff);
}

function jpegWithExif(jpeg: Uint8Array, tiff: Uint8Array): Uint8Array {
  const app1 = concat([new Uint8Array([0xff, 0xe1, (tiff.length + 8) >> 8, (tiff.length + 8) & 0xff]), new TextEncoder().encode('Exif\0\0'), tiff]);
  // After JFIF's APP0 when there is one (it must come first), else right after SOI.
  const at = jpeg[2] === 0xff && jpeg[3] === 0xe0 ? 4 + ((jpeg[4] << 8) | jpeg[5]) : 2;
  return concat([jpeg.subarray(0, at), app1, jpeg.subarray(at)]);
}

const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function pngWithExif(png: Uint8Array, tiff: Uint8Array): Uint8Array {
  const typed = concat([new TextEncoder().encode('eXIf'), tiff]);
  const be = (v: number) => new Uint8Array([v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff]);
  const chunk = concat([be(tiff.length), typed, be(crc32(typed))]);
  // Before the first IDAT, as the PNG 1.5 extension asks.
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  let at = 8;
  while (at < png.length && String.fromCharCode(...png.subarray(at + 4, at + 8)) !== 'IDAT') at += 12 + view.getUint32(at);
  return concat([png.subarray(0, at), chunk, png.subarray(at)]);
}

function webpWithExif(webp: Uint8Array, tiff: Uint8Array): Uint8Array {
  const view = new DataView(webp.buffer, webp.byteOffset, webp.byteLength);
  const first = String.fromCharCode(...webp.subarray(12, 16));
  const le24 = (v: number) => [v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff];
  let body = webp.subarray(12);
  if (first !== 'VP8X') {
    // A simple file: wrap it in a VP8X container, which is what may carry EXIF. Canvas size from the bitstream.
    let w: number, h: number, alpha = 0;
    if (first === 'VP8L') {
      const bits = view.getUint32(21, true);
      w = (bits & 0x3fff) + 1;
      h = ((bits >>> 14) & 0x3fff) + 1;
      alpha = (bits >>> 28) & 1 ? 0x10 : 0;
    } else {
      w = view.getUint16(26, true) & 0x3fff;
      h = view.getUint16(28, true) & 0x3fff;
    }
    const vp8x = new Uint8Array([0x56, 0x50, 0x38, 0x58, 10, 0, 0, 0, alpha, 0, 0, 0, ...le24(w - 1), ...le24(h - 1)]);
    body = concat([vp8x, body]);
  }
  body = body.slice();
  body[8] |= 0x08; // EXIF present
  const exifChunk = concat([new TextEncoder().encode('EXIF'), le32(tiff.length), tiff, tiff.length % 2 ? new Uint8Array(1) : new Uint8Array(0)]);
  const riff = concat([new TextEncoder().encode('RIFF'), le32(4 + body.length + exifChunk.length), new TextEncoder().encode('WEBP'), body, exifChunk]);
  return riff;
}
