// HEIF and AVIF items (ISO-BMFF `meta`): the primary image's displayed size and the Exif item's extent.
import { u16be, u32be } from './bytes';
import { findBox, isoBoxes, type IsoBox } from './isobmff';

/** The children of the top-level `meta` box (a FullBox), or null when it is not in `b`. */
function metaChildren(b: Uint8Array): IsoBox[] | null {
  const meta = findBox(isoBoxes(b, 0, b.length), 'meta');
  return meta ? isoBoxes(b, meta.body + 4, meta.end) : null;
}

/** Size of the primary item: its `ispe`, turned by its `irot` (libheif applies both when decoding). */
export function heifSize(b: Uint8Array): [number, number] | null {
  const children = metaChildren(b);
  if (!children) return null;
  const pitm = findBox(children, 'pitm');
  const iprp = findBox(children, 'iprp');
  if (!pitm || !iprp) return null;
  const primary = b[pitm.body] === 0 ? u16be(b, pitm.body + 4) : u32be(b, pitm.body + 4);
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
function associations(b: Uint8Array, ipma: IsoBox, item: number): number[] {
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

/** File extent of the `Exif` item, from `iinf` and `iloc` in the `meta` box. */
export function heifExifExtent(b: Uint8Array): { offset: number; length: number } | null {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const children = metaChildren(b);
  if (!children) return null;
  const iinf = findBox(children, 'iinf');
  const iloc = findBox(children, 'iloc');
  if (!iinf || !iloc) return null;

  let exifId: number | null = null;
  const countSize = b[iinf.body] === 0 ? 2 : 4;
  for (const infe of isoBoxes(b, iinf.body + 4 + countSize, iinf.end)) {
    const version = b[infe.body];
    if (infe.type !== 'infe' || version < 2) continue;
    const idSize = version === 2 ? 2 : 4;
    const id = idSize === 2 ? v.getUint16(infe.body + 4) : v.getUint32(infe.body + 4);
    const type = String.fromCharCode(...b.subarray(infe.body + 4 + idSize + 2, infe.body + 8 + idSize + 2));
    if (type === 'Exif') exifId = id;
  }
  if (exifId === null) return null;

  const version = b[iloc.body];
  let i = iloc.body + 4;
  const offsetSize = b[i] >> 4, lengthSize = b[i] & 15, baseSize = b[i + 1] >> 4;
  const indexSize = version === 1 || version === 2 ? b[i + 1] & 15 : 0;
  i += 2;
  const uint = (size: number) => {
    const value = size === 0 ? 0 : size === 2 ? v.getUint16(i) : size === 4 ? v.getUint32(i) : Number(v.getBigUint64(i));
    i += size;
    return value;
  };
  const items = uint(version < 2 ? 2 : 4);
  for (let n = 0; n < items && i < iloc.end; n++) {
    const id = uint(version < 2 ? 2 : 4);
    const method = version >= 1 ? uint(2) & 15 : 0;
    uint(2); // data_reference_index
    const base = uint(baseSize);
    const extents = uint(2);
    let first: { offset: number; length: number } | null = null;
    for (let e = 0; e < extents; e++) {
      uint(indexSize);
      const offset = uint(offsetSize);
      const length = uint(lengthSize);
      first ??= { offset: base + offset, length };
    }
    // Construction method 0 is "file offset"; 1 (inside idat) is rare for Exif and not handled.
    if (id === exifId) return method === 0 ? first : null;
  }
  return null;
}
