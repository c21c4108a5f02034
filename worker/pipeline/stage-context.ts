// What every stage receives and returns. A stage is idempotent: it derives everything from the original
// and overwrites its own outputs, so running it twice leaves the same state as running it once.
import type { Settings } from '../contract/settings';
import type { PipelinePhoto } from '../db/pipeline-claim';
import type { StageResult } from '../db/pipeline-stages';
import type { Bindings } from '../env';
import type { PhotoSource } from './source';

export interface StageContext {
  env: Bindings;
  photo: PipelinePhoto;
  settings: Settings;
  source: PhotoSource;
}

export type StageRunner = (ctx: StageContext) => Promise<StageResult>;
