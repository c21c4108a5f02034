// The Images binding's errors, classified by cause: the decoder's words about the file fail for good;
// a failure that says nothing about the file (seen under load with valid HEICs) is retried.
import { describe, expect, it } from 'vitest';
import { PermanentError } from '../errors';
import { fixture, testEnv } from '../test/helpers';
import { classify, renderWebp } from './engine';

describe('binding errors', () => {
  it('fails a truncated JPEG for good, with the decoder message (the real binding)', async () => {
    const bytes = (await fixture('bad-truncated.jpg')).slice().buffer;
    const err = await renderWebp(testEnv.IMAGES, bytes, { width: 300, height: 300 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermanentError);
    expect((err as Error).message).toMatch(/could not be decoded: .*(premature end|truncated)/i);
  });

  it.each([
    'Error: source: bad seek to 2600252',
    'Error: 9523: ',
    'ImagesError: Unexpected error response 9511: Error: \n    at transform (images.js:10:3)',
  ])('retries a failure without a reason: %j', (text) => {
    const err = classify(new Error(text));
    expect(err).not.toBeInstanceOf(PermanentError);
    expect(err.message).not.toMatch(/unknown decoder error/);
  });

  it.each([
    ['VipsJpeg: Premature end of input file\nsource: bad seek to 100', /Premature end of input file/],
    ['source: bad seek to 2600252\nheif: Error while loading plugin: Support for this compression format has not been built', /compression format/],
    ['Error: 9412: unsupported image format', /unsupported image format/],
  ])('fails for good when the decoder says what is wrong: %j', (text, reason) => {
    const err = classify(new Error(text));
    expect(err).toBeInstanceOf(PermanentError);
    expect(err.message).toMatch(reason);
  });
});
