// The model worker behind comlink: started on first use, terminated on stop (which also frees the
// models' memory), so the analysis tab costs nothing until someone presses Start.
import * as Comlink from 'comlink';
import type { ModelWorker } from './model.worker';

export class ModelBridge {
  private worker: Worker | null = null;
  private remote: Comlink.Remote<ModelWorker> | null = null;

  get api(): Comlink.Remote<ModelWorker> {
    if (!this.remote) {
      this.worker = new Worker(new URL('./model.worker.ts', import.meta.url), { type: 'module' });
      this.remote = Comlink.wrap<ModelWorker>(this.worker);
    }
    return this.remote;
  }

  terminate() {
    this.worker?.terminate();
    this.worker = null;
    this.remote = null;
  }
}

export { Comlink };
