// One Durable Object per library fans feed events out to that library's WebSockets. It uses the
// hibernation API, so idle sockets cost nothing, and it keeps no state of its own: D1 is the truth,
// and a reconnecting client is served what it missed straight from the events table.
import { DurableObject } from 'cloudflare:workers';
import type { FeedEvent, FeedMessage, FeedRequest } from '../contract/feed';
import { FEED_PROTOCOL } from '../contract/feed';
import { countsFor, eventsSince, latestSeq } from '../db/events';
import type { Bindings } from '../env';
import { toFeedEvent } from './publish';

/** Beyond this many missed events a client gets a snapshot and refetches instead. */
const MAX_REPLAY = 500;

interface Attachment {
  libraryId: string;
}

export class LibraryFeed extends DurableObject<Bindings> {
  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, env);
    // Keep-alive pings are answered without waking the object.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair('ping', 'pong'));
  }

  async fetch(request: Request): Promise<Response> {
    const libraryId = request.headers.get('X-Darkroom-Library');
    if (!libraryId) return new Response('missing library', { status: 400 });
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server);
    server.serializeAttachment({ libraryId } satisfies Attachment);
    const since = Number(new URL(request.url).searchParams.get('since') ?? NaN);
    await this.greet(server, libraryId, Number.isInteger(since) ? since : null);
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
    if (request.type === 'resume' && Number.isInteger(request.since)) {
      const { libraryId } = ws.deserializeAttachment() as Attachment;
      await this.replay(ws, libraryId, request.since);
    }
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
    if (missed > MAX_REPLAY || (since > 0 && since < oldest - 1) || since > latest) {
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
  ws.send(JSON.stringify(message));
}
