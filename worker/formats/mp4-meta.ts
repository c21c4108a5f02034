// Where phones and cameras put place, make and model in a QuickTime/MP4 movie:
// - `udta` strings `©xyz`/`©mak`/`©mod` (older QuickTime, Android's MediaMuxer, many cameras);
// - an `mdta` `meta` (keys + ilst) with `com.apple.quicktime.*` names (iPhones; in `moov` or `udta`).
import { child, children, fourcc, u16, u32, type Box } from './mp4-boxes';

export interface Gps {
  lat: number;
  lon: number;
  alt?: number;
}

export interface MovieTags {
  location: string | null;
  make: string | null;
  model: string | null;
  creationDate: string | null;
}

const UDTA: Record<string, keyof MovieTags> = { '\xa9xyz': 'location', '\xa9mak': 'make', '\xa9mod': 'model' };
const KEYS: Record<string, keyof MovieTags> = {
  'com.apple.quicktime.location.ISO6709': 'location',
  'com.apple.quicktime.make': 'make',
  'com.apple.quicktime.model': 'model',
  'com.apple.quicktime.creationdate': 'creationDate',
};
const utf8 = new TextDecoder();
const text = (b: Uint8Array) => utf8.decode(b).replace(/\0+$/, '').trim() || null;

/** Collects the tags from `udta` and `meta` boxes found directly in moov (the first value found wins). */
export function readMovieTags(b: Uint8Array, base: number, moovKids: Box[]): MovieTags {
  const tags: MovieTags = { location: null, make: null, model: null, creationDate: null };
  const set = (k: keyof MovieTags, v: string | null) => {
    if (v && !tags[k]) tags[k] = v;
  };
  const metas = moovKids.filter((x) => x.type === 'meta');
  const udta = child(moovKids, 'udta');
  if (udta) {
    for (const item of children(b, base, udta.body, udta.end)) {
      if (item.type === 'meta') metas.push(item);
      else if (UDTA[item.type]) set(UDTA[item.type], udtaString(b.subarray(item.body - base, item.end - base)));
    }
  }
  for (const meta of metas) for (const [k, v] of mdtaItems(b, base, meta)) set(k, v);
  return tags;
}

/** A udta string is `len16 lang16 text`; some writers use an iTunes-style `data` box instead. */
function udtaString(p: Uint8Array): string | null {
  if (p.length >= 16 && fourcc(p, 4) === 'data') return text(p.subarray(16, Math.min(p.length, u32(p, 0))));
  if (p.length < 4) return null;
  return text(p.subarray(4, Math.min(p.length, 4 + u16(p, 0))));
}

/** keys + ilst: ilst items are typed by their 1-based index into keys (or by fourcc when there are no keys). */
function mdtaItems(b: Uint8Array, base: number, meta: Box): [keyof MovieTags, string | null][] {
  // ISO `meta` is a FullBox (4 bytes of version/flags); Apple's QuickTime `meta` is not.
  // Apple's starts straight with a child box, whose type bytes sit at offset 4.
  const plain = meta.body + 8 <= meta.end && /^(hdlr|keys|ilst)$/.test(fourcc(b, meta.body + 4 - base));
  const kids = children(b, base, plain ? meta.body : meta.body + 4, meta.end);
  const keys = child(kids, 'keys');
  const ilst = child(kids, 'ilst');
  if (!ilst) return [];
  const out: [keyof MovieTags, string | null][] = [];
  if (!keys) {
    // Without keys, items are typed by fourcc (iTunes style: `udta/meta/ilst/©xyz/data`).
    for (const item of children(b, base, ilst.body, ilst.end)) if (UDTA[item.type]) out.push([UDTA[item.type], dataText(b, base, item)]);
    return out;
  }
  const names: string[] = [];
  const count = u32(b, keys.body + 4 - base);
  // Entries are `size32 namespace32 name`; the count is trusted only as far as the bytes go.
  for (let at = keys.body + 8, i = 0; i < count && at + 8 <= keys.end; i++) {
    const size = u32(b, at - base);
    if (size < 8 || at + size > keys.end) break;
    names.push(utf8.decode(b.subarray(at + 8 - base, at + size - base)));
    at += size;
  }
  for (const item of children(b, base, ilst.body, ilst.end)) {
    const name = names[u32(b, item.start + 4 - base) - 1];
    const field = name === undefined ? undefined : KEYS[name];
    if (field) out.push([field, dataText(b, base, item)]);
  }
  return out;
}

/** An ilst item's `data` child: type indicator (4) + locale (4), then the value; type 1 is UTF-8. */
function dataText(b: Uint8Array, base: number, item: Box): string | null {
  const data = child(children(b, base, item.body, item.end), 'data');
  if (!data || data.body + 8 > data.end || u32(b, data.body - base) !== 1) return null;
  return text(b.subarray(data.body + 8 - base, data.end - base));
}

/** ISO 6709 point: ±DD.D±DDD.D[±ALT]/ (also the ±DDMM.M / ±DDMMSS.S forms the standard allows). */
export function parseIso6709(s: string | null): Gps | null {
  const m = s?.match(/^([+-])(\d+)(\.\d+)?([+-])(\d+)(\.\d+)?(?:([+-]\d+(?:\.\d+)?))?/);
  if (!m) return null;
  const lat = sexagesimal(m[1], m[2], m[3], 2);
  const lon = sexagesimal(m[4], m[5], m[6], 3);
  if (lat === null || lon === null || Math.abs(lat) > 90 || Math.abs(lon) > 180) return null;
  const gps: Gps = { lat, lon };
  if (m[7] !== undefined) gps.alt = Number(m[7]);
  return gps;
}

function sexagesimal(sign: string, int: string, frac: string | undefined, degDigits: number): number | null {
  const f = Number(`0${frac ?? ''}`);
  const n = int.length - degDigits;
  let v: number;
  if (n === 0) v = Number(int) + f;
  else if (n === 2) v = Number(int.slice(0, degDigits)) + (Number(int.slice(degDigits)) + f) / 60;
  else if (n === 4) v = Number(int.slice(0, degDigits)) + Number(int.slice(degDigits, degDigits + 2)) / 60 + (Number(int.slice(degDigits + 2)) + f) / 3600;
  else return null;
  return sign === '-' ? -v : v;
}
