// Per-photo progress of one export, for the panel. The counts move with each event (a 100,000-photo
// Select all sends half a million of them): counting by scanning every item per event was quadratic.
import type { ItemStep } from './protocol';

export interface RunItem {
  photoId: string;
  filename: string;
  step: ItemStep;
  outputs: number;
  error?: string;
}

const over = (step: ItemStep) => (step === 'done' || step === 'failed' ? 1 : 0);

export class RunItems {
  list = $state<RunItem[]>([]);
  /** Photos done or failed. */
  finished = $state(0);
  failed = $state(0);

  reset(items: ReadonlyArray<{ photoId: string; filename: string }>) {
    this.list = items.map((i) => ({ photoId: i.photoId, filename: i.filename, step: 'queued', outputs: 0 }));
    this.finished = 0;
    this.failed = 0;
  }

  /** A step reached by the photo at `index` (an event of the export worker). */
  apply(index: number, step: ItemStep, outputs?: number, error?: string) {
    const item = this.list[index];
    if (!item) return;
    const was = item.step;
    item.step = step;
    this.finished += over(step) - over(was);
    this.failed += (step === 'failed' ? 1 : 0) - (was === 'failed' ? 1 : 0);
    if (outputs !== undefined) item.outputs = outputs;
    item.error = error; // a later step of the photo clears an earlier failure's reason
  }
}
