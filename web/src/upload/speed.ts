// Upload speed over the last few seconds, from the bytes acknowledged and the bytes of uploads in
// flight (their progress events). Time is passed in, so it is testable without a clock.

const WINDOW_MS = 5000;

export class SpeedMeter {
  private finished = 0;
  private inflight = new Map<string, number>();
  private samples: Array<[number, number]> = [];

  /** Bytes of a file in flight so far; returns the speed in bytes per second once there is a window. */
  progress(id: string, sent: number, now: number): number | null {
    this.inflight.set(id, sent);
    let total = this.finished;
    for (const n of this.inflight.values()) total += n;
    this.samples.push([now, total]);
    while (this.samples.length > 2 && now - this.samples[0][0] > WINDOW_MS) this.samples.shift();
    const [t0, b0] = this.samples[0];
    return now - t0 > 250 ? ((total - b0) / (now - t0)) * 1000 : null;
  }

  /** The file is no longer in flight; `acknowledged` bytes of it count as sent for good. */
  done(id: string, acknowledged = 0) {
    this.inflight.delete(id);
    this.finished += acknowledged;
  }
}
