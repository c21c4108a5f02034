// Where model files come from (the hub's address; the library's `settings.analysis.modelHost` picks hub
// or self, for the analysis tab and search's text encoder alike). Which models to run is never chosen
// here: it is the library's setting (`settings.analysis`), returned with every claim.
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
