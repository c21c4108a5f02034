// A page of photos is read by the server at some moment while it is on its way; a feed event about one
// of its photos that arrives meanwhile may come from a write after that read. Applied when it arrives,
// the event finds nothing to change (the photo is not held yet) and the page then lands with the older
// copy, which nothing corrects until the photo changes again: a tile without its variant for good.
// So the events of such a window are kept, and each page, when it lands, gets the ones newer than its
// copies laid over it.
import type { FeedEvent } from '../../../worker/contract/feed';
import type { Photo } from '../../../worker/contract/photo';

/** The feed events that are about one photo. */
export type PhotoFeedEvent = Extract<FeedEvent, { photoId: string }>;

/** More than a page's worth of events in a window is a burst: the oldest go (the next event corrects). */
const MAX_KEPT = 2_000;

export class LateEvents {
  private open = 0;
  private kept: PhotoFeedEvent[] = [];

  /** A page is on its way. → call with the page's photos when it is applied (none if it failed). */
  begin(): (photos: readonly Photo[]) => PhotoFeedEvent[] {
    this.open++;
    let landed = false;
    return (photos) => {
      if (landed) return [];
      landed = true;
      this.open--;
      const newer = this.newerThan(photos);
      if (!this.open) this.kept = [];
      return newer;
    };
  }

  /** Every feed event passes here; kept only while a page is on its way. */
  note(event: FeedEvent) {
    if (!this.open || !('photoId' in event) || typeof event.photoId !== 'string') return;
    this.kept.push(event as PhotoFeedEvent);
    if (this.kept.length > MAX_KEPT) this.kept.splice(0, this.kept.length - MAX_KEPT);
  }

  /**
   * The kept events, in feed order, about the page's photos and written at or after the copy it holds
   * (an event's `at` is the `updatedAt` of the write it comes from; on a tie the later event wins anyway).
   */
  private newerThan(photos: readonly Photo[]): PhotoFeedEvent[] {
    if (!this.kept.length || !photos.length) return [];
    const read = new Map(photos.map((p) => [p.id, Date.parse(p.updatedAt)]));
    return this.kept.filter((e) => {
      const at = read.get(e.photoId);
      return at !== undefined && e.at >= at;
    });
  }
}
