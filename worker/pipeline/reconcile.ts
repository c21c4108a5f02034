// Periodic R2 reconciliation (security review M7): objects under lib/<id>/photos/<photoId>/ whose photo
// has no row are deleted. Such orphans come from a run that outlived its photo's DELETE, or a crash
// between storing bytes and recording the row. Bounded per sweep: one page of the listing, continued
// from a cursor kept in D1, so a large bucket is covered over several sweeps. Objects younger than the
// grace period are never touched: an upload stores its bytes before it records its row.
import { existingPhotos, reconcileCursor, saveReconcileCursor } from '../db/reconcile';
import type { Bindings } from '../env';

export const RECONCILE_PAGE = 1000;
export const RECONCILE_GRACE_MS = 60 * 60_000;

const PHOTO_KEY = /^lib\/([^/]+)\/photos\/([^/]+)\//;

export interface ReconcileReport {
  listed: number;
  deleted: number;
  /** True when the listing reached the end of the bucket and starts over next time. */
  wrapped: boolean;
}

export async function reconcileOrphans(env: Bindings, now: number, limit = RECONCILE_PAGE): Promise<ReconcileReport> {
  const page = await env.PHOTOS.list({ prefix: 'lib/', cursor: await reconcileCursor(env.DB), limit });
  const candidates = page.objects.flatMap((o) => {
    const m = PHOTO_KEY.exec(o.key);
    return m && o.uploaded.getTime() < now - RECONCILE_GRACE_MS ? [{ key: o.key, libraryId: m[1], photoId: m[2] }] : [];
  });
  const pairs = [...new Map(candidates.map((c) => [`${c.libraryId}/${c.photoId}`, c])).values()];
  const alive = await existingPhotos(env.DB, pairs);
  const orphans = candidates.filter((c) => !alive.has(`${c.libraryId}/${c.photoId}`)).map((c) => c.key);
  if (orphans.length) await env.PHOTOS.delete(orphans);
  await saveReconcileCursor(env.DB, page.truncated ? page.cursor : null, now);
  return { listed: page.objects.length, deleted: orphans.length, wrapped: !page.truncated };
}
