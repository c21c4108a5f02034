// The live feed's client (web/src/feed/feed.svelte.ts) in Chromium against the real worker and its
// Durable Object. Faults come from outside the app: a line in front of its socket (playwright's
// routeWebSocket, which proxies to the real server) that can refuse connections or lose one frame,
// and the real API (uploads, many people changes, a revoked token, a flood of resumes).
import type { Browser, Page, WebSocketRoute } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs module shared with the Node CLI (worker/scripts is outside tsc)
import { createTokenSql, hashToken, revokeTokenSql } from '../../worker/scripts/token-sql.mjs';
import { api, apiUpload, claimFor, d1, developed, freshBytes, launch, signedIn, TINY_MODELS } from './browser';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

/** The socket's line: every connection attempt, and the switches the tests flip. */
interface Line {
  refuse: boolean;
  attempts: Array<{ at: number; since: string | null }>;
  page: WebSocketRoute | null;
  server: WebSocketRoute | null;
  /** Return true to lose a frame on its way to the page. */
  drop: ((frame: string) => boolean) | null;
  /** What the page sent to the server, and the codes the server closed sockets with. */
  sent: string[];
  closes: number[];
}

async function feedPage(token?: string): Promise<{ page: Page; line: Line }> {
  const line: Line = { refuse: false, attempts: [], page: null, server: null, drop: null, sent: [], closes: [] };
  const page = await signedIn(browser, undefined, {
    token,
    before: (p) => p.routeWebSocket(/\/api\/live/, (ws) => {
      line.attempts.push({ at: Date.now(), since: new URL(ws.url()).searchParams.get('since') });
      if (line.refuse) return ws.close({ code: 1011, reason: 'unreachable' });
      const server = ws.connectToServer();
      line.page = ws;
      line.server = server;
      server.onMessage((m) => {
        if (!line.drop?.(String(m))) ws.send(m);
      });
      ws.onMessage((m) => {
        line.sent.push(String(m));
        server.send(m);
      });
      server.onClose((code, reason) => {
        line.closes.push(code);
        ws.close({ code, reason });
      });
      ws.onClose((code, reason) => server.close({ code, reason }));
    }),
  });
  await expect.poll(() => feed(page).then((f) => f.state), { timeout: 20_000 }).toBe('live');
  // Everything the app's feed hands its listeners, and every resync, in order.
  await page.evaluate(() => {
    const w = window as unknown as { seen: Array<{ type: string; seq?: number; photoId?: string }>; darkroom: { feed: Feed } };
    type Feed = { subscribe(l: (e: { type: string; seq: number; photoId?: string }) => void): void; onResync(l: () => void): void };
    w.seen = [];
    w.darkroom.feed.subscribe((e) => w.seen.push({ type: e.type, seq: e.seq, photoId: e.photoId }));
    w.darkroom.feed.onResync(() => w.seen.push({ type: 'resync' }));
  });
  return { page, line };
}

const feed = (page: Page) => page.evaluate(() => {
  const f = (window as unknown as { darkroom: { feed: { state: string; seq: number; ended: string | null } } }).darkroom.feed;
  return { state: f.state, seq: f.seq, ended: f.ended };
});
const seen = (page: Page) => page.evaluate(() => (window as unknown as { seen: Array<{ type: string; seq?: number; photoId?: string }> }).seen);

/** Drops the connection as a network would: the page sees an abnormal close. */
function cut(line: Line) {
  line.server?.close({ code: 1001, reason: 'going away' });
  line.page?.close({ code: 1006, reason: '' });
}

/** The events listened to must be consecutive: none lost, none twice. */
function expectConsecutive(events: Array<{ seq?: number }>) {
  const seqs = events.flatMap((e) => (e.seq === undefined ? [] : [e.seq]));
  for (let i = 1; i < seqs.length; i++) expect(seqs[i], `after ${seqs[i - 1]}`).toBe(seqs[i - 1] + 1);
}

describe('live feed client', () => {
  /** A token of a library of its own: its log is empty, so the page is greeted with seq 0. */
  async function newLibraryToken() {
    const token = `drk_e2e_${crypto.randomUUID()}`;
    d1(createTokenSql({ tokenHash: await hashToken(token), libraryId: `feed-${crypto.randomUUID().slice(0, 8)}`, label: 'feed e2e', now: Date.now() }));
    return token;
  }

  // Once in a library with no events yet (seq 0 is a position too: resuming without it would skip what
  // happened while cut off), and once in the shared library, whose log other tests may have filled.
  it.each([['a new library', true], ['the shared library', false]] as const)(
    'reconnects with a growing backoff while the server is unreachable, then resumes from its seq and loses nothing (%s)', async (_, fresh) => {
    const token = fresh ? await newLibraryToken() : undefined;
    const { page, line } = await feedPage(token);
    if (fresh) expect((await feed(page)).seq).toBe(0);
    line.refuse = true;
    const cutAt = Date.now();
    cut(line);
    const before = (await feed(page)).seq;
    const mark = (await seen(page)).length;
    const { photo } = await apiUpload('photo-pixel-gps.jpg', freshBytes('photo-pixel-gps.jpg', 'feed-backoff'), token);
    await developed(photo.id, undefined, token); // all of its events happen while the page is cut off
    await expect.poll(() => line.attempts.length, { timeout: 30_000 }).toBeGreaterThanOrEqual(4); // the first, then 3 refused
    const at = [cutAt, ...line.attempts.slice(1).map((a) => a.at)];
    const waits = at.slice(1).map((t, i) => t - at[i]);
    // About 1 s, 2 s, 4 s (±20 % jitter; timers only ever fire late).
    expect(waits[0]).toBeGreaterThanOrEqual(700);
    expect(waits[1]).toBeGreaterThanOrEqual(1500);
    expect(waits[2]).toBeGreaterThanOrEqual(3000);
    expect(waits[2]).toBeGreaterThan(waits[1]);
    expect(waits[1]).toBeGreaterThan(waits[0]);
    for (const a of line.attempts.slice(1)) expect(a.since).toBe(String(before));

    line.refuse = false;
    await expect.poll(() => feed(page).then((f) => f.state), { timeout: 30_000 }).toBe('live');
    await expect.poll(async () => (await seen(page)).some((e) => e.type === 'photo.completed' && e.photoId === photo.id), { timeout: 20_000 }).toBe(true);
    const events = (await seen(page)).slice(mark);
    expect(events.find((e) => e.type === 'photo.created')?.photoId).toBe(photo.id);
    expect(events[0].seq).toBe(before + 1);
    expectConsecutive(events);
    expect(events.some((e) => e.type === 'resync')).toBe(false); // replayed, not reloaded
    await page.context().close();
  });

  it('notices a lost frame, asks the server for what is missing once, and applies everything in order', async () => {
    const { page, line } = await feedPage();
    let lost: number | null = null;
    line.drop = (frame) => {
      const m = JSON.parse(frame);
      const first = Array.isArray(m) ? m[0] : m;
      if (lost !== null || first.type === 'hello' || first.type === 'snapshot') return false;
      lost = first.seq;
      return true;
    };
    const { photo } = await apiUpload('orient-landscape-6.jpg', freshBytes('orient-landscape-6.jpg', 'feed-gap'));
    await developed(photo.id);
    await expect.poll(async () => (await seen(page)).some((e) => e.type === 'photo.completed' && e.photoId === photo.id), { timeout: 20_000 }).toBe(true);
    expect(lost).not.toBeNull();
    const events = await seen(page);
    expect(events.some((e) => e.seq === lost)).toBe(true);
    expectConsecutive(events);
    const resumes = line.sent.map((m) => JSON.parse(m)).filter((m) => m.type === 'resume');
    expect(resumes[0]).toEqual({ type: 'resume', since: lost! - 1 });
    expect(resumes.length).toBeLessThanOrEqual(2);
    expect(line.attempts).toHaveLength(1); // the same socket throughout
    await page.context().close();
  });

  it('too far behind for a replay: takes the snapshot and reloads what it shows', async () => {
    // A named person whose hidden flag is flipped 520 times: more events than the server replays (500).
    const { photo } = await apiUpload('face-obama.jpg', freshBytes('face-obama.jpg', 'feed-snapshot'));
    const job = await claimFor(photo.id);
    // A face joins a person only with an embedding from the library's face embedder.
    const { settings } = await api('/api/settings', undefined, 'GET');
    const { dims, ...faceEmbedding } = settings.analysis.faceEmbedding as { id: string; version?: string; dims: number };
    const posted = await api(`/api/analysis/${photo.id}`, {
      lease: job.lease, models: { ...TINY_MODELS, faceEmbedding }, caption: 'a face', embedding: { dims: 4, values: [0.4, 0.3, 0.2, 0.1] }, tags: [],
      faces: [{ box: [0.3, 0.2, 0.3, 0.4], score: 0.95, embedding: Array.from({ length: dims }, (_, i) => (i === 0 ? 1 : 0)) }],
      device: { backend: 'wasm' }, timings: { totalMs: 1 },
    });
    expect(posted.ok, JSON.stringify(posted)).toBe(true);
    const { photo: analysed } = await api(`/api/photos/${photo.id}`, undefined, 'GET');
    const person = await api('/api/people', { faceId: analysed.analysis.faces[0].id, name: 'Feed Snapshot' });
    expect(person.person?.id, JSON.stringify(person)).toBeDefined();

    const { page, line } = await feedPage();
    line.refuse = true;
    cut(line);
    const { seq: before } = await feed(page);
    const mark = (await seen(page)).length;
    for (let i = 0; i < 520; i += 10) {
      await Promise.all(Array.from({ length: 10 }, (_, j) => api(`/api/people/${person.person.id}`, { hidden: (i + j) % 2 === 0 }, 'PATCH')));
    }
    const reloads: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'GET' && new URL(r.url()).pathname === '/api/photos') reloads.push(r.url());
    });
    line.refuse = false;
    await expect.poll(async () => (await seen(page)).some((e) => e.type === 'resync'), { timeout: 30_000 }).toBe(true);
    expect(line.attempts.at(-1)!.since).toBe(String(before));
    expect((await feed(page)).seq).toBeGreaterThanOrEqual(before + 520);
    const after = (await seen(page)).slice(mark);
    expect(after.slice(0, after.findIndex((e) => e.type === 'resync'))).toEqual([]); // nothing replayed one by one
    await expect.poll(() => reloads.length, { timeout: 10_000 }).toBeGreaterThan(0);
    await page.context().close();
  });

  it('stops reconnecting when the server closes it for a revoked token', async () => {
    const extra = `drk_e2e_${crypto.randomUUID()}`;
    const hash = await hashToken(extra);
    d1(createTokenSql({ tokenHash: hash, libraryId: 'default', label: 'feed e2e', now: Date.now() }));
    const { page, line } = await feedPage(extra);
    d1(revokeTokenSql(hash));
    // The server checks the token when the socket asks to resume: lose a frame so that it asks.
    let lost = false;
    line.drop = (frame) => !lost && !frame.includes('"hello"') && (lost = true);
    await apiUpload('orient-landscape-7.jpg', freshBytes('orient-landscape-7.jpg', 'feed-revoked'));
    await expect.poll(() => feed(page), { timeout: 60_000 }).toEqual(expect.objectContaining({ state: 'down', ended: 'token revoked' }));
    expect(line.closes).toEqual([4001]);
    const attempts = line.attempts.length;
    await page.waitForTimeout(4000); // a reconnect would come after about 1 s
    expect(line.attempts.length).toBe(attempts);
    await page.context().close();
  });

  it('closed as a flood: waits before coming back, then resumes what it missed', async () => {
    const { page, line } = await feedPage();
    const { seq: before } = await feed(page);
    // A script in the page (or a broken client) asks to resume over and over.
    await page.evaluate(() => {
      const ws = (window as unknown as { darkroom: { feed: { socket: WebSocket } } }).darkroom.feed.socket;
      const since = (window as unknown as { darkroom: { feed: { seq: number } } }).darkroom.feed.seq;
      for (let i = 0; i < 20; i++) ws.send(JSON.stringify({ type: 'resume', since }));
    });
    await expect.poll(() => feed(page).then((f) => f.state), { timeout: 10_000 }).toBe('down');
    const closedAt = Date.now();
    expect(line.closes).toEqual([4008]);
    const { photo } = await apiUpload('orient-landscape-8.jpg', freshBytes('orient-landscape-8.jpg', 'feed-flood'));
    await expect.poll(() => line.attempts.length, { timeout: 20_000 }).toBe(2);
    expect(line.attempts[1].at - closedAt).toBeGreaterThanOrEqual(4000);
    expect(line.attempts[1].since).not.toBeNull();
    expect(Number(line.attempts[1].since)).toBeGreaterThanOrEqual(before);
    await developed(photo.id);
    await expect.poll(async () => (await seen(page)).some((e) => e.type === 'photo.completed' && e.photoId === photo.id), { timeout: 20_000 }).toBe(true);
    expectConsecutive(await seen(page));
    await page.context().close();
  });
});
