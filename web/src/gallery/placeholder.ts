// ThumbHash placeholders as data URLs, decoded once per photo: in a virtual grid a tile is mounted
// again every time its row scrolls back into view, and decoding costs more than the lookup.
import { thumbHashToDataURL } from 'thumbhash';

/** About the photos the gallery keeps loaded (library.svelte.ts KEEP); the oldest are dropped first: memory follows the screen. */
const MAX = 800;
const cache = new Map<string, string>();

/** Keyed by the hash itself (a few dozen bytes): a re-processed photo gets its new placeholder. */
export function placeholderUrl(base64: string): string {
  let url = cache.get(base64);
  if (url === undefined) {
    url = thumbHashToDataURL(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
    if (cache.size >= MAX) cache.delete(cache.keys().next().value!);
    cache.set(base64, url);
  }
  return url;
}
