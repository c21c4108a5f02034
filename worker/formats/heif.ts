// HEIF and AVIF items (ISO-BMFF `meta`): the primary image's displayed size and where the Exif item is.
// Every layout the spec allows is read: `iloc` versions 0–2 with field sizes 0/4/8, construction
// method 0 (file offsets) and 1 (inside `idat`), several extents per item, `infe` versions 2 and 3.
import { concat, u16be, u32be } from './bytes';
import { findBox, isoBoxes, type IsoBox } from './isobmff';

/** The children of the top-level `meta` box (a FullBox), or null when it is not in `b`. */
export function metaChildren(b: Uint8Array): IsoBox[] | null {
  const meta = findBox(isoBoxes(b, 0, b.length), 'meta');
  return meta ? isoBoxes(b, meta.body + 4, meta.end) : null;
}

/**
 * Size of the primary item: its `ispe`, turned by its `irot` (libheif applies both when decoding).
 * `b` starts at a top-level box: the file's head, or the `meta` box read on its own.
 */
export function heifSize(b: Uint8Array): [number, number] | null {
  const children = metaChildren(b);
  if (!children) return null;
  const pitm = findBox(children, 'pitm');
  const iprp = findBox(children, 'iprp');
  if (!pitm || !iprp) return null;
  const primary = primaryItem(b, pitm);
  const iprpChildren = isoBoxes(b, iprp.body, iprp.end);
  const ipco = findBox(iprpChildren, 'ipco');
  const properties: IsoBox[] = ipco ? isoBoxes(b, ipco.body, ipco.end) : [];
  let width: number | null = null;
  let height: number | null = null;
  let quarterTurns = 0;
  for (const ipma of iprpChildren.filter((x) => x.type === 'ipma')) {
    for (const index of associations(b, ipma, primary)) {
      const prop = properties[index - 1];
      if (prop?.type === 'ispe' && prop.body + 12 <= b.length) {
        width = u32be(b, prop.body + 4);
        height = u32be(b, prop.body + 8);
      }
      if (prop?.type === 'irot' && prop.body < b.length) quarterTurns = b[prop.body] & 3;
    }
  }
  if (width === null || height === null) return null;
  return quarterTurns % 2 ? [height, width] : [width, height];
}

/** Property indexes (1-based) associated with `item` in an `ipma` box. */
export function associations(b: Uint8Array, ipma: IsoBox, item: number): number[] {
  const version = b[ipma.body];
  const wide = (b[ipma.body + 3] & 1) === 1;
  let i = ipma.body + 4;
  const entries = u32be(b, i);
  i += 4;
  for (let e = 0; e < entries && i < ipma.end; e++) {
    const id = version < 1 ? u16be(b, i) : u32be(b, i);
    i += version < 1 ? 2 : 4;
    const n = b[i++];
    const found: number[] = [];
    for (let a = 0; a < n; a++) {
      found.push(wide ? u16be(b, i) & 0x7fff : b[i] & 0x7f);
      i += wide ? 2 : 1;
    }
    if (id === item) return found;
  }
  return [];
}

export interface Extent {
  offset: number;
  length: number;
}

/**
 * Where the `Exif` item's bytes are: file extents (construction method 0) to read in order, or the
 * bytes themselves when they live in `idat` (method 1) inside the `meta` box we were given.
 */
export type ExifLocation = { kind: 'file'; extents: Extent[] } | { kind: 'bytes'; bytes: Uint8Array };

/** The `Exif` item, from `iinf` and `iloc` in the `meta` box. Null when there is none or it is unreadable. */
export function heifExifLocation(b: Uint8Array): ExifLocation | null {
  const children = metaChildren(b);
  if (!children) return null;
  const iinf = findBox(children, 'iinf');
  const iloc = findBox(children, 'iloc');
  if (!iinf || !iloc) return null;
  const exifId = exifItemId(b, iinf);
  if (exifId === null) return null;
  const item = ilocItem(b, iloc, exifId);
  if (!item || !item.extents.length) return null;
  if (item.method === 0) return { kind: 'file', extents: item.extents };
  if (item.method !== 1) return null; // 2 = item offsets into another item: not used for Exif
  const idat = findBox(children, 'idat');
  if (!idat) return null;
  const parts: Uint8Array[] = [];
  for (const { offset, length } of item.extents) {
    const start = idat.body + offset;
    const end = length === 0 ? idat.end : start + length;
    if (end > idat.end) return null;
    parts.push(b.subarray(start, end));
  }
  return { kind: 'bytes', bytes: concat(parts) };
}

function exifItemId(b: Uint8Array, iinf: IsoBox): number | null {
  for (const [id, type] of itemTypes(b, iinf)) if (type === 'Exif') return id;
  return null;
}

/** Item id → item type (`av01`, `hvc1`, `Exif`…) from the `infe` entries (versions 2 and 3) of `iinf`. */
export function itemTypes(b: Uint8Array, iinf: IsoBox): Map<number, string> {
  const out = new Map<number, string>();
  const countSize = b[iinf.body] === 0 ? 2 : 4;
  for (const infe of isoBoxes(b, iinf.body + 4 + countSize, iinf.end)) {
    const version = b[infe.body];
    if (infe.type !== 'infe' || version < 2) continue;
    const idSize = version === 2 ? 2 : 4;
    if (infe.body + 4 + idSize + 6 > infe.end) continue;
    const id = idSize === 2 ? u16be(b, infe.body + 4) : u32be(b, infe.body + 4);
    const typeAt = infe.body + 4 + idSize + 2; // after item_ID and item_protection_index
    if (!out.has(id)) out.set(id, String.fromCharCode(...b.subarray(typeAt, typeAt + 4)));
  }
  return out;
}

/** The primary item's id, from `pitm` (a 16-bit id in version 0, 32-bit after). */
export const primaryItem = (b: Uint8Array, pitm: IsoBox) => (b[pitm.body] === 0 ? u16be(b, pitm.body + 4) : u32be(b, pitm.body + 4));

/** One item's construction method and extents (offsets already include its base offset). */
export function ilocItem(b: Uint8Array, iloc: IsoBox, wanted: number): { method: number; extents: Extent[] } | null {
  const version = b[iloc.body];
  if (version > 2) return null;
  let i = iloc.body + 4;
  if (i + 2 > iloc.end) return null;
  const offsetSize = b[i] >> 4, lengthSize = b[i] & 15, baseSize = b[i + 1] >> 4;
  const indexSize = version === 1 || version === 2 ? b[i + 1] & 15 : 0;
  if (![offsetSize, lengthSize, baseSize, indexSize].every((s) => s === 0 || s === 4 || s === 8)) return null;
  i += 2;
  const uint = (size: number) => {
    if (i + size > iloc.end) throw new RangeError('iloc ends early');
    const value = size === 0 ? 0 : size === 2 ? u16be(b, i) : size === 4 ? u32be(b, i) : u32be(b, i) * 2 ** 32 + u32be(b, i + 4);
    i += size;
    return value;
  };
  try {
    const items = uint(version < 2 ? 2 : 4);
    for (let n = 0; n < items; n++) {
      const id = uint(version < 2 ? 2 : 4);
      const method = version >= 1 ? uint(2) & 15 : 0;
      uint(2); // data_reference_index
      const base = uint(baseSize);
      const count = uint(2);
      const extents: Extent[] = [];
      for (let e = 0; e < count; e++) {
        uint(indexSize);
        const offset = uint(offsetSize);
        extents.push({ offset: base + offset, length: uint(lengthSize) });
      }
      if (id === wanted) return { method, extents };
    }
  } catch (err) {
    if (err instanceof RangeError) return null;
    throw err;
  }
  return null;
}
