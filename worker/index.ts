// Entry point: wiring only.
import { app } from './app';
import type { Bindings } from './env';
import type { PipelineMessage } from './contract/queue';
import { consume } from './pipeline/consumer';
import { sweep } from './pipeline/sweeper';

export { LibraryFeed } from './feed/library-feed';
export { SearchIndex } from './search/search-index';

export default {
  fetch: app.fetch,
  queue: (batch, env, _ctx) => consume(batch, env),
  scheduled: async (controller, env, ctx) => {
    ctx.waitUntil(sweep(env, controller.scheduledTime).then((r) => console.log('sweep', JSON.stringify(r))));
  },
} satisfies ExportedHandler<Bindings, PipelineMessage>;
