// The rows of a fixed-height list worth drawing at a scroll position: those in view and `overscan` more
// each way. The long lists (the upload queue, an export's photos) draw only these.
export function rowsInView(count: number, rowHeight: number, scrollTop: number, viewport: number, overscan = 5): { first: number; end: number } {
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  return { first, end: Math.min(count, first + Math.ceil(viewport / rowHeight) + 2 * overscan) };
}
