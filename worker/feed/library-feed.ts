// One Durable Object per library fans feed events out to that library's WebSockets. It uses the
// hibernation API, so idle sockets cost nothing, and it keeps no state of its own: D1 is the truth,
// and a reconnecting client is served what it missed straight from the events table.
import { DurableObject } from 'cloudflare:workers';
import type { FeedEvent, FeedMessage, FeedRequest } from '../contract/feed';
import { CLOSE_FLOOD, CLOSE_REVOKED, FEED_PROTOCOL, MIN_RESUME_INTERVAL_MS } from '../contract/feed';
import type { ErrorBody } from '../contract/http';
import { libraryForHash } from '../auth/bearer';
import { countsFor, eventsSince, latestSeq } from '../db/events';
import type { Bindings } from '../env';
import { toFeedEvent } from './publish';

/** Beyond this many missed events a client gets a snapshot and refetches instead. */
const MAX_REPLAY = 500;

/** Sockets one library may hold open; past it the upgrade is refused with 429 (M6). */
export const MAX_SOCKETS = 64;

/** The socket cap, raised by `FEED_MAX_SOCKETS` for a fan-out benchmark or a wall display farm. */
export function maxSockets(env: Bindings): number {
  const n = Number(env.FEED_MAX_SOCKETS);
  return Number.isInteger(n) && n > 0 ? n : MAX_SOCKETS;
}
/** Refused resumes a socket may send before it is closed as a flood. */
export const MAX_STRIKES = 5;
/** How often open sockets' tokens are checked again, so a revoked token loses its feed (M8). */
export const TOKEN_CHECK_MS = 60_000;

/** Kept with the socket, so it survives hibernation. */
interface Attachment {
  libraryId: string;
  tokenHash: string;
  lastReplayAt: number;
  strikes: number;
}

export class LibraryFeed extends DurableObject<Bindings> {
  /** Sockets whose replay is being served (in memory: a hibernated object has none in flight). */
  private readonly replaying = new Set<WebSocket>();

  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, env);
    // Keep-alive pings are answered without waking the object.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair('ping', 'pong'));
  }

  async fetch(request: Request): Promise<Response> {
    const libraryId = request.headers.get('X-Darkroom-Library');
    const tokenHash = request.headers.get('X-Darkroom-Token-Hash');
    if (!libraryId || !tokenHash) return new Response('missing library', { status: 400 });
    const cap = maxSockets(this.env);
    if (this.ctx.getWebSockets().length >= cap) {
      const body: ErrorBody = { error: { code: 'too_many_connections', message: `This library already has ${cap} live connections; close some tabs.` } };
      return Response.json(body, { status: 429 });
    }
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server);
    const since = Number(new URL(request.url).searchParams.get('since') ?? NaN);
    const replays = Number.isInteger(since);
    // The greeting's replay does not count against the interval: a reconnect costs an authenticated upgrade.
    server.serializeAttachment({ libraryId, tokenHash, lastReplayAt: 0, strikes: 0 } satisfies Attachment);
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + TOKEN_CHECK_MS);
    await this.greet(server, libraryId, replays ? since : null);
    const protocols = request.headers.get('Sec-WebSocket-Protocol')?.split(',').map((p) => p.trim()) ?? [];
    const headers = protocols.includes(FEED_PROTOCOL) ? { 'Sec-WebSocket-Protocol': FEED_PROTOCOL } : undefined;
    return new Response(null, { status: 101, webSocket: client, headers });
  }

  async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    let request: FeedRequest;
    try {
      request = JSON.parse(typeof message === 'string' ? message : new TextDecoder().decode(message));
    } catch {
      return ws.close(1003, 'messages must be JSON');
    }
    if (request?.type === 'resume' && Number.isInteger(request.since)) await this.resume(ws, request.since);
  }

  /** One replay in flight per socket, at most one per interval; a socket that keeps asking is closed. */
  private async resume(ws: WebSocket, since: number) {
    const a = ws.deserializeAttachment() as Attachment;
    const now = Date.now();
    if (this.replaying.has(ws) || now - a.lastReplayAt < MIN_RESUME_INTERVAL_MS) {
      ws.serializeAttachment({ ...a, strikes: a.strikes + 1 } satisfies Attachment);
      if (a.strikes + 1 >= MAX_STRIKES) ws.close(CLOSE_FLOOD, `too many resume requests: one at a time, at most one per ${MIN_RESUME_INTERVAL_MS} ms`);
      return;
    }
    ws.serializeAttachment({ ...a, lastReplayAt: now } satisfies Attachment);
    this.replaying.add(ws);
    try {
      if (!(await this.tokenValid(a))) return ws.close(CLOSE_REVOKED, 'token revoked');
      await this.replay(ws, a.libraryId, since);
    } finally {
      this.replaying.delete(ws);
    }
  }

  /**
   * The periodic check, repeated while any socket is open: sockets of revoked tokens are closed (M8), and
   * the others hear where the log ends. A broadcast is best effort (feed/publish.ts): one lost after its
   * commit would otherwise go unnoticed until a later event showed the gap; a client behind the tip resumes.
   */
  async alarm(): Promise<void> {
    const sockets = this.ctx.getWebSockets();
    const valid = new Map<string, Promise<boolean>>();
    for (const ws of sockets) {
      const a = ws.deserializeAttachment() as Attachment;
      let ok = valid.get(a.tokenHash);
      if (!ok) valid.set(a.tokenHash, (ok = this.tokenValid(a)));
      if (!(await ok)) ws.close(CLOSE_REVOKED, 'token revoked');
    }
    const open = this.ctx.getWebSockets();
    if (!open.length) return;
    const { libraryId } = open[0].deserializeAttachment() as Attachment; // one object per library
    const { latest } = await latestSeq(this.env.DB, libraryId);
    for (const ws of open) send(ws, { type: 'hello', seq: latest });
    await this.ctx.storage.setAlarm(Date.now() + TOKEN_CHECK_MS);
  }

  private async tokenValid(a: Attachment): Promise<boolean> {
    return (await libraryForHash(this.env, a.tokenHash)) === a.libraryId;
  }

  async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    ws.close(code === 1005 ? 1000 : code, reason);
  }

  /**
   * Called by the Worker right after the D1 commit that produced the events. Events of one commit go
   * out as one frame (a JSON array when there are several): fan-out cost is per frame and per socket.
   */
  async broadcast(events: FeedEvent[]): Promise<number> {
    const frame = JSON.stringify(events.length === 1 ? events[0] : events);
    const sockets = this.ctx.getWebSockets();
    for (const ws of sockets) {
      try {
        ws.send(frame);
      } catch {
        // A socket closing under us: its client reconnects and resumes by seq.
      }
    }
    return sockets.length;
  }

  private async greet(ws: WebSocket, libraryId: string, since: number | null) {
    if (since !== null) return this.replay(ws, libraryId, since);
    const { latest } = await latestSeq(this.env.DB, libraryId);
    send(ws, { type: 'hello', seq: latest });
  }

  private async replay(ws: WebSocket, libraryId: string, since: number) {
    const { latest, oldest } = await latestSeq(this.env.DB, libraryId);
    const missed = latest - since;
    // Events after `since` were pruned (even from 0: a client greeted while the log was empty), or the
    // seq is from the future: the client cannot be brought up to date one event at a time.
    if (missed > MAX_REPLAY || (oldest > 0 && since < oldest - 1) || since > latest) {
      send(ws, { type: 'snapshot', seq: latest, counts: await countsFor(this.env.DB, libraryId), reason: since > latest ? 'unknown seq' : 'too far behind' });
      return;
    }
    for (const row of await eventsSince(this.env.DB, libraryId, since, MAX_REPLAY)) {
      send(ws, await toFeedEvent(this.env, libraryId, row));
    }
    send(ws, { type: 'hello', seq: latest });
  }
}

function send(ws: WebSocket, message: FeedMessage) {
  try {
    ws.send(JSON.stringify(message));
  } catch {
    // Closed while a replay was being served (a flood or a revoked token): the rest has nowhere to go.
  }
}
