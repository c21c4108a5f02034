// The handful of EXIF fields shown in the upload ack, read from the file's head only.
import exifr from 'exifr';
import type { QuickExif } from '../contract/photo';

const PICK = ['Make', 'Model', 'Orientation', 'DateTimeOriginal', 'OffsetTimeOriginal', 'CreateDate'];

// Formats that carry EXIF and that exifr reads (WebP through `webpExif`); GIF has no EXIF.
const CARRIES_EXIF = /^image\/(jpeg|tiff|heic|heif|avif|png|webp)$/;

export async function quickExif(head: Uint8Array, mime: string): Promise<QuickExif | null> {
  if (!CARRIES_EXIF.test(mime)) return null;
  const input = mime === 'image/webp' ? webpExif(head) : head;
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

/** 'YYYY:MM:DD HH:MM:SS' (+ '+02:00') → ISO 8601, keeping local time and its offset when known. */
export function exifDate(value: string | null, offset: string | null): string | null {
  const m = value?.match(/^(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/);
  if (!m || m[1] === '0000') return null;
  const zone = offset && /^[+-]\d{2}:\d{2}$/.test(offset) ? offset : '';
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${zone}`;
}

/** exifr does not parse WebP: pull the TIFF block out of the RIFF `EXIF` chunk ourselves. */
export function webpExif(b: Uint8Array): Uint8Array | null {
  let i = 12;
  while (i + 8 <= b.length) {
    const type = String.fromCharCode(b[i], b[i + 1], b[i + 2], b[i + 3]);
    const size = (b[i + 4] | (b[i + 5] << 8) | (b[i + 6] << 16) | (b[i + 7] << 24)) >>> 0;
    if (type === 'EXIF') {
      let data = b.subarray(i + 8, Math.min(i + 8 + size, b.length));
      // Some writers keep the JPEG-style "Exif\0\0" prefix in the chunk.
      if (data[0] === 0x45 && data[1] === 0x78 && data[2] === 0x69 && data[3] === 0x66) data = data.subarray(6);
      return data;
    }
    i += 8 + size + (size & 1); // chunks are padded to even length
  }
  return null;
}
