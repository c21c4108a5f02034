// What the search index keeps about one photo: the fields filters need, the words text search matches,
// and (once analysed) the int8 embedding. Built from a photo row of D1 or from a feed event's photo.
import type { Exif, PhotoKind, QuickExif } from '../contract/photo';

export interface IndexEntry {
  id: string;
  /** Sort key of "newest first": the time taken (its instant), else the upload time; epoch ms. */
  t: number;
  /** The calendar day taken as yyyymmdd, in the photo's own local time (what `from`/`to` compare). */
  day: number;
  kind: PhotoKind;
  /** NaN when the photo has no position. */
  lat: number;
  lon: number;
  /** Lowercased; "" when unknown. */
  make: string;
  model: string;
  /** Lowercased analysis tags and embedded keywords. */
  tags: string[];
  /** The people whose faces are on the photo (ids; usually none). */
  people: string[];
  /** Normalised words of caption, detailed description, OCR text, filename, title, description, keywords and tags: " w1 w2 …". */
  text: string;
  /** Embedding model key (id@version) and its int8 values, when the photo has been analysed. */
  embeddingModel: string | null;
  /** undefined: unchanged (a metadata-only update keeps the embedding the index already has). */
  vector: Int8Array | null | undefined;
}

/** A photo as the index reads it: a D1 row (JSON columns as text) or a feed event's photo (parsed). */
export interface SourcePhoto {
  id: string;
  filename: string;
  kind: PhotoKind;
  exif: string | (QuickExif & Partial<Exif>) | null;
  created_at: number;
  caption: string | null;
  detailed_description?: string | null;
  ocr_text?: string | null;
  tags: string | Array<{ label: string }> | null;
  embedding_model: string | null;
  /** Person ids of the photo's faces: a JSON array from D1, or the faces of a feed event's photo. */
  people?: string | string[] | null;
}

const parsed = <T>(v: unknown): T | null => (typeof v === 'string' ? (JSON.parse(v) as T) : ((v ?? null) as T | null));

/** Lowercase, no diacritics, words separated by single spaces (with a leading one: " word" = word start). */
export function words(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/** Shared by every photo without people: most of a library, one array instead of 100,000. */
export const NO_PEOPLE: string[] = Object.freeze([]) as unknown as string[];

export function peopleList(ids: Iterable<string | null | undefined>): string[] {
  const list = [...new Set([...ids].filter((x): x is string => !!x))].sort();
  return list.length ? list : NO_PEOPLE;
}

export const label = (s: string) => s.normalize('NFKC').trim().toLowerCase();

export function toEntry(p: SourcePhoto, vector: Int8Array | null | undefined): IndexEntry {
  const exif = parsed<QuickExif & Partial<Exif>>(p.exif);
  const analysisTags = (parsed<Array<{ label: string }>>(p.tags) ?? []).map((t) => t.label);
  const keywords = exif?.keywords ?? [];
  const tags = [...new Set([...analysisTags, ...keywords].map(label).filter(Boolean))];
  const takenAt = exif?.takenAt ?? null;
  const takenMs = takenAt ? Date.parse(takenAt) : NaN;
  const localDay = takenAt && Number.isFinite(takenMs) ? /^(\d{4})-(\d{2})-(\d{2})/.exec(takenAt) : null;
  const t = Number.isFinite(takenMs) ? takenMs : p.created_at;
  const day = localDay ? Number(localDay[1] + localDay[2] + localDay[3]) : Number(new Date(p.created_at).toISOString().slice(0, 10).replaceAll('-', ''));
  const gps = exif?.gps;
  const text = [p.caption, p.detailed_description, p.ocr_text, p.filename, exif?.title, exif?.description, ...keywords, ...analysisTags].filter(Boolean).join(' ');
  return {
    id: p.id,
    t,
    day,
    kind: p.kind,
    lat: gps && Number.isFinite(gps.latitude) ? gps.latitude : NaN,
    lon: gps && Number.isFinite(gps.longitude) ? gps.longitude : NaN,
    make: label(exif?.make ?? ''),
    model: label(exif?.model ?? ''),
    tags,
    people: peopleList(parsed<Array<string | null>>(p.people) ?? []),
    text: ' ' + words(text).join(' '),
    embeddingModel: vector === null ? null : p.embedding_model,
    vector,
  };
}
