// The live feed of the library: owns its WebSocket, reconnects with backoff and resumes from the last
// seq it applied, so no event is lost across sleeps, network drops or server restarts. While the
// socket is down, `state` says so and consumers fall back to polling.
import type { FeedEvent, FeedFrame, FeedMessage } from '../../../worker/contract/feed';
import { FEED_PROTOCOL } from '../../../worker/contract/feed';

export type FeedState = 'connecting' | 'live' | 'down';
type Listener = (event: FeedEvent) => void;

const MAX_BACKOFF_MS = 30_000;
/** An out-of-order event waits this long for the ones before it before we ask for a replay. */
const GAP_WAIT_MS = 1_000;

export class Feed {
  state = $state<FeedState>('connecting');
  /** Highest seq applied; events at or below it are duplicates. */
  seq = $state(0);
  socket: WebSocket | null = null;

  private listeners = new Set<Listener>();
  private resyncListeners = new Set<() => void>();
  private held = new Map<number, FeedEvent>();
  private gapTimer: ReturnType<typeof setTimeout> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private attempts = 0;
  private closed = false;

  constructor(private readonly token: string) {}

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Called after a snapshot: the client was too far behind and should refetch what it shows. */
  onResync(listener: () => void): () => void {
    this.resyncListeners.add(listener);
    return () => this.resyncListeners.delete(listener);
  }

  connect() {
    this.closed = false;
    clearTimeout(this.retryTimer);
    const url = new URL('/api/live', location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    if (this.seq > 0) url.searchParams.set('since', String(this.seq));
    this.state = 'connecting';
    const ws = new WebSocket(url, [FEED_PROTOCOL, `bearer.${this.token}`]);
    this.socket = ws;
    ws.onopen = () => {
      this.attempts = 0;
      this.state = 'live';
    };
    ws.onmessage = (e) => this.receive(JSON.parse(e.data as string) as FeedFrame);
    ws.onclose = () => {
      if (this.socket !== ws) return;
      this.socket = null;
      this.state = 'down';
      if (!this.closed) this.scheduleReconnect();
    };
  }

  close() {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.socket?.close(1000, 'bye');
    this.socket = null;
  }

  private scheduleReconnect() {
    const delay = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** this.attempts++) * (0.8 + Math.random() * 0.4);
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  /** Applies a frame. Exposed for tests: the reducer logic lives here, not in the socket code. */
  receive(frame: FeedFrame) {
    for (const message of Array.isArray(frame) ? frame : [frame]) this.handle(message);
  }

  private handle(message: FeedMessage) {
    if (message.type === 'hello') {
      // On a fresh connection the server tells us where the log is; nothing older is owed to us.
      if (this.seq === 0) this.seq = message.seq;
      return;
    }
    if (message.type === 'snapshot') {
      this.seq = message.seq;
      this.held.clear();
      for (const l of this.resyncListeners) l();
      return;
    }
    if (message.seq <= this.seq) return; // already applied (a replay overlapping a broadcast)
    this.held.set(message.seq, message);
    this.drain();
  }

  private drain() {
    while (this.held.has(this.seq + 1)) {
      const next = this.held.get(this.seq + 1)!;
      this.held.delete(this.seq + 1);
      this.seq = next.seq;
      for (const l of this.listeners) l(next);
    }
    clearTimeout(this.gapTimer);
    if (this.held.size) {
      // Something in between is missing (a concurrent writer's broadcast still in flight, or lost).
      this.gapTimer = setTimeout(() => {
        if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify({ type: 'resume', since: this.seq }));
        else this.skipGap();
      }, GAP_WAIT_MS);
    }
  }

  /** Without a socket to ask, apply what we have rather than stall. */
  private skipGap() {
    const lowest = Math.min(...this.held.keys());
    this.seq = lowest - 1;
    this.drain();
  }
}
