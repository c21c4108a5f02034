// Turns a photo read from D1 into its API shape: thumbnail and variant file names become signed URLs.
import type { Photo } from '../contract/photo';
import type { Bindings } from '../env';
import { signedUrl } from './sign';

export async function present(env: Bindings, libraryId: string, photo: Photo): Promise<Photo> {
  const sign = async (files: Record<string, string>) =>
    Object.fromEntries(await Promise.all(Object.entries(files).map(async ([k, file]) => [k, await signedUrl(env, libraryId, photo.id, file)])));
  return {
    ...photo,
    thumbnails: await sign(photo.thumbnails),
    variants: await sign(photo.variants),
    original: await signedUrl(env, libraryId, photo.id, 'original'),
  };
}
