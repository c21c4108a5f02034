// What our codec needs from an AVIF (ISO-BMFF `meta`, read with heif.ts): the primary item's AV1 data,
// its alpha auxiliary item's, the `ispe` size, `irot`/`imir` as one EXIF orientation, and the ICC profile
// of its `colr`. Grid (tiled) and other derived primary items are refused as unsupported.
import { concat, u32be } from './bytes';
import { associations, ilocItem, itemTypes, metaChildren, primaryItem } from './heif';
import { findBox, isoBoxes, type IsoBox } from './isobmff';

export interface AvifImage {
  colour: Uint8Array;
  alpha: Uint8Array | null;
  /** As stored (before irot/imir). */
  width: number;
  height: number;
  /** irot then imir (in the order `ipma` lists them) as the EXIF orientation that does the same. */
  orientation: number;
  icc: Uint8Array | null;
}

export class AvifUnsupported extends Error {}

const ALPHA_URNS = ['urn:mpeg:mpegB:cicp:systems:auxiliary:alpha', 'urn:mpeg:hevc:2015:auxid:1'];

/** True when `b` starts with an `ftyp` naming an AVIF brand. */
export function isAvif(b: Uint8Array): boolean {
  if (b.length < 16 || String.fromCharCode(...b.subarray(4, 8)) !== 'ftyp') return false;
  const size = Math.min(u32be(b, 0), b.length, 256);
  for (let i = 8; i + 4 <= size; i += 4) if (/^avi[fs]$/.test(String.fromCharCode(...b.subarray(i, i + 4)))) return true;
  return false;
}

/** Throws RangeError for a damaged container, AvifUnsupported for what we do not decode. */
export function readAvif(b: Uint8Array): AvifImage {
  const children = metaChildren(b);
  if (!children) throw new RangeError('the AVIF has no meta box');
  const pitm = findBox(children, 'pitm'), iinf = findBox(children, 'iinf'), iloc = findBox(children, 'iloc'), iprp = findBox(children, 'iprp');
  if (!pitm || !iinf || !iloc || !iprp) throw new RangeError('the AVIF meta box lacks pitm, iinf, iloc or iprp');
  const primary = primaryItem(b, pitm);
  const types = itemTypes(b, iinf);
  if (types.get(primary) !== 'av01') throw new AvifUnsupported(`the primary AVIF item is '${types.get(primary) ?? 'missing'}', not a single AV1 image`);
  const iprpChildren = isoBoxes(b, iprp.body, iprp.end);
  const ipco = findBox(iprpChildren, 'ipco');
  const props: IsoBox[] = ipco ? isoBoxes(b, ipco.body, ipco.end) : [];
  const propsOf = (item: number) => iprpChildren.filter((x) => x.type === 'ipma').flatMap((ipma) => associations(b, ipma, item)).map((i) => props[i - 1]).filter(Boolean);

  let width = 0, height = 0, orientation = 1;
  let icc: Uint8Array | null = null;
  for (const p of propsOf(primary)) {
    if (p.type === 'ispe') (width = u32be(b, p.body + 4)), (height = u32be(b, p.body + 8));
    if (p.type === 'irot') orientation = compose(orientation, [1, 8, 3, 6][b[p.body] & 3]);
    if (p.type === 'imir') orientation = compose(orientation, b[p.body] & 1 ? 4 : 2);
    if (p.type === 'colr' && /^(prof|rICC)$/.test(String.fromCharCode(...b.subarray(p.body, p.body + 4)))) icc = b.subarray(p.body + 4, p.end);
  }
  if (!width || !height) throw new RangeError('the primary AVIF item has no ispe size');

  let alpha: Uint8Array | null = null;
  for (const [id, from] of auxiliaries(b, findBox(children, 'iref'), primary)) {
    if (types.get(id) !== 'av01' || from !== primary) continue;
    const auxC = propsOf(id).find((p) => p.type === 'auxC');
    const urn = auxC ? new TextDecoder().decode(b.subarray(auxC.body + 4, auxC.end)).replace(/\0.*$/s, '') : '';
    if (ALPHA_URNS.includes(urn)) alpha = itemData(b, children, iloc, id);
  }
  return { colour: itemData(b, children, iloc, primary), alpha, width, height, orientation, icc };
}

/** [auxiliary item, the item it belongs to] pairs of `auxl` references. */
function auxiliaries(b: Uint8Array, iref: IsoBox | undefined, primary: number): [number, number][] {
  if (!iref) return [];
  const wide = b[iref.body] !== 0;
  const out: [number, number][] = [];
  for (const ref of isoBoxes(b, iref.body + 4, iref.end)) {
    if (ref.type !== 'auxl') continue;
    let i = ref.body;
    const id = () => {
      const v = wide ? u32be(b, i) : (b[i] << 8) | b[i + 1];
      i += wide ? 4 : 2;
      return v;
    };
    const from = id();
    const n = (b[i] << 8) | b[i + 1];
    i += 2;
    for (let k = 0; k < n && i < ref.end; k++) if (id() === primary) out.push([from, primary]);
  }
  return out;
}

function itemData(b: Uint8Array, children: IsoBox[], iloc: IsoBox, id: number): Uint8Array {
  const item = ilocItem(b, iloc, id);
  if (!item || !item.extents.length) throw new RangeError(`AVIF item ${id} has no location`);
  let base = 0, limit = b.length;
  if (item.method === 1) {
    const idat = findBox(children, 'idat');
    if (!idat) throw new RangeError('AVIF item data in a missing idat');
    (base = idat.body), (limit = idat.end);
  } else if (item.method !== 0) {
    throw new AvifUnsupported('AVIF item data built from other items is not decoded');
  }
  const parts = item.extents.map(({ offset, length }) => {
    const start = base + offset, end = length === 0 ? limit : start + length;
    if (end > limit) throw new RangeError('the AVIF is truncated: an item extent ends past the file');
    return b.subarray(start, end);
  });
  return concat(parts);
}

// EXIF orientations as 2×2 matrices on (x, y), y pointing down: what to do to the stored image to show it.
const M: Record<number, number[]> = { 1: [1, 0, 0, 1], 2: [-1, 0, 0, 1], 3: [-1, 0, 0, -1], 4: [1, 0, 0, -1], 5: [0, 1, 1, 0], 6: [0, -1, 1, 0], 7: [0, -1, -1, 0], 8: [0, 1, -1, 0] };

/** `first` then `then`, as one EXIF orientation. */
export function compose(first: number, then: number): number {
  const [a, b2, c, d] = M[then], [e, f, g, h] = M[first];
  const m = [a * e + b2 * g, a * f + b2 * h, c * e + d * g, c * f + d * h];
  return Number(Object.keys(M).find((k) => M[Number(k)].every((v, i) => v === m[i])));
}
