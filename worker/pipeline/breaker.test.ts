// The image-service circuit breaker, driven through the real consumer with a fault-injecting Images
// binding: THRESHOLD transient failures open it, waiting messages are deferred (never failed), a probe
// success closes it and a probe failure re-opens it; every change reaches the feed and GET /api/status.
import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import type { UploadResponse } from '../contract/http';
import type { PipelineMessage } from '../contract/queue';
import type { StatusResponse } from '../contract/status';
import worker from '../index';
import { api, fixture, newLibrary, put, setSettings, testEnv } from '../test/helpers';
import { COOLDOWN_MS, THRESHOLD } from './breaker';

/** The real bindings, except that the image service fails like a network outage. */
function imagesDown(): typeof testEnv {
  const images = new Proxy(testEnv.IMAGES, {
    get(target, prop) {
      if (prop !== 'input') return Reflect.get(target, prop);
      return () => {
        throw new Error('Network connection lost.');
      };
    },
  });
  return { ...testEnv, IMAGES: images };
}

async function photos(n: number) {
  const { libraryId, token } = await newLibrary();
  await setSettings(token, { autoProcessOnUpload: false, scheduledProcessing: false });
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    // A GIF: the image service develops GIF and HEIC (our engine takes JPEG, PNG, WebP and TIFF).
    const bytes = await fixture('anim-rotating-squares.gif');
    const unique = new Uint8Array([...bytes, ...new TextEncoder().encode(`breaker-${i}-${Math.random()}`)]);
    const res = await put(unique, `b${i}.gif`, token);
    expect(res.status).toBe(201);
    ids.push((await res.json<UploadResponse>()).photo.id);
  }
  return { libraryId, token, ids };
}

async function deliver(env: typeof testEnv, libraryId: string, ids: string[]) {
  const batch = createMessageBatch<PipelineMessage>(
    'darkroom-pipeline',
    ids.map((photoId, i) => ({ id: `m${i}`, timestamp: new Date(), attempts: 1, body: { type: 'photo.process', libraryId, photoId } })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch, env, ctx);
  return getQueueResult(batch, ctx);
}

const breakerRow = () => testEnv.DB.prepare(`SELECT state, failures, opened_at, next_try_at, cooldown_ms FROM breakers WHERE name = 'images'`).first<{
  state: string; failures: number; opened_at: number; next_try_at: number; cooldown_ms: number;
}>();
const photo = async (id: string, token: string) => (await (await api(`/api/photos/${id}`, { token })).json<UploadResponse>()).photo;
const breakerEvents = async (libraryId: string) =>
  (await testEnv.DB.prepare(`SELECT payload FROM events WHERE library_id = ?1 AND type = 'pipeline.breaker' ORDER BY seq`).bind(libraryId).all<{ payload: string }>())
    .results.map((r) => (JSON.parse(r.payload) as { breaker: { state: string } }).breaker.state);

beforeEach(async () => {
  await testEnv.DB.prepare(`DELETE FROM breakers`).run();
});

describe('circuit breaker', () => {
  it('opens after THRESHOLD consecutive transient failures, defers work without failing it, and a probe success closes it', async () => {
    const { libraryId, token, ids } = await photos(THRESHOLD + 2);
    const down = imagesDown();

    // THRESHOLD photos fail transiently: each is retried by the queue, none is failed.
    const first = await deliver(down, libraryId, ids.slice(0, THRESHOLD));
    expect(first.retryMessages.map((m) => m.msgId).sort()).toEqual(ids.slice(0, THRESHOLD).map((_, i) => `m${i}`));
    const opened = await breakerRow();
    expect(opened).toMatchObject({ state: 'open', failures: THRESHOLD, cooldown_ms: COOLDOWN_MS });
    expect(opened!.next_try_at - opened!.opened_at).toBe(COOLDOWN_MS);
    for (const id of ids.slice(0, THRESHOLD)) expect((await photo(id, token)).status).not.toBe('failed');

    // While open, the consumer takes no work: the message is acked and sent again with a delay, so the
    // wait never counts toward the queue's retries, and the photo is not touched.
    const waiting = await deliver(down, libraryId, [ids[THRESHOLD]]);
    expect(waiting.explicitAcks).toEqual(['m0']);
    expect(waiting.retryMessages).toEqual([]);
    const untouched = await photo(ids[THRESHOLD], token);
    expect(untouched.status).toBe('pending');
    expect(untouched.stages.exif?.attempts).toBe(0);

    // The pause is visible: on the feed and in the dashboard's status.
    expect(await breakerEvents(libraryId)).toEqual(['open']);
    const status = await (await api('/api/status', { token })).json<StatusResponse>();
    expect(status.breaker).toEqual({ state: 'open', since: opened!.opened_at, nextTryAt: opened!.next_try_at });

    // Cool-down over, the service is back: the next message is the probe, succeeds and closes it.
    await testEnv.DB.prepare(`UPDATE breakers SET next_try_at = 0`).run();
    const probe = await deliver(testEnv, libraryId, [ids[THRESHOLD + 1]]);
    expect(probe.explicitAcks).toEqual(['m0']);
    expect((await photo(ids[THRESHOLD + 1], token)).status).toBe('completed');
    expect(await breakerRow()).toMatchObject({ state: 'closed', failures: 0 });
    expect(await breakerEvents(libraryId)).toEqual(['open', 'closed']);
    expect((await (await api('/api/status', { token })).json<StatusResponse>()).breaker.state).toBe('closed');
  });

  it('a failed probe re-opens it with a longer cool-down and does not fail the probe photo, even past its attempts', async () => {
    const { libraryId, token, ids } = await photos(THRESHOLD);
    const down = imagesDown();
    await deliver(down, libraryId, ids);
    expect((await breakerRow())?.state).toBe('open');

    for (let round = 0; round < 3; round++) {
      await testEnv.DB.prepare(`UPDATE breakers SET next_try_at = 0`).run();
      const result = await deliver(down, libraryId, [ids[0]]);
      expect(result.retryMessages.map((m) => m.msgId)).toEqual(['m0']);
      expect((await breakerRow())?.state).toBe('open');
    }
    expect((await breakerRow())?.cooldown_ms).toBe(COOLDOWN_MS * 8);
    const after = await photo(ids[0], token);
    expect(after.status).not.toBe('failed');
    expect(after.stages.thumbnails?.attempts).toBe(4); // one tripping failure and three probes, never given up
  });

  it('a photo that fails for its own bad bytes counts as a working service', async () => {
    const { libraryId, token } = await newLibrary();
    await setSettings(token, { autoProcessOnUpload: false, scheduledProcessing: false });
    const { photo: bad } = await (await put(await fixture('bad-truncated.jpg'), 'bad.jpg', token)).json<UploadResponse>();
    await testEnv.DB.prepare(`INSERT INTO breakers (name, failures, updated_at) VALUES ('images', ?1, 0)`).bind(THRESHOLD - 1).run();
    await deliver(testEnv, libraryId, [bad.id]);
    expect(await breakerRow()).toMatchObject({ state: 'closed', failures: 0 });
    const failed = await photo(bad.id, token);
    expect(failed).toMatchObject({ status: 'failed', retryable: false });
  });
});
