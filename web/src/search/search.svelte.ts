// One search and its results: encodes the words (query-encoder), asks POST /api/search, pages on, and
// stays current from the feed — deleted photos leave, changed photos update in place, and finished
// analyses re-run the query (debounced), since a newly embedded photo may now rank first.
import type { FeedEvent } from '../../../worker/contract/feed';
import type { SearchRequest, SearchResult } from '../../../worker/contract/search';
import { ApiError, errorMessage, type Api } from '../lib/api';
import { isEmpty, toRequest, type SearchQuery } from './query';
import type { ModelRef, QueryEncoder } from './query-encoder.svelte';

export type SearchMode = 'meaning' | 'text' | 'filters';

const PAGE = 40;
/** Analyses finishing in a burst re-run the search once. */
const REFRESH_MS = 1_500;

export class Search {
  results = $state<SearchResult[]>([]);
  loading = $state(false);
  error = $state<string | null>(null);
  /** How the words were matched: by meaning (CLIP vector), as text (no embedding model yet), or none. */
  mode = $state<SearchMode>('filters');
  done = $state(false);
  private query: SearchQuery | null = null;
  private vector: SearchRequest['vector'] | null = null;
  private cursor: string | null = null;
  private generation = 0;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly api: Pick<Api, 'search'>,
    private readonly encoder: Pick<QueryEncoder, 'encode'>,
    /** The library's embedding model right now (null: none known, search by text); may wait for the settings. */
    private readonly model: () => ModelRef | null | Promise<ModelRef | null>,
  ) {}

  async run(query: SearchQuery) {
    const generation = ++this.generation;
    this.query = query;
    this.loading = true;
    this.error = null;
    if (isEmpty(query)) {
      this.results = [];
      this.done = true;
      this.loading = false;
      return;
    }
    try {
      this.vector = null;
      const model = query.q ? await this.model() : null;
      if (generation !== this.generation) return;
      // The text encoder lives in the model's folder; the version names the revision the index holds.
      if (model) this.vector = await this.encoder.encode(model, query.q).then(
        (values) => ({ model, values }),
        // No vector (the encoder shows why, in its 'error' state): the words still work as text.
        () => null,
      );
      if (generation !== this.generation) return;
      await this.fetchFirst(generation, PAGE);
    } catch (err) {
      if (generation === this.generation) this.fail(err);
    }
  }

  async loadMore() {
    if (!this.query || this.loading || this.done || !this.cursor) return;
    const generation = this.generation;
    this.loading = true;
    try {
      const page = await this.api.search(toRequest(this.query, this.vector, { limit: PAGE, cursor: this.cursor }));
      if (generation !== this.generation) return;
      const known = new Set(this.results.map((r) => r.photo.id));
      this.results.push(...page.results.filter((r) => !known.has(r.photo.id)));
      this.cursor = page.nextCursor;
      this.done = !page.nextCursor;
      this.loading = false;
    } catch (err) {
      if (generation === this.generation) this.fail(err);
    }
  }

  apply(event: FeedEvent) {
    switch (event.type) {
      case 'photo.deleted':
        this.results = this.results.filter((r) => r.photo.id !== event.photoId);
        break;
      case 'photo.updated':
      case 'photo.completed':
      case 'photo.failed': {
        const hit = this.results.find((r) => r.photo.id === event.photoId);
        if (hit) hit.photo = event.photo;
        break;
      }
      case 'analysis.completed':
      case 'people.changed':
        // New embeddings, tags or faces change what matches and in which order.
        clearTimeout(this.refreshTimer);
        this.refreshTimer = setTimeout(() => void this.refresh(), REFRESH_MS);
        break;
    }
  }

  close() {
    clearTimeout(this.refreshTimer);
    this.generation++;
  }

  /** Re-asks for what is shown (at least a page), with the vector already computed. */
  private async refresh() {
    if (!this.query || this.loading || isEmpty(this.query)) return;
    const generation = ++this.generation;
    // A first search made before any analysis went by text; with an embedding model now known, go by meaning.
    if (!this.vector && this.query.q && (await this.model())) return generation === this.generation ? this.run(this.query) : undefined;
    try {
      await this.fetchFirst(generation, Math.min(200, Math.max(PAGE, this.results.length)));
    } catch (err) {
      if (generation === this.generation) this.fail(err);
    }
  }

  private async fetchFirst(generation: number, limit: number) {
    const query = this.query!;
    let page;
    try {
      page = await this.api.search(toRequest(query, this.vector, { limit }));
    } catch (err) {
      // The library's model changed under us (or the guess was wrong): the words still work as text.
      if (!(this.vector && err instanceof ApiError && (err.code === 'vector_model_mismatch' || err.code === 'invalid_vector'))) throw err;
      this.vector = null;
      page = await this.api.search(toRequest(query, null, { limit }));
    }
    if (generation !== this.generation) return;
    this.mode = !query.q ? 'filters' : this.vector ? 'meaning' : 'text';
    this.results = page.results;
    this.cursor = page.nextCursor;
    this.done = !page.nextCursor;
    this.loading = false;
  }

  private fail(err: unknown) {
    this.error = errorMessage(err, 'The search failed.');
    this.loading = false;
  }
}
