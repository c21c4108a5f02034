// Results posted by an analysis tab. The contract's schema checks their structure; the rules that earn
// their own error code (lengths, ranges, finite numbers, the library's models) are checked here. The
// library's model set is a setting: a result made with another model, or of another length, is refused,
// so no client can pin a model or an embedding length for everyone.
import { ANALYSIS_LONG_TEXT_MAX, ANALYSIS_TEXT_MAX, type AnalysisSubmission } from '../contract/analysis';
import { modelKey } from '../contract/analysis-models';
import type { AnalysisSettings } from '../contract/settings';
import type { EventRow } from '../db/events';
import { getSettings } from '../db/settings';
import type { Bindings } from '../env';
import { AppError } from '../errors';
import { complete } from './lease';
import { assignFaces } from '../people/assign';

/** Validates and stores the results, releasing the lease; throws `lease_conflict` when it is not the caller's. */
export async function submit(env: Bindings, libraryId: string, photoId: string, s: AnalysisSubmission, now: number): Promise<EventRow[]> {
  const { analysis } = await getSettings(env.DB, libraryId, env);
  check(s);
  checkModels(s, analysis);
  const events = await complete(env.DB, libraryId, photoId, s, modelKey(analysis.embedding), now);
  // Faces join people in the same request, so the photo page shows names as soon as results land.
  return [...events, ...(await assignFaces(env, libraryId, photoId, s))];
}

/** Every model the result names must be the library's; the embedding is required, the others when used. */
function checkModels(s: AnalysisSubmission, lib: AnalysisSettings) {
  const used: Array<[string, { id: string; version?: string } | undefined, { id: string; version?: string }]> = [
    ['embedding', s.models.embedding, lib.embedding],
    ['caption', s.models.caption, lib.caption],
    ['faces', s.models.faces, lib.faces],
    ['faceEmbedding', s.models.faceEmbedding, lib.faceEmbedding],
  ];
  for (const [role, posted, wanted] of used) {
    if (posted && modelKey(posted) !== modelKey(wanted)) {
      throw new AppError('model_mismatch', `This library's ${role} model is ${modelKey(wanted)}; the result was made with ${modelKey(posted)}.`);
    }
  }
  if (s.embedding.dims !== lib.embedding.dims) {
    throw new AppError('invalid_embedding', `${modelKey(lib.embedding)} embeddings have ${lib.embedding.dims} dimensions, not ${s.embedding.dims}.`);
  }
  for (const [i, f] of (s.faces ?? []).entries()) {
    if (f.embedding && f.embedding.length !== lib.faceEmbedding.dims) {
      throw new AppError('invalid_embedding', `Face ${i + 1}: ${modelKey(lib.faceEmbedding)} embeddings have ${lib.faceEmbedding.dims} dimensions, not ${f.embedding.length}.`);
    }
  }
}

function check(s: AnalysisSubmission) {
  const texts: Array<[string, string | undefined, number]> = [
    ['caption', s.caption, ANALYSIS_TEXT_MAX],
    ['detailed description', s.detailedDescription, ANALYSIS_LONG_TEXT_MAX],
    ['OCR text', s.ocrText, ANALYSIS_LONG_TEXT_MAX],
  ];
  for (const [name, text, max] of texts) {
    if (text !== undefined && text.length > max) throw new AppError('text_too_long', `The ${name} is ${text.length} characters; the limit is ${max}.`);
  }
  if (s.embedding.values.length !== s.embedding.dims) {
    throw new AppError('invalid_embedding', `The embedding has ${s.embedding.values.length} values but declares ${s.embedding.dims}.`);
  }
  if (!s.embedding.values.every(Number.isFinite)) throw new AppError('invalid_embedding', 'The embedding contains a value that is not a finite number.');
  for (const [i, f] of (s.faces ?? []).entries()) {
    const [x, y, w, h] = f.box;
    const inside = f.box.every((n) => Number.isFinite(n) && n >= 0 && n <= 1) && w > 0 && h > 0 && x + w <= 1.0001 && y + h <= 1.0001;
    if (!inside) throw new AppError('invalid_box', `Face ${i + 1}: the box must be [x, y, w, h] within 0–1 of the image.`);
    if (f.landmarks?.some((p) => !p.every((n) => Number.isFinite(n) && n >= 0 && n <= 1))) {
      throw new AppError('invalid_box', `Face ${i + 1}: landmarks must lie within 0–1 of the image.`);
    }
    if (f.embedding && !f.embedding.every(Number.isFinite)) throw new AppError('invalid_embedding', `Face ${i + 1}: the embedding has a non-finite value.`);
  }
}
