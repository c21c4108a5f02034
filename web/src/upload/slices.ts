// Long loops over a big pick, cut into time slices with a task boundary between them, so the page paints
// and answers input while 10,000 files are taken in (a task over 50 ms is a "long task": input waits).

/** Lets the browser paint and handle input: a new task, behind whatever else is waiting. */
export const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * Lets input and other work in, but carries on ahead of ordinary tasks: `scheduler.yield()` where there
 * is one. For work the uploads wait on (settling a /check answer): with a plain task (setTimeout,
 * clamped to 4 ms when nested) a /check answer or a pick reached the queue at ~80 files a second behind
 * the upload callbacks on a busy machine, and the lanes starved. (Chromium then paints about every
 * 100 ms: still no long task; see sharedTurns.)
 */
export function yieldToPage(): Promise<void> {
  const scheduler = pageScheduler();
  return scheduler?.yield ? scheduler.yield() : nextTask();
}

/** The Prioritized Task Scheduling API where the browser has it (Chromium; not Node). */
const pageScheduler = () => (globalThis as {
  scheduler?: { yield?: () => Promise<void>; postTask?: (f: () => void, o: { priority: string }) => Promise<void> };
}).scheduler;

/** A turn among the page's other tasks at their own priority: `scheduler.postTask`, else a task. */
export function nextTurn(): Promise<void> {
  const scheduler = pageScheduler();
  return scheduler?.postTask ? scheduler.postTask(() => {}, { priority: 'user-visible' }) : nextTask();
}

/**
 * yieldToPage turns, with a turn among the other tasks (nextTurn) at least every `ms`: for work that
 * must not hold back the replies it started. Taking in a 1,000-file pick (a stat per file in the
 * browser process, 0.15-0.6 ms each) with scheduler.yield() alone kept the hash workers' first answers
 * waiting until the whole pick was in: the first /check left 600-750 ms after the pick, 100-150 ms
 * with these turns. The work the pick started now runs in between, not after it: a 10,000-file pick
 * is listed in 9-10 s, not 4-4.6 s, while its first files are already being sent, and what piled up
 * behind the yields no longer runs as one task (82-107 ms in the bench with yields alone, 14 ms now).
 * The turn is also where Chromium paints: with one every 50 ms, 37-91 frames took over 50 ms (up to
 * 150 ms) while a 10,000-file pick was listed (three runs); with one every 16 ms, 4-13 (up to 97 ms,
 * four runs), the pick listed in 10.8-12.2 s against 7.3-10.0 s (bench:upload-ui): a little slower, while
 * its uploads go on meanwhile.
 */
export function sharedTurns(ms = 16): () => Promise<void> {
  let last = performance.now();
  return () => {
    const now = performance.now();
    if (now - last < ms) return yieldToPage();
    last = now;
    return nextTurn();
  };
}

export interface SliceOptions {
  /** How a slice waits for the next: yieldToPage (ahead of other tasks) unless told. */
  turn?: () => Promise<void>;
  /** Items per slice, at most. */
  max?: number;
  /** How long one slice may take, at most (checked after each item). */
  ms?: number;
}

/**
 * Maps `items` a slice per task (see yieldToPage) and hands each slice's results to `chunk` (in the
 * same task). A time
 * slice, not a count: the same step may take 5 µs or 1 ms per item depending on the machine (a picked
 * file's first size read may be a stat in the browser process).
 */
export async function inSlices<T, R>(
  items: readonly T[],
  map: (item: T, index: number) => R,
  chunk: (results: R[], from: number) => void,
  { max = 500, ms = 8, turn = yieldToPage }: SliceOptions = {},
): Promise<void> {
  let next = 0;
  while (next < items.length) {
    if (next) await turn();
    const began = performance.now();
    const from = next;
    const out: R[] = [];
    do out.push(map(items[next], next++));
    while (next < items.length && out.length < max && performance.now() - began < ms);
    chunk(out, from);
  }
}
