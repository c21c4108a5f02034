// A photo as a `photo.stage` event leaves it. The event carries the stage, not the photo: the copy a
// page or an earlier event brought is patched, and a first running stage makes a pending photo processing.
import type { FeedEvent } from '../../../worker/contract/feed';
import type { Photo } from '../../../worker/contract/photo';

export type StageEvent = Extract<FeedEvent, { type: 'photo.stage' }>;

export function withStage(photo: Photo, event: StageEvent): Photo {
  const stage = {
    status: event.status,
    attempts: event.attempts,
    ...(event.ms !== undefined && { ms: event.ms }),
    ...(event.error !== undefined && { error: event.error }),
  };
  const status = event.status === 'running' && photo.status === 'pending' ? 'processing' : photo.status;
  return { ...photo, status, stages: { ...photo.stages, [event.stage]: stage } };
}
