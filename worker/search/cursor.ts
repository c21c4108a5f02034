// Opaque page cursors: the sort key of the last result. Ranked pages continue below (score, id); newest-first
// pages below (time, id). Ids break ties, so a page boundary never skips or repeats a photo.
export type Cursor = { s: number; i: string } | { t: number; i: string };

export function encodeCursor(c: Cursor): string {
  return btoa(JSON.stringify(c)).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

/** null when the text is not a cursor of the expected kind. */
export function decodeCursor(text: string, ranked: boolean): Cursor | null {
  try {
    const c = JSON.parse(atob(text.replaceAll('-', '+').replaceAll('_', '/'))) as Record<string, unknown>;
    if (typeof c.i !== 'string' || c.i.length > 64) return null;
    const key = ranked ? c.s : c.t;
    if (typeof key !== 'number' || !Number.isFinite(key)) return null;
    return ranked ? { s: key, i: c.i } : { t: key, i: c.i };
  } catch {
    return null;
  }
}
