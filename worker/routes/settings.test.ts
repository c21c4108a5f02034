// GET/PUT /api/settings: the analysis model set (defaults, partial updates, validation naming the field).
import { describe, expect, it } from 'vitest';
import type { ErrorBody } from '../contract/http';
import type { SettingsResponse } from '../contract/settings';
import { putJson } from '../analysis/testing';
import { api, newLibrary, testEnv } from '../test/helpers';

const get = async (token: string) => (await (await api('/api/settings', { token })).json<SettingsResponse>()).settings;

describe('analysis settings', () => {
  it('default to Florence-2, CLIP ViT-B/32, YuNet + SFace from the Hugging Face hub, with a few hundred tags', async () => {
    const { token } = await newLibrary();
    const { analysis } = await get(token);
    expect(analysis).toMatchObject({
      modelHost: 'huggingface',
      caption: { id: 'onnx-community/Florence-2-base-ft', version: 'main' },
      embedding: { id: 'Xenova/clip-vit-base-patch32', version: 'main', dims: 512 },
      faces: { id: 'opencv/face_detection_yunet' },
      faceEmbedding: { id: 'opencv/face_recognition_sface', dims: 128 },
      detailedDescription: true,
      ocr: true,
    });
    expect(analysis.tags.length).toBeGreaterThan(300);
    expect(analysis.tags).toEqual(expect.arrayContaining(['beach', 'dog', 'red', 'sunset']));
  });

  it('changes only the analysis keys a PUT names, and keeps a document stored before they existed working', async () => {
    const { libraryId, token } = await newLibrary();
    const siglip = { id: 'Xenova/siglip-base-patch16-224', version: 'main', dims: 768 };
    const res = await putJson('/api/settings', token, { analysis: { embedding: siglip, ocr: false, modelHost: 'self', tags: ['Beach', 'dog'] } });
    expect(res.status).toBe(200);
    const { analysis } = await get(token);
    expect(analysis).toMatchObject({ embedding: siglip, ocr: false, detailedDescription: true, modelHost: 'self', tags: ['Beach', 'dog'] });
    expect(analysis.caption.id).toBe('onnx-community/Florence-2-base-ft');

    // A library whose settings were stored before `analysis` existed (never read yet, so never cached).
    const older = await newLibrary();
    await testEnv.DB.prepare(`INSERT INTO settings (library_id, json, updated_at) SELECT ?1, json_remove(json, '$.analysis'), 1 FROM settings WHERE library_id = ?2`)
      .bind(older.libraryId, libraryId).run();
    expect((await get(older.token)).analysis.embedding.id).toBe('Xenova/clip-vit-base-patch32');
    expect((await get(older.token)).analysis.ocr).toBe(true);
  });

  it('refuses bad values with a coded 400 that names the field, and changes nothing', async () => {
    const { token } = await newLibrary();
    const before = await get(token);
    const bad: Array<[unknown, string]> = [
      [{ embedding: { id: 'Xenova/clip-vit-base-patch32', version: 'main', dims: 768 } }, 'analysis.embedding'],
      [{ embedding: { id: 'x/y', version: 'main', dims: 0 } }, 'analysis.embedding.dims'],
      [{ embedding: { id: 'x/y', version: 'main', dims: 5000 } }, 'analysis.embedding.dims'],
      [{ embedding: { id: 'x/y', version: 'main' } }, 'analysis.embedding.dims'],
      [{ faceEmbedding: { id: 'opencv/face_recognition_sface', version: '2021dec', dims: 512 } }, 'analysis.faceEmbedding'],
      [{ caption: { id: '../../etc/passwd', version: 'main' } }, 'analysis.caption.id'],
      [{ caption: { id: 'a/b', version: '' } }, 'analysis.caption.version'],
      [{ caption: { id: 'a/b', version: 'main', extra: 1 } }, 'analysis.caption'],
      [{ modelHost: 'example.com' }, 'analysis.modelHost'],
      [{ ocr: 'yes' }, 'analysis.ocr'],
      [{ tags: ['dog', 'Dog'] }, 'analysis.tags'],
      [{ tags: ['x'.repeat(65)] }, 'analysis.tags'],
      [{ tags: [''] }, 'analysis.tags'],
      [{ tags: Array.from({ length: 1001 }, (_, i) => `t${i}`) }, 'analysis.tags'],
      [{ unknown: true }, 'analysis'],
    ];
    for (const [analysis, field] of bad) {
      const res = await putJson('/api/settings', token, { analysis });
      const body = await res.json<ErrorBody>();
      expect(res.status, JSON.stringify(analysis).slice(0, 80)).toBe(400);
      expect(body.error.code).toBe('invalid_request');
      expect(body.error.message).toContain(field);
    }
    expect(await get(token)).toEqual(before);
  });
});
