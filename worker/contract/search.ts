// POST /api/search and GET /api/search/near-duplicates: request schemas (valibot, validated at the edge)
// and the answers. Vector content is checked by the search module, so that each fault has its own code.
import * as v from 'valibot';
import type { Photo } from './photo';

const Text = (max: number) => v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(max));
/** YYYY-MM-DD of a day that exists (isoDate alone accepts 2020-02-30). */
const Day = v.pipe(v.string(), v.isoDate(), v.check((d) => !Number.isNaN(Date.parse(d)) && new Date(d).toISOString().startsWith(d), 'is not a calendar day'));
const Degrees = (limit: number) => v.pipe(v.number(), v.finite(), v.minValue(-limit), v.maxValue(limit));

export const EmbeddingModel = v.object({ id: Text(200), version: v.optional(v.pipe(v.string(), v.maxLength(100))) });

export const SearchRequest = v.strictObject({
  /** A query embedding (a CLIP text embedding, say) made with the library's embedding model. */
  vector: v.optional(v.object({ model: EmbeddingModel, values: v.array(v.unknown()) })),
  /** Rank by similarity to this photo's embedding ("more like this"); the photo itself is left out. */
  similarTo: v.optional(v.pipe(v.string(), v.maxLength(100))),
  /** Every word must start a word of the caption, filename, title, description, keywords or tags. */
  text: v.optional(v.pipe(v.string(), v.maxLength(500))),
  /** Every tag must be on the photo (analysis tags or embedded keywords), case-insensitive. */
  tags: v.optional(v.pipe(v.array(Text(64)), v.maxLength(20))),
  /** Equal (case-insensitive) to the camera's make, its model, or "make model". */
  camera: v.optional(Text(200)),
  /** Days taken, inclusive, in the photo's own local time (upload day when the photo has no date). */
  from: v.optional(Day),
  to: v.optional(Day),
  near: v.optional(v.object({ lat: Degrees(90), lon: Degrees(180), km: v.pipe(v.number(), v.finite(), v.gtValue(0), v.maxValue(20_040)) })),
  /** Photos showing this person (a face of theirs); an unknown person answers 404. */
  person: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,64}$/, 'is not a person id'))),
  kind: v.optional(v.picklist(['image', 'video'])),
  limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(200)), 20),
  cursor: v.optional(v.pipe(v.string(), v.maxLength(500))),
});
export type SearchRequest = v.InferOutput<typeof SearchRequest>;

export interface SearchResult {
  photo: Photo;
  /** Cosine similarity to the query vector (−1…1); null when nothing ranks by similarity. */
  score: number | null;
}

export interface SearchResponse {
  results: SearchResult[];
  nextCursor: string | null;
}

/** Cosine distance under which two photos count as near-duplicates. Immich's default is 0.01 too. */
export const NEAR_DUPLICATE_THRESHOLD = 0.01;

export const NearDuplicatesQuery = v.object({
  threshold: v.optional(v.pipe(v.string(), v.transform(Number), v.finite(), v.gtValue(0), v.maxValue(0.2)), String(NEAR_DUPLICATE_THRESHOLD)),
  limit: v.optional(v.pipe(v.string(), v.transform(Number), v.integer(), v.minValue(1), v.maxValue(100)), '20'),
  cursor: v.optional(v.pipe(v.string(), v.maxLength(100))),
});
export type NearDuplicatesQuery = v.InferOutput<typeof NearDuplicatesQuery>;

export interface NearDuplicateGroup {
  /** Newest first. Never two photos with the same bytes: a library holds each SHA-256 once. */
  photos: Photo[];
  /** The lowest cosine similarity of the pairs that joined the group. */
  similarity: number;
}

export interface NearDuplicatesResponse {
  threshold: number;
  groups: NearDuplicateGroup[];
  nextCursor: string | null;
}
