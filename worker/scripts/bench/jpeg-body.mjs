// The upload benches' bodies: a real JPEG's first 4 KB (so the upload's sniffing and quick EXIF accept
// it), then filler, ending in a number unique per call so darkroom's dedupe never short-cuts one.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { root } from '../lib.mjs';

const jpegHead = readFileSync(path.join(root, 'worker/test/fixtures/photos/photo-noexif.jpg')).subarray(0, 4096);
let counter = 0;

/** A JPEG-headed body of `size` bytes (at least 8), unique per call. */
export function jpegBody(size) {
  const buf = Buffer.allocUnsafe(size);
  jpegHead.copy(buf, 0, 0, Math.min(jpegHead.length, size));
  for (let i = jpegHead.length; i + 4 <= size; i += 4) buf.writeUInt32LE((i * 2654435761) >>> 0, i);
  buf.writeDoubleLE(++counter + Math.random(), size - 8);
  return buf;
}
