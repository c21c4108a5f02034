// A search as the URL holds it (/search?q=red+car&tag=beach&from=2019-01-01…), the words typed in the
// box with their filter chips ("tag:beach camera:iphone"), and the body POST /api/search takes. Pure.
import type { SearchRequest } from '../../../worker/contract/search';

export interface Near { lat: number; lon: number; km: number }

export interface SearchQuery {
  /** Free words: encoded by the CLIP text model, or matched as text when there is no embedding model. */
  q: string;
  tags: string[];
  camera?: string;
  from?: string;
  to?: string;
  near?: Near;
  person?: string;
  kind?: 'image' | 'video';
  /** "More like this": rank by this photo's embedding. */
  similarTo?: string;
}

export const emptyQuery = (): SearchQuery => ({ q: '', tags: [] });

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function parseNear(value: string | null): Near | undefined {
  const [lat, lon, km] = (value ?? '').split(',').map(Number);
  return [lat, lon, km].every(Number.isFinite) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180 && km > 0 ? { lat, lon, km } : undefined;
}

/** Reads a query from URL search params; anything malformed is left out rather than sent to fail. */
export function fromParams(params: URLSearchParams): SearchQuery {
  const from = params.get('from');
  const to = params.get('to');
  const kind = params.get('type');
  return {
    q: params.get('q')?.trim() ?? '',
    tags: params.getAll('tag').map((t) => t.trim()).filter(Boolean),
    ...(params.get('camera')?.trim() && { camera: params.get('camera')!.trim() }),
    ...(from && DAY.test(from) && { from }),
    ...(to && DAY.test(to) && { to }),
    ...(parseNear(params.get('near')) && { near: parseNear(params.get('near')) }),
    ...(params.get('person') && { person: params.get('person')! }),
    ...((kind === 'image' || kind === 'video') && { kind }),
    ...(params.get('like') && { similarTo: params.get('like')! }),
  };
}

export function toParams(query: SearchQuery): URLSearchParams {
  const params = new URLSearchParams();
  if (query.q) params.set('q', query.q);
  for (const tag of query.tags) params.append('tag', tag);
  if (query.camera) params.set('camera', query.camera);
  if (query.from) params.set('from', query.from);
  if (query.to) params.set('to', query.to);
  if (query.near) params.set('near', `${query.near.lat},${query.near.lon},${query.near.km}`);
  if (query.person) params.set('person', query.person);
  if (query.kind) params.set('type', query.kind);
  if (query.similarTo) params.set('like', query.similarTo);
  return params;
}

export const searchPath = (query: SearchQuery) => `/search?${toParams(query)}`;

export const isEmpty = (query: SearchQuery) => toParams(query).size === 0;

/**
 * What the box holds: free words plus `key:value` chips (values with spaces in quotes), e.g.
 * `red car tag:beach camera:"iPhone 4" from:2019-01-01 type:video person:"Ada Lovelace"`. Unknown keys
 * stay words, and so does a person's name that `personId` does not know.
 */
export function parseBox(text: string, base: SearchQuery = emptyQuery(), personId: (name: string) => string | null = () => null): SearchQuery {
  const query: SearchQuery = { ...base, q: '', tags: [...base.tags] };
  const words: string[] = [];
  for (const m of text.matchAll(/(\w+):"([^"]*)"|(\w+):(\S+)|(\S+)/g)) {
    const key = (m[1] ?? m[3])?.toLowerCase();
    const value = (m[2] ?? m[4] ?? '').trim();
    if (key === 'tag' && value) { if (!query.tags.includes(value)) query.tags.push(value); }
    else if (key === 'camera' && value) query.camera = value;
    else if ((key === 'from' || key === 'to') && DAY.test(value)) query[key] = value;
    else if (key === 'type' && (value === 'image' || value === 'video')) query.kind = value;
    else if (key === 'near' && parseNear(value)) query.near = parseNear(value);
    else if (key === 'person' && value && personId(value)) query.person = personId(value)!;
    else words.push(m[0]);
  }
  query.q = words.join(' ');
  return query;
}

export interface Chip { key: 'tag' | 'camera' | 'from' | 'to' | 'near' | 'person' | 'kind' | 'similarTo'; value: string; label: string }

/** The filters as removable chips. `personName` names a person id for the label. */
export function chips(query: SearchQuery, personName: (id: string) => string | null = () => null): Chip[] {
  const list: Chip[] = query.tags.map((t) => ({ key: 'tag', value: t, label: `Tag: ${t}` }));
  if (query.camera) list.push({ key: 'camera', value: query.camera, label: `Camera: ${query.camera}` });
  if (query.from) list.push({ key: 'from', value: query.from, label: `From ${query.from}` });
  if (query.to) list.push({ key: 'to', value: query.to, label: `Until ${query.to}` });
  if (query.near) list.push({ key: 'near', value: '', label: `Within ${query.near.km} km of ${query.near.lat.toFixed(3)}, ${query.near.lon.toFixed(3)}` });
  if (query.person) list.push({ key: 'person', value: query.person, label: `Person: ${personName(query.person) ?? 'unnamed'}` });
  if (query.kind) list.push({ key: 'kind', value: query.kind, label: query.kind === 'video' ? 'Videos' : 'Photos' });
  if (query.similarTo) list.push({ key: 'similarTo', value: query.similarTo, label: 'Like a photo' });
  return list;
}

export function withoutChip(query: SearchQuery, chip: Chip): SearchQuery {
  if (chip.key === 'tag') return { ...query, tags: query.tags.filter((t) => t !== chip.value) };
  const next = { ...query };
  delete next[chip.key];
  return next;
}

/**
 * The request body. With a query vector the words rank by meaning; without one (no embedding model yet)
 * they are matched as text instead, so search still works before any analysis.
 */
export function toRequest(query: SearchQuery, vector: SearchRequest['vector'] | null, extra: { limit?: number; cursor?: string | null } = {}): Partial<SearchRequest> {
  return {
    ...(query.q && (vector ? { vector } : { text: query.q })),
    ...(query.similarTo && { similarTo: query.similarTo }),
    ...(query.tags.length && { tags: query.tags }),
    ...(query.camera && { camera: query.camera }),
    ...(query.from && { from: query.from }),
    ...(query.to && { to: query.to }),
    ...(query.near && { near: query.near }),
    ...(query.person && { person: query.person }),
    ...(query.kind && { kind: query.kind }),
    ...(extra.limit && { limit: extra.limit }),
    ...(extra.cursor && { cursor: extra.cursor }),
  };
}
