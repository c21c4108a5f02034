// The processing dashboard's model: one /api/status snapshot, kept current by feed events while the
// socket is up, refreshed every 5 s while it is down. Pausing freezes the view.
import type { FeedEvent } from '../../../worker/contract/feed';
import type { StatusResponse } from '../../../worker/contract/status';
import { errorMessage, type Api } from '../lib/api';
import { thumbnailAtLeast } from '../lib/sizes';

export const POLL_MS = 5_000;
/** Strip images are 96 CSS px: sharp at 2×. */
const STRIP_PX = 192;

export class StatusModel {
  data = $state<StatusResponse | null>(null);
  error = $state<string | null>(null);
  paused = $state(false);
  lastUpdate = $state<number | null>(null);
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly api: Pick<Api, 'status'>) {}

  async refresh() {
    if (this.paused) return;
    try {
      this.data = await this.api.status();
      this.error = null;
      this.lastUpdate = Date.now();
    } catch (err) {
      this.error = errorMessage(err, 'Could not load the status.');
    }
  }

  /**
   * Queue depth, timings, throughput and the recent strip are the server's aggregates: refetched shortly
   * after they change, never recomputed here. At most one refetch a second, however busy the feed.
   */
  private refreshSoon() {
    this.refreshTimer ??= setTimeout(() => {
      this.refreshTimer = undefined;
      void this.refresh();
    }, 1_000);
  }

  apply(event: FeedEvent) {
    const d = this.data;
    if (this.paused || !d) return;
    this.lastUpdate = Date.now();
    switch (event.type) {
      case 'stats':
        d.counts = event.counts;
        this.refreshSoon();
        break;
      case 'photo.stage': {
        const existing = d.processing.find((p) => p.id === event.photoId);
        if (event.status === 'running') {
          if (existing) existing.stage = event.stage;
          else d.processing.push({ id: event.photoId, filename: '', stage: event.stage, since: new Date(event.at).toISOString() });
        }
        break;
      }
      case 'photo.created':
      case 'analysis.completed':
        break;
      case 'photo.completed': {
        d.processing = d.processing.filter((p) => p.id !== event.photoId);
        // The photo joins the strip at once; its time per photo and the throughput come with the next snapshot.
        const p = event.photo;
        d.recentlyCompleted = [
          { id: p.id, filename: p.filename, thumbnail: thumbnailAtLeast(p.thumbnails, STRIP_PX) ?? null, placeholder: p.placeholder, completedAt: new Date(event.at).toISOString(), ms: null },
          ...d.recentlyCompleted.filter((x) => x.id !== p.id),
        ]; // the next snapshot trims it to the server's length
        this.refreshSoon();
        break;
      }
      case 'photo.failed':
        d.processing = d.processing.filter((p) => p.id !== event.photoId);
        d.recentlyFailed = [
          { id: event.photoId, filename: event.photo.filename, error: event.error, failedAt: new Date(event.at).toISOString(), retryable: event.photo.retryable ?? true },
          ...d.recentlyFailed.filter((x) => x.id !== event.photoId),
        ].slice(0, 20);
        this.refreshSoon();
        break;
      case 'photo.updated':
        if (event.photo.status !== 'failed') d.recentlyFailed = d.recentlyFailed.filter((x) => x.id !== event.photoId);
        break;
      case 'pipeline.breaker':
        d.breaker = event.breaker;
        break;
      case 'photo.deleted':
        d.recentlyCompleted = d.recentlyCompleted.filter((x) => x.id !== event.photoId);
        d.recentlyFailed = d.recentlyFailed.filter((x) => x.id !== event.photoId);
        break;
    }
    // The name of a photo that started processing comes from the next snapshot if we lack it.
    if (d.processing.some((p) => !p.filename)) this.refreshSoon();
  }
}
