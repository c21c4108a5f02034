// Results posted by an analysis tab. The contract's schema checks their structure; the rules that earn
// their own error code (lengths, ranges, finite numbers, a model's dimensions) are checked here.
import { ANALYSIS_TEXT_MAX, type AnalysisSubmission, type ModelRef } from '../contract/analysis';
import { knownDims } from '../db/analysis';
import type { EventRow } from '../db/events';
import type { Bindings } from '../env';
import { AppError } from '../errors';
import { complete } from './lease';
import { assignFaces } from '../people/assign';

/** Validates and stores the results, releasing the lease; throws `lease_conflict` when it is not the caller's. */
export async function submit(env: Bindings, libraryId: string, photoId: string, s: AnalysisSubmission, now: number): Promise<EventRow[]> {
  check(s);
  const model = modelKey(s.models.embedding);
  const dims = await knownDims(env.DB, libraryId, model);
  if (dims !== null && dims !== s.embedding.dims) {
    throw new AppError('invalid_embedding', `${model} embeddings in this library have ${dims} dimensions, not ${s.embedding.dims}.`);
  }
  const events = await complete(env.DB, libraryId, photoId, s, model, now);
  // Faces join people in the same request, so the photo page shows names as soon as results land.
  return [...events, ...(await assignFaces(env, libraryId, photoId, s))];
}

const modelKey = (m: ModelRef) => (m.version ? `${m.id}@${m.version}` : m.id);

function check(s: AnalysisSubmission) {
  if (s.caption !== undefined && s.caption.length > ANALYSIS_TEXT_MAX) {
    throw new AppError('text_too_long', `The caption is ${s.caption.length} characters; the limit is ${ANALYSIS_TEXT_MAX}.`);
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
