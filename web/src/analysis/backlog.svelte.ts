// How many photos still wait for analysis, library-wide (every tab's work, not only this one's): read
// from /api/status, and read again shortly after the feed reports a change to any photo.
import type { FeedEvent } from '../../../worker/contract/feed';
import type { Api } from '../lib/api';

export class AnalysisBacklog {
  count = $state<number | null>(null);
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly api: Pick<Api, 'status'>) {}

  async refresh() {
    try {
      const { analysis } = (await this.api.status()).stages;
      this.count = (analysis?.pending ?? 0) + (analysis?.running ?? 0);
    } catch {
      // Best effort: the last count stays up, and the next event asks again.
    }
  }

  /** At most one refetch a second, however busy the feed. */
  apply(event: FeedEvent) {
    if (event.type === 'stats') return;
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.refresh();
    }, 1_000);
  }
}
