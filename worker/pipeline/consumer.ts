// Queue consumers: the pipeline queue develops photos; its dead-letter queue records what could not be.
import type { PipelineMessage } from '../contract/queue';
import { failPhoto } from '../db/pipeline';
import type { Bindings } from '../env';
import { publish } from '../feed/publish';
import { developPhoto } from './run';

/** wrangler.toml's `dead_letter_queue` (a binding cannot tell its own name; the batch can). */
const DEAD_LETTER_QUEUE = 'darkroom-dlq';

export async function consume(batch: MessageBatch<PipelineMessage>, env: Bindings): Promise<void> {
  if (batch.queue === DEAD_LETTER_QUEUE) return deadLetters(batch, env);
  await Promise.all(
    batch.messages.map(async (message) => {
      try {
        const outcome = await developPhoto(env, message.body);
        if (outcome.done) message.ack();
        else message.retry({ delaySeconds: outcome.retryInSeconds });
      } catch (err) {
        // Something outside a stage broke (D1 unavailable, a bug). Let the queue retry; after its own
        // retries the message lands in the dead-letter queue, which marks the photo failed.
        console.error('pipeline run crashed', message.body.photoId, err);
        message.retry({ delaySeconds: 2 ** Math.min(message.attempts, 6) });
      }
    }),
  );
}

async function deadLetters(batch: MessageBatch<PipelineMessage>, env: Bindings): Promise<void> {
  for (const message of batch.messages) {
    const reason = 'Processing kept crashing and was given up (moved to the dead-letter queue). Retry to try again.';
    const { libraryId, photoId } = message.body;
    await publish(env, libraryId, await failPhoto(env.DB, libraryId, photoId, reason, Date.now()));
    console.error('dead-lettered', message.body.photoId);
    message.ack();
  }
}
