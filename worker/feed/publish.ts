// Turns event rows into wire events and hands them to the library's Durable Object for fan-out.
import type { FeedEvent } from '../contract/feed';
import type { EventRow } from '../db/events';
import { toPhoto, type PhotoJson } from '../db/photo-json';
import type { Bindings } from '../env';
import { present } from '../media/present';

export async function toFeedEvent(env: Bindings, libraryId: string, row: EventRow): Promise<FeedEvent> {
  const payload = JSON.parse(row.payload) as Record<string, unknown>;
  for (const [k, v] of Object.entries(payload)) if (v === null) delete payload[k]; // absent, not null, on the wire
  if (payload.photo) payload.photo = await present(env, libraryId, toPhoto(payload.photo as PhotoJson));
  if (row.type === 'photo.failed') payload.error = (payload.photo as { error: string | null }).error ?? 'Processing failed.';
  return { type: row.type, seq: row.seq, at: row.created_at, ...(row.photo_id && { photoId: row.photo_id }), ...payload } as FeedEvent;
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
