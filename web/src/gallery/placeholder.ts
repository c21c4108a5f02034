// ThumbHash placeholders as data URLs and average colours, made once per photo: in a virtual grid a
// tile is mounted again every time its row scrolls back into view, and decoding costs more than the lookup.
import { thumbHashToAverageRGBA, thumbHashToDataURL } from 'thumbhash';

/** About the photos the gallery keeps loaded (library.svelte.ts KEEP); the oldest are dropped first: memory follows the screen. */
const MAX = 800;
const urls = new Map<string, string>();
const colours = new Map<string, string>();

/** Keyed by the hash itself (a few dozen bytes): a re-processed photo gets its new placeholder. */
export function placeholderUrl(base64: string): string {
  return cached(urls, base64, (hash) => thumbHashToDataURL(hash));
}

/** The photo's average colour as CSS, for a tile drawn while the grid flies past. */
export function placeholderColour(base64: string): string {
  return cached(colours, base64, (hash) => {
    const { r, g, b } = thumbHashToAverageRGBA(hash);
    return `rgb(${Math.round(r * 255)} ${Math.round(g * 255)} ${Math.round(b * 255)})`;
  });
}

function cached(cache: Map<string, string>, base64: string, make: (hash: Uint8Array) => string): string {
  let value = cache.get(base64);
  if (value === undefined) {
    value = make(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
    if (cache.size >= MAX) cache.delete(cache.keys().next().value!);
    cache.set(base64, value);
  }
  return value;
}
