// Request filters, compiled into one predicate over the index's columns. Everything here runs in memory
// inside the library's index: a filtered query reads no more rows from D1 than an unfiltered one.
import type { SearchRequest } from '../contract/search';
import { label, words } from './entry';

/** The filters of a request, as they travel to the index (plain data: they cross an RPC boundary). */
export interface Filters {
  words?: string[];
  tags?: string[];
  camera?: string;
  fromDay?: number;
  toDay?: number;
  near?: { lat: number; lon: number; km: number };
  kind?: 'image' | 'video';
  /** A person id: photos with at least one face of that person. */
  person?: string;
}

/** The columns a predicate reads; LibraryIndex provides them. */
export interface Columns {
  day: Int32Array;
  kind: Uint8Array;
  lat: Float64Array;
  lon: Float64Array;
  make: string[];
  model: string[];
  tags: string[][];
  /** Person ids of each slot's faces. */
  people: string[][];
  text: string[];
}

export const KIND_CODE = { image: 0, video: 1 } as const;

const dayNumber = (isoDate: string) => Number(isoDate.slice(0, 10).replaceAll('-', ''));

export function toFilters(req: SearchRequest): Filters {
  const f: Filters = {};
  const w = req.text ? words(req.text) : [];
  if (w.length) f.words = [...new Set(w)];
  if (req.tags?.length) f.tags = [...new Set(req.tags.map(label))];
  if (req.camera) f.camera = label(req.camera);
  if (req.from) f.fromDay = dayNumber(req.from);
  if (req.to) f.toDay = dayNumber(req.to);
  if (req.near) f.near = req.near;
  if (req.kind) f.kind = req.kind;
  if (req.person) f.person = req.person;
  return f;
}

export const hasFilters = (f: Filters) => Object.keys(f).length > 0;

const EARTH_KM = 6371.0088;
const rad = (deg: number) => (deg * Math.PI) / 180;

/** Great-circle distance (haversine). */
export function distanceKm(lat1: number, lon1: number, lat2: number, lon2: number) {
  const a = Math.sin(rad(lat2 - lat1) / 2) ** 2 + Math.cos(rad(lat1)) * Math.cos(rad(lat2)) * Math.sin(rad(lon2 - lon1) / 2) ** 2;
  return 2 * EARTH_KM * Math.asin(Math.min(1, Math.sqrt(a)));
}

/** null when nothing filters. Cheap tests run first; text (substring search) runs last. */
export function compile(f: Filters, c: Columns): ((slot: number) => boolean) | null {
  const tests: Array<(slot: number) => boolean> = [];
  // Most photos show nobody: the most selective test, and one comparison of an empty array's length.
  if (f.person) {
    const who = f.person;
    tests.push((s) => c.people[s].includes(who));
  }
  if (f.kind) {
    const k = KIND_CODE[f.kind];
    tests.push((s) => c.kind[s] === k);
  }
  if (f.fromDay !== undefined || f.toDay !== undefined) {
    const lo = f.fromDay ?? 0;
    const hi = f.toDay ?? 99999999;
    tests.push((s) => c.day[s] >= lo && c.day[s] <= hi);
  }
  if (f.near) {
    const { lat, lon, km } = f.near;
    // A latitude band first: one subtraction rules out most of the world before the trigonometry.
    const band = km / 111.2 + 1e-9;
    tests.push((s) => Math.abs(c.lat[s] - lat) <= band && distanceKm(lat, lon, c.lat[s], c.lon[s]) <= km);
  }
  if (f.camera) {
    const cam = f.camera;
    tests.push((s) => {
      const make = c.make[s];
      const model = c.model[s];
      return (make !== '' && make === cam) || (model !== '' && model === cam) || (make !== '' && cam === `${make} ${model}`);
    });
  }
  if (f.tags) {
    const need = f.tags;
    tests.push((s) => need.every((t) => c.tags[s].includes(t)));
  }
  if (f.words) {
    const starts = f.words.map((w) => ' ' + w);
    tests.push((s) => starts.every((w) => c.text[s].includes(w)));
  }
  if (!tests.length) return null;
  return (s) => {
    for (const t of tests) if (!t(s)) return false;
    return true;
  };
}
