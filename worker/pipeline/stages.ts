// The stage runners, keyed by the stage names the contract declares in order (STAGES).
import type { EdgeStage } from '../contract/photo';
import { runExif } from './exif';
import type { StageRunner } from './stage-context';
import { runThumbnails } from './thumbnails';
import { runVariants } from './variants';
import { runVideo } from './video';

export const RUNNERS: Record<EdgeStage, StageRunner> = {
  video: runVideo,
  exif: runExif,
  thumbnails: runThumbnails,
  variants: runVariants,
};

/** Attempts per stage before it is marked failed (transient errors only; bad input fails at once). */
export const MAX_ATTEMPTS = 3;
