// Turns event rows into wire events and hands them to the library's Durable Object for fan-out.
import type { BreakerState, Counts, FeedEvent } from '../contract/feed';
import type { StageName, StageStatus } from '../contract/photo';
import type { EventRow } from '../db/events';
import { toPhoto, type PhotoJson } from '../db/photo-json';
import type { Bindings } from '../env';
import { present } from '../media/present';

/** Payloads as db/events.ts stores them (JSON built in SQL; absent fields are null). */
interface StoredPayload {
  photo?: PhotoJson;
  counts?: Counts;
  stage?: StageName;
  status?: StageStatus;
  attempts?: number;
  ms?: number | null;
  error?: string | null;
  people?: string[];
  removed?: string[];
  photoIds?: string[];
  breaker?: BreakerState;
}

export async function toFeedEvent(env: Bindings, libraryId: string, row: EventRow): Promise<FeedEvent> {
  const p = JSON.parse(row.payload) as StoredPayload;
  const base = { seq: row.seq, at: row.created_at };
  const photoId = row.photo_id!;
  switch (row.type) {
    case 'stats':
      return { ...base, type: row.type, counts: p.counts! } satisfies FeedEvent;
    case 'people.changed':
      return { ...base, type: row.type, people: p.people ?? [], removed: p.removed ?? [], photoIds: p.photoIds ?? [] } satisfies FeedEvent;
    case 'pipeline.breaker':
      return { ...base, type: row.type, breaker: p.breaker! } satisfies FeedEvent;
    case 'photo.deleted':
      return { ...base, type: row.type, photoId } satisfies FeedEvent;
    case 'photo.stage':
      // Absent, not null, on the wire.
      return {
        ...base, type: row.type, photoId, stage: p.stage!, status: p.status!, attempts: p.attempts!,
        ...(p.ms != null && { ms: p.ms }), ...(p.error != null && { error: p.error }),
      } satisfies FeedEvent;
    case 'photo.failed': {
      const photo = await present(env, libraryId, toPhoto(p.photo!));
      return { ...base, type: row.type, photoId, photo, error: photo.error ?? 'Processing failed.' } satisfies FeedEvent;
    }
    case 'photo.created':
    case 'photo.completed':
    case 'photo.updated':
    case 'analysis.completed':
      return { ...base, type: row.type, photoId, photo: await present(env, libraryId, toPhoto(p.photo!)) } satisfies FeedEvent;
  }
}

/**
 * Best effort by design: D1 already holds these events, and a client that misses a broadcast gets
 * them back when it resumes from its last seq. So a failed fan-out is logged, never thrown.
 */
export async function publish(env: Bindings, libraryId: string, rows: EventRow[]): Promise<void> {
  if (!rows.length) return;
  try {
    const events = await Promise.all(rows.map((r) => toFeedEvent(env, libraryId, r)));
    await env.FEED.getByName(libraryId).broadcast(events);
  } catch (err) {
    console.error('feed publish failed; clients will resync by seq', libraryId, err);
  }
}
