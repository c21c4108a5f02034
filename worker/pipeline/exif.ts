// Stage 1: full metadata with exifr, read with range requests (see formats/exif.ts).
import exifr from 'exifr';
import type { Exif } from '../contract/photo';
import { originalKey } from '../storage/keys';
import { exifDate, locateMetadata } from '../formats/exif';
import { decodeXmlEntities } from '../formats/xml-entities';
import type { StageResult } from '../db/pipeline-stages';
import type { StageContext } from './stage-context';
import { readDisplayedSize } from './dimensions';

export async function runExif({ env, photo }: StageContext): Promise<StageResult> {
  const key = originalKey(photo.libraryId, photo.id);
  const read = async (offset: number, length: number) => {
    const obj = await env.PHOTOS.get(key, { range: { offset, length } });
    if (!obj) throw new Error('the original is missing from storage');
    return new Uint8Array(await obj.arrayBuffer());
  };
  const source = await locateMetadata(photo.mime, photo.bytes, read);
  let raw: Record<string, unknown> = {};
  if (source.kind !== 'none') {
    try {
      raw = (await exifr.parse(source.bytes, {
        tiff: true, ifd0: {}, exif: true, gps: true, interop: false, ifd1: false,
        xmp: source.kind === 'file', iptc: source.kind === 'file', icc: false, jfif: false, ihdr: false,
        translateValues: false, reviveValues: false, mergeOutput: true,
      } as never)) ?? {};
    } catch (err) {
      // A file whose metadata block is damaged still develops; it just has none. Say so in the log.
      console.warn('exif unreadable', photo.id, String(err));
    }
  }
  const exif = normalize(raw);
  if (photo.width !== null && photo.height !== null) return { exif };
  // Later stages of this run read the size from the photo (variant boxes, the pixel check).
  const size = await readDisplayedSize(photo.mime, photo.bytes, exif.orientation, read);
  Object.assign(photo, size);
  return { exif, size };
}

const MAX_TEXT = 2000;

/** Text from a file is data: strip control characters and cap it; JSON and text nodes escape the rest. */
function text(value: unknown): string | null {
  if (Array.isArray(value)) value = value.join(', ');
  if (value && typeof value === 'object' && 'value' in value) value = (value as { value: unknown }).value; // XMP lang-alt
  if (typeof value === 'number') value = String(value);
  if (typeof value !== 'string') return null;
  // eslint-disable-next-line no-control-regex
  const clean = value.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '').trim();
  return clean ? clean.slice(0, MAX_TEXT) : null;
}

/** Values that come from XMP (XML): entities decoded first, then cleaned like any text. */
function xmpValue(value: unknown): unknown {
  if (typeof value === 'string') return decodeXmlEntities(value);
  if (Array.isArray(value)) return value.map(xmpValue);
  if (value && typeof value === 'object' && 'value' in value) return xmpValue((value as { value: unknown }).value);
  return value;
}

const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

function keywords(...values: unknown[]): string[] {
  const out = new Set<string>();
  for (const value of values) {
    for (const item of Array.isArray(value) ? value : value ? [value] : []) {
      const t = text(item);
      if (t) out.add(t.slice(0, 100));
    }
  }
  return [...out].slice(0, 100);
}

export function normalize(raw: Record<string, unknown>): Exif {
  const orientation = num(raw.Orientation);
  const offset = text(raw.OffsetTimeOriginal) ?? text(raw.OffsetTime);
  const lat = num(raw.latitude);
  const lon = num(raw.longitude);
  const altitude = num(raw.GPSAltitude);
  const below = raw.GPSAltitudeRef === 1 || (raw.GPSAltitudeRef instanceof Uint8Array && raw.GPSAltitudeRef[0] === 1);
  return {
    make: text(raw.Make),
    model: text(raw.Model),
    lens: text(raw.LensModel) ?? text(raw.Lens) ?? text(raw.LensInfo),
    iso: num(raw.ISO) ?? num(Array.isArray(raw.ISO) ? raw.ISO[0] : null) ?? num(raw.ISOSpeedRatings),
    fNumber: num(raw.FNumber),
    exposureTime: num(raw.ExposureTime),
    focalLength: num(raw.FocalLength),
    orientation: orientation !== null && orientation >= 1 && orientation <= 8 ? orientation : 1,
    takenAt: exifDate(text(raw.DateTimeOriginal) ?? text(raw.CreateDate) ?? text(raw.DateTimeDigitized), offset),
    offset: offset && /^[+-]\d{2}:\d{2}$/.test(offset) ? offset : null,
    // (0, 0) is a real place in the Gulf of Guinea; only a fix the receiver itself marked void is dropped.
    gps: lat !== null && lon !== null && raw.GPSStatus !== 'V'
      ? { latitude: round(lat), longitude: round(lon), altitude: altitude === null ? null : round(below ? -altitude : altitude, 2) }
      : null,
    software: text(raw.Software),
    // title, description, subject and Headline are XMP (dc:, photoshop:); Headline may also be IPTC,
    // whose text has no entities to decode.
    title: text(raw.ObjectName) ?? text(xmpValue(raw.title)) ?? text(xmpValue(raw.Headline)),
    description: text(raw.ImageDescription) ?? text(raw.Caption) ?? text(xmpValue(raw.description)),
    keywords: keywords(raw.Keywords, xmpValue(raw.subject)),
  };
}

const round = (n: number, places = 6) => Math.round(n * 10 ** places) / 10 ** places;
