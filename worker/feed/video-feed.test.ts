// A video develops live like a photo: its stages (video, then its poster's thumbnails and variants) reach
// every socket of the library as they happen, with the photo (its `video` field included) in the events.
import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { FeedFrame, FeedMessage } from '../contract/feed';
import type { UploadResponse } from '../contract/http';
import { video } from '../formats/mp4-test-utils';
import { api, fixture, newLibrary, put } from '../test/helpers';

async function listen(token: string) {
  const res = await SELF.fetch('http://darkroom.test/api/live', { headers: { Upgrade: 'websocket', 'Sec-WebSocket-Protocol': `darkroom.v1, bearer.${token}` } });
  expect(res.status).toBe(101);
  const ws = res.webSocket!;
  const messages: FeedMessage[] = [];
  ws.accept();
  ws.addEventListener('message', (e) => {
    const frame = JSON.parse(e.data as string) as FeedFrame;
    messages.push(...(Array.isArray(frame) ? frame : [frame]));
  });
  const until = async (pred: (m: FeedMessage) => boolean) => {
    const deadline = Date.now() + 30_000;
    while (!messages.some(pred)) {
      if (Date.now() > deadline) throw new Error(`feed timeout; got ${messages.map((m) => m.type).join(', ')}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return messages;
  };
  return { until, close: () => ws.close(1000, 'done') };
}

describe('a video on the live feed', () => {
  it('streams the video stage, then the poster stages, and the developed photo', async () => {
    const { token } = await newLibrary();
    const feed = await listen(token);
    const { photo } = await (await put(await video('av1-opus.mp4'), 'clip.mp4', token)).json<UploadResponse>();
    expect((await api(`/api/photos/${photo.id}/poster`, { method: 'PUT', token, body: await fixture('photo-noexif.jpg') })).status).toBe(200);

    const developed = (m: FeedMessage) => m.type === 'photo.completed' && m.photoId === photo.id && Object.keys(m.photo.thumbnails).length === 3;
    const events = (await feed.until(developed)).filter((m) => 'photoId' in m && m.photoId === photo.id);
    const steps = events.map((e) => (e.type === 'photo.stage' ? `${e.stage}:${e.status}` : e.type));
    expect(steps).toEqual(expect.arrayContaining([
      'photo.created', 'photo.updated', 'video:running', 'video:completed', 'thumbnails:running', 'thumbnails:completed', 'variants:completed', 'photo.completed',
    ]));
    // The poster's stages come after it was recorded, in order.
    expect(steps.lastIndexOf('thumbnails:completed')).toBeGreaterThan(steps.indexOf('photo.updated'));
    expect(steps.lastIndexOf('variants:completed')).toBeGreaterThan(steps.lastIndexOf('thumbnails:completed'));
    const done = events.find(developed);
    expect(done?.type === 'photo.completed' && done.photo).toMatchObject({
      kind: 'video', video: { durationMs: 2000, codec: 'av01', fps: 24, audio: true }, width: 320, height: 240,
    });
    expect(done?.type === 'photo.completed' && done.photo.placeholder).toMatch(/^[A-Za-z0-9+/]+=*$/);
    feed.close();
  });
});
