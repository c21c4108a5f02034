// Upload progress reaches the page a few times a second, not as it comes: each request in flight
// reports every ~50 ms, and with 6–16 in flight every report re-rendered the queue's totals and rows
// (~150 times a second). On a 2-core machine where the browser shares the CPU with the server, that
// rendering was CPU the uploads themselves needed. Uppy throttles its progress the same way (500 ms).

/** The latest value per key, handed to `apply` at most once per `everyMs`. */
export class ProgressThrottle<K> {
  private pending = new Map<K, number>();
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly apply: (latest: Map<K, number>) => void,
    private readonly everyMs = 200,
  ) {}

  report(key: K, value: number) {
    this.pending.set(key, value);
    this.timer ??= setTimeout(() => this.flush(), this.everyMs);
  }

  /** Hands over what is pending now, without waiting for the interval. */
  flush() {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.pending.size) return;
    const latest = this.pending;
    this.pending = new Map();
    this.apply(latest);
  }
}
