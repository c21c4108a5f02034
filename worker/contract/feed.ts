// Live feed events (GET /api/live, a WebSocket). Every event carries the library's `seq`; a client keeps
// the highest it has applied and sends it back on reconnect to receive what it missed.
import type { PeopleChanged } from './people';
import type { Photo, StageName, StageStatus } from './photo';

export interface Counts {
  pending: number;
  processing: number;
  completed: number;
  failed: number;
}

/**
 * The image service's circuit breaker, one for the whole deployment (pipeline/breaker.ts). `open`: the
 * pipeline is paused since `since`; a probe photo runs at `nextTryAt` (`half-open` while it runs).
 */
export interface BreakerState {
  state: 'closed' | 'open' | 'half-open';
  since: number | null;
  nextTryAt: number | null;
}

interface Base {
  seq: number;
  /** When the change was committed to D1 (ms since epoch). */
  at: number;
}

export type FeedEvent =
  | (Base & { type: 'photo.created'; photoId: string; photo: Photo })
  | (Base & { type: 'photo.stage'; photoId: string; stage: StageName; status: StageStatus; attempts: number; ms?: number; error?: string })
  | (Base & { type: 'photo.completed'; photoId: string; photo: Photo })
  | (Base & { type: 'photo.failed'; photoId: string; error: string; photo: Photo })
  | (Base & { type: 'photo.updated'; photoId: string; photo: Photo })
  | (Base & { type: 'photo.deleted'; photoId: string })
  | (Base & { type: 'analysis.completed'; photoId: string; photo: Photo })
  | (Base & { type: 'stats'; counts: Counts })
  | (Base & { type: 'people.changed' } & PeopleChanged)
  | (Base & { type: 'pipeline.breaker'; breaker: BreakerState });

/** Sent by the server, not logged: the state to resume from, or the news that a resume is impossible. */
export type FeedControl =
  | { type: 'hello'; seq: number }
  | { type: 'snapshot'; seq: number; counts: Counts; reason: string };

export type FeedMessage = FeedEvent | FeedControl;

/** One WebSocket frame: a message, or the events of one commit as an array (in seq order). */
export type FeedFrame = FeedMessage | FeedEvent[];

/** Client → server. */
export type FeedRequest = { type: 'resume'; since: number };

/** Close codes the feed ends a socket with (4000–4999 are the application's); the reason says it in words. */
export const CLOSE_REVOKED = 4001;
export const CLOSE_FLOOD = 4008;
/** The server serves at most one resume per socket this often (M6); closer ones count toward CLOSE_FLOOD. */
export const MIN_RESUME_INTERVAL_MS = 1000;

/** The WebSocket subprotocol; the token travels as a second protocol, `bearer.<token>`. */
export const FEED_PROTOCOL = 'darkroom.v1';
