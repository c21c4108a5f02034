import { describe, expect, it } from 'vitest';
import { fieldErrors } from './field-errors';

describe('fieldErrors', () => {
  it('splits the API message per top-level field and keeps the rest', () => {
    const msg = 'Invalid json: batchSize: Invalid value: Expected >=1 but received 0; variantSizes.0.name: must be a short lowercase name; something odd';
    expect(fieldErrors(msg, ['batchSize', 'variantSizes'])).toEqual({
      fields: { batchSize: ['Invalid value: Expected >=1 but received 0'], variantSizes: ['0.name: must be a short lowercase name'] },
      other: ['something odd'],
    });
  });

  it('puts unknown fields in other', () => {
    expect(fieldErrors('Invalid json: nope: Invalid key', ['batchSize'])).toEqual({ fields: {}, other: ['nope: Invalid key'] });
  });
});
