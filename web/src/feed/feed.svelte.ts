// The live feed of the library: owns its WebSocket, reconnects with backoff and resumes from the last
// seq it applied, so no event is lost across sleeps, network drops or server restarts. While the
// socket is down, `state` says so and consumers fall back to polling.
import type { FeedEvent, FeedFrame, FeedMessage } from '../../../worker/contract/feed';
import { CLOSE_FLOOD, CLOSE_REVOKED, FEED_PROTOCOL, MIN_RESUME_INTERVAL_MS } from '../../../worker/contract/feed';

export type FeedState = 'connecting' | 'live' | 'down';
type Listener = (event: FeedEvent) => void;

const MAX_BACKOFF_MS = 30_000;
/** After the server closed us for asking too often, wait at least this long before coming back. */
const FLOOD_BACKOFF_MS = 5_000;
/** An out-of-order event waits this long for the ones before it before we ask for a replay. */
const GAP_WAIT_MS = 1_000;

export class Feed {
  state = $state<FeedState>('connecting');
  /** Highest seq applied; events at or below it are duplicates. */
  seq = $state(0);
  socket: WebSocket | null = null;
  /** Why the feed stopped for good (a revoked token); null while it keeps itself connected. */
  ended = $state<string | null>(null);

  private listeners = new Set<Listener>();
  private resyncListeners = new Set<() => void>();
  private held = new Map<number, FeedEvent>();
  private gapTimer: ReturnType<typeof setTimeout> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private attempts = 0;
  private closed = false;
  /** When this socket last asked to resume, and whether its hello or snapshot is still owed. */
  private resumeAt = 0;
  private resumeOpen = false;
  /**
   * Whether a hello or snapshot has told us where the log is. Until then `seq` means nothing; after it,
   * even 0 is a position (a library with no events yet) that a reconnect must resume from.
   */
  private greeted = false;
  /** The log's end as the server last announced it; below it, something was not delivered. */
  private tip = 0;

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
    if (this.greeted) url.searchParams.set('since', String(this.seq));
    this.state = 'connecting';
    const ws = new WebSocket(url, [FEED_PROTOCOL, `bearer.${this.token}`]);
    this.socket = ws;
    // Live once greeted (handle), not on open: until the hello or snapshot says where the log is, a socket
    // that drops leaves nothing to resume from.
    ws.onopen = () => {
      this.attempts = 0;
    };
    ws.onmessage = (e) => this.receive(JSON.parse(e.data as string) as FeedFrame);
    ws.onclose = (e) => {
      if (this.socket !== ws) return;
      this.socket = null;
      this.resumeAt = 0;
      this.resumeOpen = false;
      this.state = 'down';
      if (e.code === CLOSE_REVOKED) {
        // The token is gone: every retry would be refused, so stop instead of knocking forever.
        this.closed = true;
        this.ended = e.reason || 'token revoked';
        return;
      }
      if (this.closed) return;
      // Closed as a flood: come back, and resume by the greeting, but not at once.
      this.scheduleReconnect(e.code === CLOSE_FLOOD ? FLOOD_BACKOFF_MS : 0);
    };
  }

  close() {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.socket?.close(1000, 'bye');
    this.socket = null;
  }

  private scheduleReconnect(atLeast: number) {
    const delay = Math.max(atLeast, Math.min(MAX_BACKOFF_MS, 1000 * 2 ** this.attempts++) * (0.8 + Math.random() * 0.4));
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  /** Applies a frame. Exposed for tests: the reducer logic lives here, not in the socket code. */
  receive(frame: FeedFrame) {
    for (const message of Array.isArray(frame) ? frame : [frame]) this.handle(message);
  }

  private handle(message: FeedMessage) {
    if (message.type === 'hello' || message.type === 'snapshot') {
      this.resumeOpen = false;
      this.state = 'live';
    }
    if (message.type === 'hello') {
      // On a fresh connection the server tells us where the log is; nothing older is owed to us.
      if (!this.greeted) this.seq = message.seq;
      this.greeted = true;
      // Later hellos (the end of a replay, the server's periodic one) say where the log ends now: an
      // event before that which never came (a fan-out lost after its commit) is asked for like a gap.
      this.tip = Math.max(this.tip, message.seq);
      this.drain();
      return;
    }
    if (message.type === 'snapshot') {
      this.greeted = true;
      this.seq = message.seq;
      this.tip = message.seq; // the log may have gone back (an unknown seq): the old tip means nothing
      this.held.clear();
      for (const l of this.resyncListeners) l();
      return;
    }
    if (message.seq <= this.seq) return; // already applied (a replay overlapping a broadcast)
    this.held.set(message.seq, message);
    this.drain();
  }

  private drain() {
    // Held events the seq has passed (a broadcast that overtook the greeting that counted it) are done.
    for (const seq of this.held.keys()) if (seq <= this.seq) this.held.delete(seq);
    while (this.held.has(this.seq + 1)) {
      const next = this.held.get(this.seq + 1)!;
      this.held.delete(this.seq + 1);
      this.seq = next.seq;
      for (const l of this.listeners) l(next);
    }
    clearTimeout(this.gapTimer);
    if (this.behind()) {
      // Something in between is missing (a concurrent writer's broadcast still in flight, or lost).
      this.gapTimer = setTimeout(() => this.askForGap(), GAP_WAIT_MS);
    }
  }

  private behind() {
    return this.held.size > 0 || this.tip > this.seq;
  }

  /**
   * One resume at a time and no closer together than the server allows (it closes a socket that keeps
   * asking, CLOSE_FLOOD): while one is unanswered or too recent, look again later.
   */
  private askForGap() {
    if (!this.behind()) return;
    // The reconnect resumes from seq anyway; only held events are worth applying meanwhile.
    if (this.socket?.readyState !== WebSocket.OPEN) return this.held.size ? this.skipGap() : undefined;
    // A margin over the server's interval: the two clocks start at different ends of the network. An
    // answer that has not come in 5 s is taken as lost (the server ignores a resume it refuses).
    const now = Date.now();
    const next = this.resumeAt + (this.resumeOpen ? 5_000 : MIN_RESUME_INTERVAL_MS + 250);
    if (now < next) {
      this.gapTimer = setTimeout(() => this.askForGap(), next - now);
      return;
    }
    this.resumeAt = now;
    this.resumeOpen = true;
    this.socket.send(JSON.stringify({ type: 'resume', since: this.seq }));
  }

  /** Without a socket to ask, apply what we have rather than stall. */
  private skipGap() {
    const lowest = Math.min(...this.held.keys());
    this.seq = lowest - 1;
    this.drain();
  }
}
