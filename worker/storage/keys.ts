// The R2 key scheme, in one place. Every key starts with the library, so a library's objects can be
// listed, exported or deleted by prefix and can never collide with another library's.

export const photoPrefix = (libraryId: string, photoId: string) => `lib/${libraryId}/photos/${photoId}/`;
export const originalKey = (libraryId: string, photoId: string) => `${photoPrefix(libraryId, photoId)}original`;

/** Deletes every object of a photo (original and all derived files). Idempotent. */
export async function deletePhotoObjects(bucket: R2Bucket, libraryId: string, photoId: string): Promise<void> {
  const prefix = photoPrefix(libraryId, photoId);
  let cursor: string | undefined;
  do {
    const page = await bucket.list({ prefix, cursor });
    if (page.objects.length) await bucket.delete(page.objects.map((o) => o.key));
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
}
