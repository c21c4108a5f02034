import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { api, newLibrary, testEnv } from '../test/helpers';

describe('GET /models/*', () => {
  it('serves imported model files with their types, without a token, and nothing outside models/', async () => {
    await testEnv.PHOTOS.put('models/tiny/clip/config.json', '{"model_type":"clip"}');
    await testEnv.PHOTOS.put('models/tiny/clip/onnx/vision_model.onnx', new Uint8Array([8, 1, 2, 3]));
    const config = await SELF.fetch('http://darkroom.test/models/tiny/clip/config.json');
    expect(config.status).toBe(200);
    expect(config.headers.get('Content-Type')).toBe('application/json');
    expect(config.headers.get('Cross-Origin-Resource-Policy')).toBe('same-origin');
    expect(await config.json()).toEqual({ model_type: 'clip' });
    const onnx = await SELF.fetch('http://darkroom.test/models/tiny/clip/onnx/vision_model.onnx');
    expect(new Uint8Array(await onnx.arrayBuffer())).toEqual(new Uint8Array([8, 1, 2, 3]));
    const missing = await SELF.fetch('http://darkroom.test/models/tiny/clip/tokenizer.json');
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { message: string } }).error.message).toContain('models:import');
    for (const path of ['/models/../lib/default/photos/x/original', '/models/%2e%2e/lib/x', '/models/']) {
      expect((await SELF.fetch(`http://darkroom.test${path}`)).status, path).toBe(404);
    }
  });

  it('takes new model files from the instance token only', async () => {
    const body = '{"hello":"model"}';
    expect((await api('/api/models/tiny/new/config.json', { method: 'PUT', body })).status).toBe(204);
    expect(await (await SELF.fetch('http://darkroom.test/models/tiny/new/config.json')).json()).toEqual({ hello: 'model' });
    const { token } = await newLibrary();
    expect((await api('/api/models/tiny/new/config.json', { method: 'PUT', body: '{}', token })).status).toBe(404);
    expect((await api('/api/models/tiny/new/config.json', { method: 'PUT', body, token: null })).status).toBe(401);
  });
});
