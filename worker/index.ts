// Entry point: wiring only.
import { app } from './app';
import type { Bindings } from './env';
import type { PipelineMessage } from './contract/queue';

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Bindings, PipelineMessage>;
