// The photo's displayed size when the upload did not record one (rows from before sizes were always
// read, or a resumable upload inspected before this check existed). A completed image never has null
// dimensions: a file whose size cannot be read anywhere fails here, before anything decodes it.
import type { Size } from '../db/pipeline-stages';
import { PermanentError } from '../errors';
import type { ReadRange } from '../formats/bytes';
import { readImageSize } from '../formats/image-size';
import { sniff } from '../formats/sniff';

const HEAD = 256 * 1024;

export async function readDisplayedSize(mime: string, bytes: number, orientation: number, read: ReadRange): Promise<Size> {
  const head = await read(0, Math.min(HEAD, bytes));
  let sniffed;
  try {
    sniffed = sniff(head, head.length >= bytes);
  } catch (err) {
    throw new PermanentError(`The image header is unusable: ${err instanceof Error ? err.message : String(err)}`);
  }
  const size = sniffed.width !== null && sniffed.height !== null
    ? [sniffed.width, sniffed.height]
    : await readImageSize(mime, bytes, read).catch((err) => (err instanceof RangeError ? null : Promise.reject(err)));
  if (!size || !size[0] || !size[1]) throw new PermanentError('The image holds no readable dimensions.');
  const swap = !sniffed.rotationApplied && orientation >= 5 && orientation <= 8;
  return swap ? { width: size[1], height: size[0] } : { width: size[0], height: size[1] };
}

/** The pixel limit, checked again right before a decode (the upload check may predate a lower limit). */
export function assertDecodable(width: number | null, height: number | null, maxMegapixels: number) {
  if (width === null || height === null) throw new PermanentError('The image size is unknown; it is not decoded blind.');
  if (width * height > maxMegapixels * 1_000_000) {
    throw new PermanentError(`The image is ${width}×${height} (${((width * height) / 1e6).toFixed(1)} MP); the limit is ${maxMegapixels} MP.`);
  }
}
