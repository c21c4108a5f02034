// Validation at the HTTP edge with valibot; failures become the API's one error shape.
import { sValidator } from '@hono/standard-validator';
import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { ValidationTargets } from 'hono';
import { AppError } from './errors';

export function validate<S extends StandardSchemaV1, T extends keyof ValidationTargets>(target: T, schema: S) {
  return sValidator(target, schema, (result) => {
    if (!result.success) {
      const detail = result.error
        .map((i) => {
          const path = i.path?.map((p) => (typeof p === 'object' ? p.key : p)).join('.');
          return path ? `${path}: ${i.message}` : i.message;
        })
        .join('; ');
      throw new AppError('invalid_request', `Invalid ${target}: ${detail}`);
    }
  });
}
