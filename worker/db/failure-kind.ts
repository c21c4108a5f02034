// Whether a failure is worth retrying, stamped on the photo just before the batch that fails it, so
// the `photo.failed` event and every later read carry it (photo JSON `retryable`).
export async function setRetryable(db: D1Database, photoId: string, retryable: boolean) {
  await db.prepare(`UPDATE photos SET retryable = ?2 WHERE id = ?1`).bind(photoId, retryable ? 1 : 0).run();
}
