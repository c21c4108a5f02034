// Turns the vector of a request into an int8 query in the library's embedding space, or says exactly
// what is wrong with it: each fault has its own code, so a client can tell a bug from a model change.

export type IndexErrorCode = 'invalid_vector' | 'vector_model_mismatch' | 'not_found' | 'conflict' | 'invalid_request';

export interface IndexError {
  code: IndexErrorCode;
  message: string;
}

/** Same key as photo_analysis.embedding_model: "id@version", or the id alone when it has no version. */
export const modelKey = (m: { id: string; version?: string }) => (m.version ? `${m.id}@${m.version}` : m.id);

/** An int8 vector and the scale of its values, as embeddings are stored (about 1% error on cosine). */
export function quantize(values: number[]): Int8Array {
  let max = 0;
  for (const v of values) max = Math.max(max, Math.abs(v));
  const scale = max / 127;
  return Int8Array.from(values, (v) => Math.round(v / scale));
}

/**
 * `library` is the library's embedding model and its dimensions (null while nothing is analysed: any
 * well-formed vector is accepted and finds nothing).
 */
export function queryVector(values: unknown[], model: string, library: { model: string; dims: number } | null): Int8Array | IndexError {
  const bad = values.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
  if (bad >= 0) return { code: 'invalid_vector', message: `vector.values[${bad}] is not a finite number.` };
  const numbers = values as number[];
  if (!numbers.some((v) => v !== 0)) return { code: 'invalid_vector', message: 'The vector is all zeros: it has no direction to compare.' };
  if (library && model !== library.model) {
    return { code: 'vector_model_mismatch', message: `This library's embeddings are made with ${library.model}; the vector was made with ${model}.` };
  }
  if (library && numbers.length !== library.dims) {
    return { code: 'invalid_vector', message: `The vector has ${numbers.length} values; ${library.model} embeddings have ${library.dims}.` };
  }
  if (numbers.length > 4096) return { code: 'invalid_vector', message: 'A vector has at most 4096 values.' };
  return quantize(numbers);
}
