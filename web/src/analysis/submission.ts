// What a tab posts for one photo: the results, named with the library's models (id and version: the
// server compares both and refuses others), texts cut to the lengths the server accepts.
import { ANALYSIS_LONG_TEXT_MAX, ANALYSIS_TEXT_MAX, type AnalysisSubmission, type DeviceInfo } from '../../../worker/contract/analysis';
import type { AnalysisSettings } from '../../../worker/contract/settings';
import type { Analysis } from './protocol';

export function submission(lease: string, models: AnalysisSettings, result: Analysis, device: DeviceInfo): AnalysisSubmission {
  const ref = (r: { id: string; version?: string }) => ({ id: r.id, ...(r.version && { version: r.version }) });
  const cut = (text: string | undefined, max: number) => (text === undefined ? undefined : text.slice(0, max));
  return {
    lease,
    models: { caption: ref(models.caption), embedding: ref(models.embedding), faces: ref(models.faces), faceEmbedding: ref(models.faceEmbedding) },
    ...result,
    caption: cut(result.caption, ANALYSIS_TEXT_MAX),
    detailedDescription: cut(result.detailedDescription, ANALYSIS_LONG_TEXT_MAX),
    ocrText: cut(result.ocrText, ANALYSIS_LONG_TEXT_MAX),
    device,
  };
}
