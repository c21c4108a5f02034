// Request limits and small protocol items (M3, L7, L9): multipart without a length, If-Match, request ids,
// variant sizes, retry-failed in bounded batches.
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { ErrorBody, UploadResponse } from '../contract/http';
import type { EventRow } from '../db/events';
import { retryFailed, RETRY_BATCH } from '../pipeline/retry';
import { api, fixture, newLibrary, put } from '../test/helpers';

const MB = 1024 * 1024;

/** A multipart body streamed in 1 MB chunks with no Content-Length (Transfer-Encoding: chunked). */
function chunkedForm(fileBytes: number): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  const parts = [enc.encode('--b\r\nContent-Disposition: form-data; name="file"; filename="big.jpg"\r\nContent-Type: image/jpeg\r\n\r\n')];
  let left = fileBytes;
  return new ReadableStream({
    pull(ctl) {
      if (parts.length) return ctl.enqueue(parts.shift()!);
      if (left > 0) {
        const n = Math.min(MB, left);
        left -= n;
        return ctl.enqueue(new Uint8Array(n).fill(0xff));
      }
      ctl.enqueue(enc.encode('\r\n--b--\r\n'));
      ctl.close();
    },
  });
}

describe('multipart cap (M3)', () => {
  it('counts a form sent without a Content-Length and refuses it past the cap', async () => {
    const { libraryId, token } = await newLibrary();
    const res = await api('/api/photos', { method: 'POST', token, body: chunkedForm(33 * MB), headers: { 'Content-Type': 'multipart/form-data; boundary=b' } });
    expect(res.status).toBe(413);
    expect((await res.json<ErrorBody>()).error.code).toBe('too_large');
    const rows = await env.DB.prepare('SELECT COUNT(*) AS n FROM photos WHERE library_id = ?1').bind(libraryId).first<{ n: number }>();
    expect(rows?.n).toBe(0);
  });

  it('takes a chunked form within the cap', async () => {
    const { token } = await newLibrary();
    const form = new FormData();
    form.append('file', new File([await fixture('photo-kodak-gps-south.jpg')], 'kodak.jpg'));
    const encoded = new Response(form);
    const res = await api('/api/photos', { method: 'POST', token, body: encoded.body, headers: { 'Content-Type': encoded.headers.get('Content-Type')! } });
    expect(res.status).toBe(201);
  });

  it('refuses a declared length over the cap before reading', async () => {
    const { token } = await newLibrary();
    const res = await api('/api/photos', { method: 'POST', token, body: new Uint8Array(33 * MB), headers: { 'Content-Type': 'multipart/form-data; boundary=b' } });
    expect(res.status).toBe(413);
  });
});

describe('conditional requests (L9)', () => {
  it('answers a failed If-Match with 412 and a matching If-None-Match with 304', async () => {
    const { token } = await newLibrary();
    const up = await put(await fixture('photo-kodak-gps-south.jpg'), 'k.jpg', token);
    const { photo } = await up.json<UploadResponse>();
    const first = await api(`/api/photos/${photo.id}/original`, { token });
    const etag = first.headers.get('ETag')!;
    await first.arrayBuffer();
    const failed = await api(`/api/photos/${photo.id}/original`, { token, headers: { 'If-Match': '"not-the-etag"' } });
    expect(failed.status).toBe(412);
    const matched = await api(`/api/photos/${photo.id}/original`, { token, headers: { 'If-Match': etag } });
    expect(matched.status).toBe(200);
    await matched.arrayBuffer();
    expect((await api(`/api/photos/${photo.id}/original`, { token, headers: { 'If-None-Match': etag } })).status).toBe(304);
  });
});

describe('request ids (L9)', () => {
  it('generates its own id and echoes a plain client id separately', async () => {
    const res = await api('/api/photos/nope', { headers: { 'X-Request-Id': 'attacker-chosen' } });
    const id = res.headers.get('X-Request-Id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect((await res.json<ErrorBody>()).error.requestId).toBe(id);
    expect(res.headers.get('X-Client-Request-Id')).toBe('attacker-chosen');
    const odd = await api('/api/photos/nope', { headers: { 'X-Client-Request-Id': 'a b<script>' } });
    expect(odd.headers.get('X-Client-Request-Id')).toBeNull();
    expect(odd.headers.get('X-Request-Id')).not.toContain('script');
  });
});

describe('settings (L7)', () => {
  it('refuses an empty list of variant or thumbnail sizes', async () => {
    const { token } = await newLibrary();
    for (const patch of [{ variantSizes: [] }, { thumbnailSizes: [] }]) {
      const res = await api('/api/settings', { method: 'PUT', token, body: JSON.stringify(patch), headers: { 'Content-Type': 'application/json' } });
      expect(res.status).toBe(400);
      expect((await res.json<ErrorBody>()).error.code).toBe('invalid_request');
    }
  });
});

describe('retry-failed (L9)', () => {
  it('re-queues in bounded batches, one feed frame each', async () => {
    const { libraryId } = await newLibrary();
    const now = Date.now();
    const n = RETRY_BATCH + 30;
    await env.DB.batch(
      Array.from({ length: n }, (_, i) =>
        env.DB.prepare(
          `INSERT INTO photos (id, library_id, filename, sha256, mime, kind, bytes, status, created_at, updated_at)
           VALUES (?1, ?2, 'f.jpg', ?3, 'image/jpeg', 'image', 1, 'failed', ?4, ?4)`,
        ).bind(`rf-${libraryId}-${String(i).padStart(4, '0')}`, libraryId, `${libraryId}-${i}`, now),
      ),
    );
    const frames: EventRow[][] = [];
    const { retried } = await retryFailed(env, libraryId, (events) => frames.push(events));
    expect(retried).toBe(n);
    expect(frames.length).toBe(2);
    for (const f of frames) expect(f.length).toBeLessThanOrEqual(RETRY_BATCH + 1); // + the stats event
  });
});
