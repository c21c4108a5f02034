// The R2 key scheme, in one place. Every photo key starts with the library, so a library's objects can be
// listed, exported or deleted by prefix and can never collide with another library's. Model files are
// shared by every library of an instance and live under `models/`. Resumable uploads (R2 multipart)
// write straight to the original's key, so completing one needs no copy.

const photoPrefix = (libraryId: string, photoId: string) => `lib/${libraryId}/photos/${photoId}/`;
export const originalKey = (libraryId: string, photoId: string) => `${photoPrefix(libraryId, photoId)}original`;
/** A video's poster frame as a browser sent it (PUT /api/photos/:id/poster): the input of its thumbnails and variants. */
export const posterKey = (libraryId: string, photoId: string) => `${photoPrefix(libraryId, photoId)}poster`;

/** File names of a photo's derived media: what the API hands out (signed) and what R2 stores. */
export const thumbnailFile = (size: number | string) => `thumb-${size}.webp`;
export const variantFile = (name: string) => `variant-${name}.webp`;
/** The derived media file names a URL may ask for (the names above, nothing else). */
const MEDIA_FILE = /^(thumb-\d{2,4}|variant-[a-z0-9-]{1,32})\.webp$/;
export const isMediaFile = (file: string) => MEDIA_FILE.test(file);
/** Key of a derived file (`thumbnailFile`/`variantFile`) of a photo. */
export const mediaKey = (libraryId: string, photoId: string, file: string) => `${photoPrefix(libraryId, photoId)}${file}`;

/** A relative model file path: no empty, dot or dot-dot segment can climb out of `models/`. */
export const isModelPath = (path: string) => !!path && !path.split('/').some((seg) => seg === '..' || seg === '' || seg.startsWith('.'));
export const modelKey = (path: string) => `models/${path}`;

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
