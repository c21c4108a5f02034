// Serving R2 objects over HTTP: ETag and conditional GET for every object, byte ranges for originals, and
// headers that keep a browser from ever treating the bytes as anything but the type we say they are.
import type { Photo } from '../contract/photo';
import { AppError } from '../errors';
import { downloadName } from './download-name';

const SAFE_TYPES = /^(image\/(jpeg|png|gif|webp|heic|heif|avif|tiff)|video\/(mp4|quicktime))$/;

/** A stored original, with single byte ranges; `download` asks the browser to save it. */
export async function serveOriginal(bucket: R2Bucket, key: string, photo: Photo, req: Request, download = false): Promise<Response> {
  const range = parseRange(req.headers.get('Range'), photo.bytes);
  const headers = new Headers({
    'Content-Type': SAFE_TYPES.test(photo.mime) ? photo.mime : 'application/octet-stream',
    'Content-Disposition': `${download ? 'attachment' : 'inline'}; filename*=UTF-8''${encodeURIComponent(downloadName(photo.filename, photo.mime))}`,
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': "default-src 'none'; sandbox",
    // The id names immutable bytes: a new upload is a new id.
    'Cache-Control': 'private, max-age=31536000, immutable',
    'Accept-Ranges': 'bytes',
  });
  if (range === 'unsatisfiable') {
    headers.set('Content-Range', `bytes */${photo.bytes}`);
    return new Response(null, { status: 416, headers });
  }
  const obj = await bucket.get(key, { onlyIf: req.headers, ...(range && { range }) });
  if (!obj) throw new AppError('not_found', 'The original file is missing from storage.');
  headers.set('ETag', obj.httpEtag);
  if (!('body' in obj)) return new Response(null, { status: preconditionStatus(req, obj.httpEtag), headers });
  if (range) {
    headers.set('Content-Range', `bytes ${range.offset}-${range.offset + range.length - 1}/${obj.size}`);
    headers.set('Content-Length', String(range.length));
    return new Response(obj.body, { status: 206, headers });
  }
  headers.set('Content-Length', String(obj.size));
  return new Response(obj.body, { status: 200, headers });
}

/**
 * R2 answers any failed precondition with the object's metadata and no body. A failed If-Match or
 * If-Unmodified-Since is 412 (RFC 9110 §13.1.1); otherwise it was a matching If-None-Match or an
 * unchanged If-Modified-Since, which is 304. If-Match is evaluated first, as the RFC orders them.
 */
export function preconditionStatus(req: Request, etag: string): 304 | 412 {
  const ifMatch = req.headers.get('If-Match');
  if (ifMatch !== null) {
    const tags = ifMatch.split(',').map((t) => t.trim());
    return tags.includes('*') || tags.includes(etag) ? 304 : 412;
  }
  return req.headers.has('If-Unmodified-Since') ? 412 : 304;
}

/** One `bytes=` range (multi-range requests get the whole file, which RFC 9110 allows). */
export function parseRange(header: string | null, size: number): { offset: number; length: number } | 'unsatisfiable' | null {
  const m = header?.match(/^bytes=(\d*)-(\d*)$/);
  if (!m || (m[1] === '' && m[2] === '')) return null;
  if (m[1] === '') {
    const suffix = Math.min(Number(m[2]), size);
    return suffix === 0 ? 'unsatisfiable' : { offset: size - suffix, length: suffix };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { offset: start, length: end - start + 1 };
}

/**
 * A whole object (a thumbnail, a variant, a model file) with `headers` (type, caching), its ETag and a 304
 * for a matching conditional GET; null when there is no such object.
 */
export async function serveObject(bucket: R2Bucket, key: string, req: Request, headers: Record<string, string>): Promise<Response | null> {
  const obj = await bucket.get(key, { onlyIf: req.headers });
  if (!obj) return null;
  const h = new Headers({ ...headers, 'X-Content-Type-Options': 'nosniff', ETag: obj.httpEtag });
  if (!('body' in obj)) return new Response(null, { status: preconditionStatus(req, obj.httpEtag), headers: h });
  h.set('Content-Length', String(obj.size));
  return new Response(obj.body, { headers: h });
}
