// From the photos the user selected to what the export worker needs: the source URL, stored face boxes
// (only when a face model ran on the photo), and the metadata that may be kept.
import type { Photo } from '../../../worker/contract/photo';
import type { Box } from './crop';
import type { ExportOptions } from './options';
import type { ExportItem } from './protocol';

/** The largest display variant, else the original (a photo still developing has no variants yet). */
function sourceUrl(photo: Photo, source: ExportOptions['source']): string | null {
  if (source === 'original') return photo.original ?? null;
  const sizes = Object.keys(photo.variants).sort((a, b) => Number(b) - Number(a));
  return sizes.length ? photo.variants[sizes[0]] : (photo.original ?? null);
}

export function exportItems(photos: readonly Photo[], options: ExportOptions): { items: ExportItem[]; skipped: Photo[] } {
  const items: ExportItem[] = [];
  const skipped: Photo[] = [];
  for (const photo of photos) {
    const url = photo.kind === 'image' ? sourceUrl(photo, options.source) : null;
    if (!url) {
      skipped.push(photo);
      continue;
    }
    const analysed = photo.analysis?.models?.faces ? photo.analysis.faces.map((f) => [...f.box] as Box) : null;
    const e = photo.exif;
    items.push({
      photoId: photo.id, filename: photo.filename, url, faces: analysed,
      metadata: e ? { make: e.make, model: e.model, takenAt: e.takenAt, description: e.description ?? e.title ?? null, gps: e.gps ?? null } : null,
    });
  }
  return { items, skipped };
}
