// Where model files come from before the library's setting is known (search's text encoder reads the
// analysis tab's last host from localStorage, see search/query-encoder.svelte.ts). Which models to run
// is never chosen here: it is the library's setting (`settings.analysis`), returned with every claim.
import type { AnalysisSettings } from '../../../worker/contract/settings';
import type { ModelConfig } from './protocol';

export const HUB_URL = 'https://huggingface.co/';

export const PRESETS: Record<'default', ModelConfig> = {
  default: { host: 'hub', hubUrl: HUB_URL },
};

/** The worker's configuration for a library's model set. */
export function configFor(models: AnalysisSettings): ModelConfig {
  return { host: models.modelHost === 'self' ? 'self' : 'hub', hubUrl: HUB_URL, models };
}

/** The key under which this device remembers things per model set (its benchmark, say). */
export const modelsKey = (m: AnalysisSettings) =>
  [m.caption, m.embedding, m.faces, m.faceEmbedding].map((r) => `${r.id}@${r.version ?? ''}`).join('|');
