import { describe, expect, it } from 'vitest';
import { namedFetch } from './named-fetch';

describe('namedFetch', () => {
  it('names the file and the reason when a download fails outright', async () => {
    const offline = namedFetch(async () => {
      throw new TypeError('Failed to fetch');
    });
    await expect(offline('https://huggingface.co/onnx-community/Florence-2-base-ft/resolve/main/config.json')).rejects.toThrow(
      'Could not download https://huggingface.co/onnx-community/Florence-2-base-ft/resolve/main/config.json: Failed to fetch',
    );
  });

  it('passes answers (error statuses too: transformers.js names those itself) and aborts through', async () => {
    const notFound = namedFetch(async () => new Response('no', { status: 404 }));
    expect((await notFound('https://h/x')).status).toBe(404);
    const aborted = namedFetch(async () => {
      throw new DOMException('stopped', 'AbortError');
    });
    await expect(aborted('https://h/x')).rejects.toMatchObject({ name: 'AbortError' });
  });
});
