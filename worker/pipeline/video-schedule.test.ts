// Video settings mirror the photo settings: processed at upload, or only in their own scheduled batch
// (the seed: 02:30, 500 at a time), independently of the photos' choice and hour.
import { describe, expect, it } from 'vitest';
import type { UploadResponse } from '../contract/http';
import type { Photo } from '../contract/photo';
import type { SettingsResponse } from '../contract/settings';
import { video } from '../formats/mp4-test-utils';
import { api, fixture, newLibrary, put, setSettings, settled, testEnv, waitForPhoto } from '../test/helpers';
import { sweep } from './sweeper';

async function upload(body: Uint8Array, name: string, token: string): Promise<Photo> {
  const res = await put(body, name, token);
  expect(res.status).toBe(201);
  return (await res.json<UploadResponse>()).photo;
}

const status = async (id: string, token: string) => (await (await api(`/api/photos/${id}`, { token })).json<UploadResponse>()).photo.status;

describe('video settings', () => {
  it('default to processing at upload, with a 02:30 batch of 500 otherwise', async () => {
    const { token } = await newLibrary();
    const { settings } = await (await api('/api/settings', { token })).json<SettingsResponse>();
    expect(settings.videos).toEqual({ autoProcessOnUpload: true, scheduledProcessing: true, schedule: '02:30', batchSize: 500 });
    // A partial PUT changes only the keys it names.
    await setSettings(token, { videos: { batchSize: 7 } });
    const after = await (await api('/api/settings', { token })).json<SettingsResponse>();
    expect(after.settings.videos).toEqual({ autoProcessOnUpload: true, scheduledProcessing: true, schedule: '02:30', batchSize: 7 });
    const bad = await api('/api/settings', { method: 'PUT', token, body: JSON.stringify({ videos: { schedule: '2:30' } }), headers: { 'Content-Type': 'application/json' } });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/videos\.schedule/);
  });

  it('videos wait for their own batch while photos still develop at upload', async () => {
    const { token } = await newLibrary();
    await setSettings(token, { videos: { autoProcessOnUpload: false, schedule: '04:30', batchSize: 1 } });
    const photo = await upload(await fixture('orient-landscape-1.jpg'), 'a.jpg', token);
    const a = await upload(await video('av1-opus.mp4'), 'a.mp4', token);
    const b = await upload(await video('vp9-ntsc.mp4'), 'b.mp4', token);
    expect((await waitForPhoto(photo.id, token, settled)).status).toBe('completed');
    expect(await status(a.id, token)).toBe('pending');

    const day = Date.UTC(2031, 2, 3);
    await sweep(testEnv, day + 2 * 3600_000 + 60_000); // the photos' hour: not the videos'
    expect(await status(a.id, token)).toBe('pending');
    await sweep(testEnv, day + 4.5 * 3600_000 + 60_000); // the videos' hour: one batch of batchSize (1)
    const done = await waitForPhoto(a.id, token, settled);
    expect(done.status).toBe('completed');
    expect(done.video?.codec).toBe('av01');
    await sweep(testEnv, day + 4.5 * 3600_000 + 120_000); // same day: no second batch
    expect(await status(b.id, token)).toBe('pending');
    await sweep(testEnv, day + 86_400_000 + 4.5 * 3600_000 + 60_000);
    expect((await waitForPhoto(b.id, token, settled)).video?.codec).toBe('vp09');
  });

  it('photos wait for their batch while videos still develop at upload', async () => {
    const { token } = await newLibrary();
    await setSettings(token, { autoProcessOnUpload: false, scheduledProcessing: false });
    const photo = await upload(await fixture('orient-landscape-1.jpg'), 'a.jpg', token);
    const clip = await upload(await video('udta-make-model.mov'), 'a.mov', token);
    expect((await waitForPhoto(clip.id, token, settled)).status).toBe('completed');
    expect(await status(photo.id, token)).toBe('pending');
  });
});
