// Interactive work running in this isolate — requests and interactive photos being developed — for the
// backfill lane to step aside from. Locally one thread runs every isolate (the Worker, D1, R2, the dev
// proxy): a backfill photo's synchronous codec steps (tens of ms each) delayed every hop of an upload
// that arrived mid-batch, so its 201 reached the client only when the batch of four ended (bench:lanes:
// 15 ms idle → 800 ms). In production the isolate is still one thread, shared by whatever it runs.
// The D1 check in the consumer covers interactive work queued anywhere; this covers the CPU right here.
import { createMiddleware } from 'hono/factory';

/** How long after interactive work ends the isolate still counts as busy: its response is still on the way, a client's next request is near. */
export const QUIET_AFTER_MS = 50;

let inFlight = 0;
let lastEnded = -Infinity;

/** Runs `work` counted as interactive: backfill waits until it is done and QUIET_AFTER_MS have passed. */
export async function interactive<T>(work: () => Promise<T>): Promise<T> {
  inFlight++;
  try {
    return await work();
  } finally {
    inFlight--;
    lastEnded = Date.now();
  }
}

export const trackActivity = createMiddleware(async (_c, next) => interactive(next));

/** True while interactive work runs here, or ended less than QUIET_AFTER_MS ago. */
export function isolateBusy(now = Date.now()): boolean {
  return inFlight > 0 || now - lastEnded < QUIET_AFTER_MS;
}
