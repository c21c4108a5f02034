// Which thumbnail or variant to show. Sizes are configurable per library, so no size name is written
// here: a thumbnail's name is its longest side in px (the contract says so), and a variant's width
// comes from the library's settings.
import type { VariantSize } from '../../../worker/contract/settings';

/** The smallest thumbnail at least `px` on its longest side, else the largest there is. */
export function thumbnailAtLeast(thumbnails: Record<string, string>, px: number): string | undefined {
  const sizes = Object.keys(thumbnails).map(Number).sort((a, b) => a - b);
  const size = sizes.find((s) => s >= px) ?? sizes.at(-1);
  return size === undefined ? undefined : thumbnails[size];
}

/** `srcset` for the thumbnails: each is named by its width in px. */
export const thumbnailSrcset = (thumbnails: Record<string, string>) =>
  Object.entries(thumbnails).map(([px, url]) => `${url} ${px}w`).join(', ');

/**
 * The photo's variants, smallest first by the settings' widths. A variant whose size has since been
 * removed from the settings comes last, without a width.
 */
export function variantsBySize(variants: Record<string, string>, sizes: VariantSize[]): Array<{ url: string; width?: number }> {
  const width = new Map(sizes.map((s) => [s.name, s.width]));
  return Object.entries(variants)
    .map(([name, url]) => ({ url, width: width.get(name) }))
    .sort((a, b) => (a.width ?? Infinity) - (b.width ?? Infinity));
}

/** `srcset` for the variants whose width is known. */
export const variantSrcset = (variants: Array<{ url: string; width?: number }>) =>
  variants.flatMap((v) => (v.width ? [`${v.url} ${v.width}w`] : [])).join(', ');
