// Validation at the HTTP edge with valibot schemas from contract/; failures become the API's one error
// shape. A malformed path parameter names nothing, so it is a 404 like any unknown id (and a photo of
// another library stays indistinguishable from a malformed one).
import { sValidator } from '@hono/standard-validator';
import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { ValidationTargets } from 'hono';
import { AppError } from './errors';

/** `notFound` is the message when a path parameter fails. */
export function validate<S extends StandardSchemaV1, T extends keyof ValidationTargets>(target: T, schema: S, notFound = 'No such resource.') {
  return sValidator(target, schema, (result) => {
    if (result.success) return;
    if (target === 'param') throw new AppError('not_found', notFound);
    const detail = result.error
      .map((i) => {
        const path = i.path?.map((p) => (typeof p === 'object' ? p.key : p)).join('.');
        return path ? `${path}: ${i.message}` : i.message;
      })
      .join('; ');
    throw new AppError('invalid_request', `Invalid ${target}: ${detail}`);
  });
}
