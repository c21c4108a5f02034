// The live feed: auth on upgrade, isolation between libraries, event shapes, resume after a disconnect.
import { env, SELF } from 'cloudflare:test';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import type { FeedFrame, FeedMessage } from '../contract/feed';
import type { UploadResponse } from '../contract/http';
import { pruneEvents } from '../db/events';
import { api, fixture, newLibrary, put, settled, waitForPhoto } from '../test/helpers';

class Socket {
  readonly messages: FeedMessage[] = [];
  constructor(readonly ws: WebSocket) {
    ws.accept();
    ws.addEventListener('message', (e) => {
      const frame = JSON.parse(e.data as string) as FeedFrame;
      this.messages.push(...(Array.isArray(frame) ? frame : [frame]));
    });
  }
  async until(pred: (m: FeedMessage[]) => boolean, timeoutMs = 15_000) {
    const deadline = Date.now() + timeoutMs;
    while (!pred(this.messages)) {
      if (Date.now() > deadline) throw new Error(`feed timeout; got ${this.messages.map((m) => m.type).join(', ')}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return this.messages;
  }
  send(msg: object) {
    this.ws.send(JSON.stringify(msg));
  }
  close() {
    this.ws.close(1000, 'done');
  }
}

async function connect(token: string | null, since?: number, via: 'protocol' | 'header' = 'protocol') {
  const headers: Record<string, string> = { Upgrade: 'websocket' };
  if (token && via === 'protocol') headers['Sec-WebSocket-Protocol'] = `darkroom.v1, bearer.${token}`;
  if (token && via === 'header') headers.Authorization = `Bearer ${token}`;
  const res = await SELF.fetch(`http://darkroom.test/api/live${since === undefined ? '' : `?since=${since}`}`, { headers });
  return res;
}

async function open(token: string, since?: number) {
  const res = await connect(token, since);
  expect(res.status).toBe(101);
  return new Socket(res.webSocket!);
}

const Photo = v.looseObject({ id: v.string(), status: v.string(), stages: v.record(v.string(), v.any()), thumbnails: v.record(v.string(), v.string()) });
const Counts = v.strictObject({ pending: v.number(), processing: v.number(), completed: v.number(), failed: v.number() });
const base = { seq: v.pipe(v.number(), v.integer()), at: v.number() };
const Event = v.variant('type', [
  v.strictObject({ type: v.literal('hello'), seq: v.number() }),
  v.strictObject({ type: v.literal('snapshot'), seq: v.number(), counts: Counts, reason: v.string() }),
  v.strictObject({ type: v.literal('photo.created'), ...base, photoId: v.string(), photo: Photo }),
  v.strictObject({
    type: v.literal('photo.stage'), ...base, photoId: v.string(), stage: v.picklist(['exif', 'thumbnails', 'variants', 'analysis']),
    status: v.picklist(['pending', 'running', 'completed', 'failed']), attempts: v.number(), ms: v.optional(v.number()), error: v.optional(v.string()),
  }),
  v.strictObject({ type: v.literal('photo.completed'), ...base, photoId: v.string(), photo: Photo }),
  v.strictObject({ type: v.literal('photo.failed'), ...base, photoId: v.string(), photo: Photo, error: v.string() }),
  v.strictObject({ type: v.literal('photo.updated'), ...base, photoId: v.string(), photo: Photo }),
  v.strictObject({ type: v.literal('photo.deleted'), ...base, photoId: v.string() }),
  v.strictObject({ type: v.literal('stats'), ...base, counts: Counts }),
]);

const completedFor = (id: string) => (m: FeedMessage[]) => m.some((e) => e.type === 'photo.completed' && e.photoId === id);

describe('GET /api/live', () => {
  it('needs the library token, as a subprotocol or a header, and a WebSocket upgrade', async () => {
    const { token } = await newLibrary();
    expect((await connect(null)).status).toBe(401);
    expect((await connect('wrong')).status).toBe(401);
    const viaProtocol = await connect(token);
    expect(viaProtocol.status).toBe(101);
    expect(viaProtocol.headers.get('Sec-WebSocket-Protocol')).toBe('darkroom.v1');
    viaProtocol.webSocket!.accept();
    viaProtocol.webSocket!.close();
    const viaHeader = await connect(token, undefined, 'header');
    expect(viaHeader.status).toBe(101);
    viaHeader.webSocket!.accept();
    viaHeader.webSocket!.close();
    const plain = await api('/api/live', { token });
    expect(plain.status).toBe(400);
  });

  it("pushes every stage of a library's photo to its sockets only, in contract shapes, with increasing seq", async () => {
    const a = await newLibrary();
    const b = await newLibrary();
    const feedA = await open(a.token);
    const feedA2 = await open(a.token);
    const feedB = await open(b.token);
    const { photo } = await (await put(await fixture('photo-pixel-gps.jpg'), 'p.jpg', a.token)).json<UploadResponse>();
    const events = await feedA.until(completedFor(photo.id));
    await feedA2.until(completedFor(photo.id));

    for (const e of events) expect(() => v.parse(Event, e), JSON.stringify(e).slice(0, 200)).not.toThrow();
    const logged = events.filter((e) => e.type !== 'hello');
    const seqs = logged.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    expect(new Set(seqs).size).toBe(seqs.length);
    const types = logged.map((e) => (e.type === 'photo.stage' ? `${e.stage}:${e.status}` : e.type));
    expect(types).toEqual(expect.arrayContaining(['photo.created', 'stats', 'exif:running', 'exif:completed', 'thumbnails:completed', 'variants:completed', 'photo.completed']));
    const done = logged.find((e) => e.type === 'photo.completed');
    expect(done?.type === 'photo.completed' && Object.keys(done.photo.thumbnails)).toEqual(['150', '300', '600']);
    const stats = logged.filter((e) => e.type === 'stats').pop();
    expect(stats?.type === 'stats' && stats.counts).toEqual({ pending: 0, processing: 0, completed: 1, failed: 0 });

    await new Promise((r) => setTimeout(r, 200));
    expect(feedB.messages.map((m) => m.type)).toEqual(['hello']);
    for (const s of [feedA, feedA2, feedB]) s.close();
  });

  it('delivers every missed event after a reconnect, so the final state is never lost', async () => {
    const { token } = await newLibrary();
    const first = await open(token);
    const [hello] = await first.until((m) => m.length > 0);
    expect(hello.type).toBe('hello');
    first.close(); // the tab sleeps, the network drops, or the Durable Object is evicted

    const { photo } = await (await put(await fixture('photo-kodak-gps-south.jpg'), 'k.jpg', token)).json<UploadResponse>();
    await waitForPhoto(photo.id, token, settled);

    const again = await open(token, hello.seq);
    const replay = await again.until(completedFor(photo.id));
    const ids = replay.filter((e) => e.type.startsWith('photo.')).map((e) => e.type);
    expect(ids[0]).toBe('photo.created');
    expect(ids.at(-1)).toBe('photo.completed');
    const lastHello = (await again.until((m) => m.at(-1)?.type === 'hello')).at(-1)!;
    expect(lastHello.seq).toBe(Math.max(...replay.filter((e) => e.type !== 'hello').map((e) => e.seq)));

    // Resuming over an open socket works too, and a seq from the future gets a snapshot.
    again.send({ type: 'resume', since: lastHello.seq + 1000 });
    const snapshot = (await again.until((m) => m.some((e) => e.type === 'snapshot'))).find((e) => e.type === 'snapshot')!;
    expect(snapshot).toMatchObject({ type: 'snapshot', counts: { completed: 1 }, reason: 'unknown seq' });
    again.close();
  });

  it('keeps numbering after a week-old log is pruned, and sends a snapshot to a client the prune left behind', async () => {
    const { libraryId, token } = await newLibrary();
    const first = await (await put(await fixture('photo-noexif.jpg'), 'a.jpg', token)).json<UploadResponse>();
    await waitForPhoto(first.photo.id, token, settled);
    const seqs = () => env.DB.prepare('SELECT seq FROM events WHERE library_id = ?1 ORDER BY seq').bind(libraryId).all<{ seq: number }>().then((r) => r.results.map((e) => e.seq));
    const latest = (await seqs()).at(-1)!;
    expect(latest).toBeGreaterThan(2);
    await env.DB.prepare('UPDATE events SET created_at = 0 WHERE library_id = ?1').bind(libraryId).run(); // a week passes
    await pruneEvents(env.DB, Date.now());
    expect(await seqs()).toEqual([latest]); // the newest stays, so the next event is latest + 1, not 1

    // A tab greeted while the log was empty (seq 0) missed events that are gone: it must reload.
    const behind = await open(token, 0);
    const [snapshot] = await behind.until((m) => m.length > 0);
    expect(snapshot).toMatchObject({ type: 'snapshot', seq: latest, reason: 'too far behind' });
    // A tab that had seen everything just carries on.
    const current = await open(token, latest);
    expect((await current.until((m) => m.length > 0))[0]).toEqual({ type: 'hello', seq: latest });
    const second = await (await put(await fixture('photo-pixel-gps.jpg'), 'b.jpg', token)).json<UploadResponse>();
    const events = await current.until(completedFor(second.photo.id));
    expect(events.filter((e) => e.type !== 'hello')[0].seq).toBe(latest + 1);
    for (const s of [behind, current]) s.close();
  });

  it('announces deletions', async () => {
    const { token } = await newLibrary();
    const { photo } = await (await put(await fixture('photo-noexif.jpg'), 'n.jpg', token)).json<UploadResponse>();
    await waitForPhoto(photo.id, token, settled);
    const feed = await open(token);
    await api(`/api/photos/${photo.id}`, { method: 'DELETE', token });
    const events = await feed.until((m) => m.some((e) => e.type === 'photo.deleted'));
    expect(events.find((e) => e.type === 'photo.deleted')).toMatchObject({ photoId: photo.id });
    feed.close();
  });
});

describe('GET /api/status', () => {
  it('reports counts, stages, recent results with reasons, timings, throughput and an ETA', async () => {
    const { token } = await newLibrary();
    for (const name of ['photo-noexif.jpg', 'bad-truncated.jpg']) {
      const { photo } = await (await put(await fixture(name), name, token)).json<UploadResponse>();
      await waitForPhoto(photo.id, token, settled);
    }
    const status = await (await api('/api/status', { token })).json<import('../contract/status').StatusResponse>();
    expect(status.counts).toEqual({ pending: 0, processing: 0, completed: 1, failed: 1 });
    expect(status.stages.exif).toEqual({ completed: 2 });
    expect(status.stages.thumbnails).toEqual({ completed: 1, failed: 1 });
    expect(status.recentlyCompleted[0]).toMatchObject({ filename: 'photo-noexif.jpg' });
    expect(status.recentlyCompleted[0].thumbnail).toMatch(/^\/api\/media\/.+thumb-300\.webp\?exp=\d+&sig=/);
    expect(status.recentlyFailed[0]).toMatchObject({ filename: 'bad-truncated.jpg' });
    expect(status.recentlyFailed[0].error).toMatch(/could not be decoded/);
    expect(status.stageTimes.thumbnails.count).toBe(1);
    expect(status.stageTimes.thumbnails.p95Ms).toBeGreaterThanOrEqual(0);
    expect(status.photoTimes.count).toBe(2);
    expect(status.throughput.lastHour).toBe(1);
    expect(status.throughput.series).toHaveLength(30);
    expect(status.etaSeconds).toBe(0);
    expect(status.seq).toBeGreaterThan(0);
  });
});
