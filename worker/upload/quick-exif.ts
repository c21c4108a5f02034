// The handful of EXIF fields shown in the upload ack, read from the file's head only.
import exifr from 'exifr';
import type { QuickExif } from '../contract/photo';
import { exifDate } from '../formats/exif';
import { webpExif } from '../formats/webp';

const PICK = ['Make', 'Model', 'Orientation', 'DateTimeOriginal', 'OffsetTimeOriginal', 'CreateDate'];

// Formats that carry EXIF and that exifr reads (WebP through `webpExif`); GIF has no EXIF.
const CARRIES_EXIF = /^image\/(jpeg|tiff|heic|heif|avif|png|webp)$/;

export async function quickExif(head: Uint8Array, mime: string): Promise<QuickExif | null> {
  if (!CARRIES_EXIF.test(mime)) return null;
  const input = mime === 'image/webp' ? await webpExif(head) : head;
  if (!input) return null;
  let raw: Record<string, unknown> | undefined;
  try {
    raw = await exifr.parse(input, {
      pick: PICK,
      translateValues: false, // keep Orientation numeric
      reviveValues: false, // keep the EXIF date string; we attach its own offset below
      xmp: false,
      icc: false,
      iptc: false,
      jfif: false,
      ihdr: false,
    });
  } catch (err) {
    // Best effort by design: a head without readable EXIF is normal (stripped files, HEICs that keep
    // EXIF at the end). The exif stage reads the whole file later.
    console.warn('quick exif unreadable', mime, String(err));
    return null;
  }
  if (!raw) return null;
  const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : null);
  const orientation = typeof raw.Orientation === 'number' ? raw.Orientation : undefined;
  return {
    make: text(raw.Make),
    model: text(raw.Model),
    takenAt: exifDate(text(raw.DateTimeOriginal) ?? text(raw.CreateDate), text(raw.OffsetTimeOriginal)),
    ...(orientation !== undefined && { orientation }),
  };
}
