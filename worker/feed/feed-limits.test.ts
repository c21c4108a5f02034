// M6 and M8: a flooding socket is closed with a reason, sockets per library are capped, and a revoked
// token's sockets are closed (on resume, and by the periodic check).
import { env, runInDurableObject, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { eventStatement } from '../db/events';
import { sha256Hex } from '../hash';
import { newLibrary } from '../test/helpers';
import { CLOSE_FLOOD, CLOSE_REVOKED, MIN_RESUME_INTERVAL_MS } from '../contract/feed';
import { type LibraryFeed, MAX_SOCKETS, maxSockets } from './library-feed';

interface Open {
  ws: WebSocket;
  frames: string[];
  closed: Promise<{ code: number; reason: string }>;
}

async function open(token: string): Promise<Open> {
  const res = await SELF.fetch('http://darkroom.test/api/live', { headers: { Upgrade: 'websocket', 'Sec-WebSocket-Protocol': `darkroom.v1, bearer.${token}` } });
  expect(res.status).toBe(101);
  const ws = res.webSocket!;
  ws.accept();
  const frames: string[] = [];
  ws.addEventListener('message', (e) => frames.push(e.data as string));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.addEventListener('close', (e) => resolve({ code: e.code, reason: e.reason })));
  return { ws, frames, closed };
}

const within = <T>(p: Promise<T>, ms = 5000) => Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timed out')), ms))]);
const revoke = async (token: string) => env.DB.prepare('DELETE FROM api_tokens WHERE token_hash = ?1').bind(await sha256Hex(token)).run();

describe('live feed limits (M6)', () => {
  it('serves one resume, refuses a flood of them and closes the socket with a reason', async () => {
    const { token } = await newLibrary();
    const s = await open(token);
    for (let i = 0; i < 400; i++) s.ws.send(JSON.stringify({ type: 'resume', since: 0 }));
    const { code, reason } = await within(s.closed);
    expect(code).toBe(CLOSE_FLOOD);
    expect(reason).toMatch(/too many resume requests/);
    // The greeting plus at most one replay's hello: the flood was not answered.
    expect(s.frames.filter((f) => f.includes('"hello"')).length).toBeLessThanOrEqual(2);
  });

  it('answers resumes spaced by the minimum interval', async () => {
    const { token } = await newLibrary();
    const s = await open(token);
    for (let i = 0; i < 2; i++) {
      await new Promise((r) => setTimeout(r, MIN_RESUME_INTERVAL_MS + 50));
      s.ws.send(JSON.stringify({ type: 'resume', since: 0 }));
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(s.frames.filter((f) => f.includes('"hello"')).length).toBe(3);
    s.ws.close(1000, 'done');
  });

  it('caps the sockets of one library', async () => {
    const { token } = await newLibrary();
    const sockets: Open[] = [];
    for (let i = 0; i < MAX_SOCKETS; i++) sockets.push(await open(token));
    const refused = await SELF.fetch('http://darkroom.test/api/live', { headers: { Upgrade: 'websocket', 'Sec-WebSocket-Protocol': `darkroom.v1, bearer.${token}` } });
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('too_many_connections');
    // Another library is not affected.
    const other = await open((await newLibrary()).token);
    other.ws.close(1000, 'done');
    for (const s of sockets) s.ws.close(1000, 'done');
  });
});

describe('revoked tokens lose their feed (M8)', () => {
  it('closes the socket when it asks to resume after its token was revoked', async () => {
    const { token } = await newLibrary();
    const s = await open(token);
    await revoke(token);
    s.ws.send(JSON.stringify({ type: 'resume', since: 0 }));
    expect(await within(s.closed)).toEqual({ code: CLOSE_REVOKED, reason: 'token revoked' });
  });

  it('closes revoked sockets on the periodic check and keeps valid ones', async () => {
    const { libraryId, token } = await newLibrary();
    const { insertToken } = await import('../db/tokens');
    const keep = `drk_${crypto.randomUUID()}`;
    await insertToken(env.DB, await sha256Hex(keep), libraryId, 'kept');
    const revoked = await open(token);
    const kept = await open(keep);
    await revoke(token);
    await runInDurableObject(env.FEED.getByName(libraryId), (feed: LibraryFeed) => feed.alarm());
    expect(await within(revoked.closed)).toEqual({ code: CLOSE_REVOKED, reason: 'token revoked' });
    let keptClosed = false;
    void kept.closed.then(() => (keptClosed = true));
    await new Promise((r) => setTimeout(r, 200));
    expect(keptClosed).toBe(false);
    expect(await runInDurableObject(env.FEED.getByName(libraryId), (_feed: LibraryFeed, state) => state.storage.getAlarm())).not.toBeNull();
    kept.ws.close(1000, 'done');
  });

  it('tells every socket where the log ends on the periodic check, so an event whose fan-out was lost is noticed', async () => {
    const { libraryId, token } = await newLibrary();
    const s = await open(token);
    await within(new Promise<void>((resolve) => s.ws.addEventListener('message', () => resolve(), { once: true })));
    expect(JSON.parse(s.frames[0])).toEqual({ type: 'hello', seq: 0 });
    // Committed, never broadcast: the consumer died between its D1 batch and the fan-out.
    await env.DB.batch([eventStatement(env.DB, libraryId, 'photo.deleted', 'gone', {}, Date.now())]);
    await runInDurableObject(env.FEED.getByName(libraryId), (feed: LibraryFeed) => feed.alarm());
    await within((async () => { while (s.frames.length < 2) await new Promise((r) => setTimeout(r, 10)); })());
    expect(JSON.parse(s.frames[1])).toEqual({ type: 'hello', seq: 1 });
    s.ws.close(1000, 'done');
  });

  it('takes its socket cap from FEED_MAX_SOCKETS when that is a positive integer', () => {
    expect(maxSockets({ ...env, FEED_MAX_SOCKETS: '2000' })).toBe(2000);
    for (const bad of [undefined, '', '0', '-5', '1.5', 'lots']) expect(maxSockets({ ...env, FEED_MAX_SOCKETS: bad })).toBe(MAX_SOCKETS);
  });
});
