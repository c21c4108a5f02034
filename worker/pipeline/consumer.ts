// Queue consumers. Both lanes develop photos (pipeline/enqueue.ts): the interactive queue all of a batch
// at once; the backfill queue one photo at a time, waiting while interactive work is queued. Every
// message first asks the image-service breaker (pipeline/breaker.ts). The dead-letter queue records
// what could not be developed.
import type { PipelineMessage } from '../contract/queue';
import { setRetryable } from '../db/failure-kind';
import { interactiveBusy, type Lane } from '../db/lanes';
import { interactive, isolateBusy } from '../isolate-activity';
import { failPhoto } from '../db/pipeline-retry';
import type { Bindings } from '../env';
import { publish } from '../feed/publish';
import { Breaker } from './breaker';
import { laneQueue, QUEUES } from './enqueue';
import { developPhoto } from './run';

/** wrangler.toml's `dead_letter_queue` (a binding cannot tell its own name; the batch can). */
const DEAD_LETTER_QUEUE = 'darkroom-dlq';
/** Interactive photos queued longer ago than this no longer hold backfill back (a lost message). */
const BUSY_WINDOW_MS = 2 * 60_000;
/** How long a backfill batch waits for interactive work to clear, and how often it looks. */
const BACKFILL_WAIT_MS = 30_000;
const BUSY_POLL_MS = 250;
/** How often a waiting backfill looks at this isolate's own requests (memory only, so it can be often). */
const ISOLATE_POLL_MS = 20;
/** How long a backfill message is put back for when the wait runs out. */
const YIELD_SECONDS = 5;

export async function consume(batch: MessageBatch<PipelineMessage>, env: Bindings, options: { backfillWaitMs?: number } = {}): Promise<void> {
  if (batch.queue === DEAD_LETTER_QUEUE) return deadLetters(batch, env);
  const breaker = await Breaker.load(env);
  if (batch.queue !== QUEUES.backfill) {
    // Counted as interactive work here too: its photos' synchronous codec steps are what backfill must not add to.
    await interactive(() => Promise.all(batch.messages.map((message) => develop(env, breaker, 'interactive', message))));
    return;
  }
  // Backfill waits for interactive work to clear, polling one indexed read at a time: while it waits it
  // holds the lane (max_concurrency 1), so the backlog sits still instead of cycling through the queue.
  // Past the wait it hands the rest back with a delay.
  const deadline = Date.now() + (options.backfillWaitMs ?? BACKFILL_WAIT_MS);
  for (const message of batch.messages) {
    if (await interactiveCleared(env, deadline)) await develop(env, breaker, 'backfill', message);
    else await defer(env, 'backfill', message, YIELD_SECONDS);
  }
}

/**
 * Waits until no interactive photo is queued (anywhere: one D1 read) and this isolate serves no request
 * (an upload or a page sharing the isolate would otherwise wait out each synchronous codec step of ours).
 */
async function interactiveCleared(env: Bindings, deadline: number): Promise<boolean> {
  for (;;) {
    const here = isolateBusy();
    if (!here && !(await interactiveBusy(env.DB, Date.now() - BUSY_WINDOW_MS))) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, here ? ISOLATE_POLL_MS : BUSY_POLL_MS));
  }
}

async function develop(env: Bindings, breaker: Breaker, lane: Lane, message: Message<PipelineMessage>): Promise<void> {
  const gate = await breaker.admit(Date.now());
  if (!gate.run) return defer(env, lane, message, gate.retryInSeconds);
  try {
    const outcome = await developPhoto(env, message.body, { probe: gate.probe });
    await breaker.record(outcome.done ? outcome.failure !== 'transient' : false, gate.probe, Date.now());
    if (outcome.done) message.ack();
    else message.retry({ delaySeconds: outcome.retryInSeconds });
  } catch (err) {
    // Something outside a stage broke (D1 unavailable, a bug). Let the queue retry; after its own
    // retries the message lands in the dead-letter queue, which marks the photo failed.
    console.error('pipeline run crashed', message.body.photoId, err);
    message.retry({ delaySeconds: 2 ** Math.min(message.attempts, 6) });
  }
}

/**
 * Waiting (a paused pipeline, a busy interactive lane) is not failing: the message goes back as a new
 * one with a delay and this one is acked, so the wait never counts toward the queue's max_retries.
 */
async function defer(env: Bindings, lane: Lane, message: Message<PipelineMessage>, seconds: number): Promise<void> {
  try {
    await laneQueue(env, lane).send(message.body, { delaySeconds: seconds });
    message.ack();
  } catch (err) {
    console.error('could not defer; the queue retries it', message.body.photoId, err);
    message.retry({ delaySeconds: seconds });
  }
}

async function deadLetters(batch: MessageBatch<PipelineMessage>, env: Bindings): Promise<void> {
  for (const message of batch.messages) {
    const reason = 'Processing kept crashing and was given up (moved to the dead-letter queue). Retry to try again.';
    const { libraryId, photoId } = message.body;
    await setRetryable(env.DB, photoId, true);
    await publish(env, libraryId, await failPhoto(env.DB, libraryId, photoId, reason, Date.now()));
    console.error('dead-lettered', message.body.photoId);
    message.ack();
  }
}
