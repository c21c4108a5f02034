// The photos of the library as the gallery shows them: newest first, paged in from the API, and kept
// current by applying feed events, so no reload is ever needed. The list is one signal holding plain
// objects, replaced on every change: a deep proxy per photo made 100,000 photos cost a proxy per field
// read while laying out and scrolling the grid, and twice the memory.
import type { FeedEvent } from '../../../worker/contract/feed';
import type { Photo } from '../../../worker/contract/photo';
import { errorMessage, type Api } from '../lib/api';

export class Library {
  photos = $state.raw<Photo[]>([]);
  loading = $state(false);
  done = $state(false);
  error = $state<string | null>(null);
  /** Where the gallery was scrolled to (the photo at the top, and how far into its row), so returning from a photo lands there. Not reactive: only read on mount. */
  scrollAnchor: { id: string; delta: number } | null = null;
  private cursor: string | null = null;
  private ids = new Set<string>();

  constructor(private readonly api: Pick<Api, 'listPhotos'>) {}

  async loadMore() {
    if (this.loading || this.done) return;
    this.loading = true;
    try {
      // A first screen quickly, then bigger pages: a deep scroll (or the scrubber) needs fewer calls.
      const page = await this.api.listPhotos(this.cursor, this.photos.length ? 200 : 60);
      // A Set kept alongside, as rebuilding one from 100,000 reactive photos per page would stall the page.
      const fresh = page.photos.filter((p) => !this.ids.has(p.id));
      for (const p of fresh) this.ids.add(p.id);
      this.photos = this.photos.concat(fresh);
      this.cursor = page.nextCursor;
      this.done = !page.nextCursor;
      this.error = null;
    } catch (err) {
      this.error = errorMessage(err, 'Could not load photos.');
    } finally {
      this.loading = false;
    }
  }

  /** Starts over (after a feed snapshot). */
  async reload() {
    this.cursor = null;
    this.done = false;
    this.photos = [];
    this.ids.clear();
    await this.loadMore();
  }

  get(id: string) {
    return this.photos.find((p) => p.id === id);
  }

  apply(event: FeedEvent) {
    switch (event.type) {
      case 'photo.created':
      case 'photo.completed':
      case 'photo.failed':
      case 'photo.updated':
      case 'analysis.completed':
        this.upsert(event.photo);
        break;
      case 'photo.stage': {
        const i = this.photos.findIndex((p) => p.id === event.photoId);
        if (i < 0) break;
        const photo = this.photos[i];
        const stage = {
          status: event.status,
          attempts: event.attempts,
          ...(event.ms !== undefined && { ms: event.ms }),
          ...(event.error !== undefined && { error: event.error }),
        };
        const status = event.status === 'running' && photo.status === 'pending' ? 'processing' : photo.status;
        this.replace(i, { ...photo, status, stages: { ...photo.stages, [event.stage]: stage } });
        break;
      }
      case 'photo.deleted':
        this.photos = this.photos.filter((p) => p.id !== event.photoId);
        this.ids.delete(event.photoId);
        break;
      case 'stats':
        break;
    }
  }

  /** Ids sort by creation time, so newest first is descending id order. */
  private upsert(photo: Photo) {
    const i = this.photos.findIndex((p) => p.id === photo.id);
    if (i >= 0) {
      this.replace(i, photo);
      return;
    }
    // A photo older than everything loaded so far belongs to a page not fetched yet.
    const last = this.photos.at(-1);
    if (last && photo.id < last.id && !this.done) return;
    this.ids.add(photo.id);
    const at = this.photos.findIndex((p) => p.id < photo.id);
    const next = this.photos.slice();
    next.splice(at === -1 ? next.length : at, 0, photo);
    this.photos = next;
  }

  private replace(i: number, photo: Photo) {
    const next = this.photos.slice();
    next[i] = photo;
    this.photos = next;
  }
}
