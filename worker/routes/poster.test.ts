// PUT /api/photos/:id/poster: a browser-made poster is validated like any image upload, then developed
// by the same thumbnails, ThumbHash and variants stages as a photo; analysis follows on its variant.
import { describe, expect, it } from 'vitest';
import type { ErrorBody, PhotoResponse, UploadResponse } from '../contract/http';
import type { Photo } from '../contract/photo';
import { video } from '../formats/mp4-test-utils';
import { api, fixture, newLibrary, put, setSettings, settled, testEnv, waitForPhoto } from '../test/helpers';

async function upload(body: Uint8Array, name: string, token: string): Promise<Photo> {
  const res = await put(body, name, token);
  expect(res.status).toBe(201);
  return (await res.json<UploadResponse>()).photo;
}

const putPoster = (id: string, body: BodyInit, token: string) => api(`/api/photos/${id}/poster`, { method: 'PUT', body, token });

async function code(res: Response) {
  return [res.status, (await res.json<ErrorBody>()).error.code];
}

describe('PUT /api/photos/:id/poster', () => {
  it('develops the poster like a photo: thumbnails with their ThumbHash, variants, then analysis on it', async () => {
    const { token } = await newLibrary();
    const clip = await upload(await video('av1-opus.mp4'), 'clip.mp4', token);
    // Sent as soon as the upload is acknowledged, while the video stage may still be running.
    const res = await putPoster(clip.id, await fixture('photo-fuji-iptc-gps.jpg'), token);
    expect(res.status).toBe(200);
    const { photo: answered } = await res.json<PhotoResponse>();
    expect(answered.stages.thumbnails).toBeDefined();

    const photo = await waitForPhoto(clip.id, token, (p) => p.status === 'completed' && !!p.stages.variants && p.stages.variants.status === 'completed');
    expect(photo.stages).toMatchObject({
      video: { status: 'completed' }, thumbnails: { status: 'completed', attempts: 1 }, variants: { status: 'completed', attempts: 1 },
      analysis: { status: 'pending', attempts: 0 },
    });
    // The video keeps its own facts; the pixels are the poster's.
    expect(photo.video).toEqual({ durationMs: 2000, codec: 'av01', fps: 24, audio: true });
    expect([photo.width, photo.height]).toEqual([320, 240]);
    expect(photo.placeholder).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(Object.keys(photo.thumbnails).sort()).toEqual(['150', '300', '600']);
    expect(Object.keys(photo.variants).sort()).toEqual(['1080', '2160']);
    const thumb = await api(photo.thumbnails['600'], { token: null });
    expect(thumb.headers.get('Content-Type')).toBe('image/webp');
    // The Fuji poster is 600×400: the thumbnail has its shape, so it was made from the poster.
    expect(await testEnv.IMAGES.info(thumb.body!)).toMatchObject({ width: 600, height: 400 });

    // The analysis tab leases the video like a photo, and reads the poster's variant.
    const claim = await api('/api/analysis/claim', {
      method: 'POST', token, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ max: 1, device: { backend: 'wasm' } }),
    });
    const { jobs } = await claim.json<{ jobs: { photoId: string; imageUrl: string }[] }>();
    expect(jobs.map((j) => j.photoId)).toEqual([clip.id]);
    expect(jobs[0].imageUrl).toContain('variant-1080.webp');
  });

  it('an analysis tab meeting a video without a poster is asked to make one from the original', async () => {
    const { token } = await newLibrary();
    const clip = await upload(await video('h264-rot90-gps.mp4'), 'clip.mp4', token);
    await waitForPhoto(clip.id, token, settled);
    const claim = () => api('/api/analysis/claim', {
      method: 'POST', token, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ max: 2, device: { backend: 'wasm' } }),
    }).then((r) => r.json<{ jobs: { photoId: string; lease: string; imageUrl: string; makePoster?: true }[] }>());
    const [job] = (await claim()).jobs;
    expect(job).toMatchObject({ photoId: clip.id, makePoster: true });
    // The signed original, which plays (and seeks) with Range requests.
    const original = await api(job.imageUrl, { token: null, headers: { Range: 'bytes=0-7' } });
    expect(original.status).toBe(206);
    expect(new TextDecoder().decode((await original.arrayBuffer()).slice(4, 8))).toBe('ftyp');

    expect((await putPoster(clip.id, await fixture('photo-noexif.jpg'), token)).status).toBe(200);
    // The poster voided that lease: posting results on it is refused, and the job waits for the variants.
    const heartbeat = await api(`/api/analysis/${clip.id}/heartbeat`, {
      method: 'POST', token, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ lease: job.lease }),
    });
    expect(heartbeat.status).toBe(409);
    const done = await waitForPhoto(clip.id, token, (p) => p.status === 'completed' && p.stages.variants?.status === 'completed');
    expect(done.stages.analysis).toEqual({ status: 'pending', attempts: 0 });
    const [again] = (await claim()).jobs;
    expect(again.photoId).toBe(clip.id);
    expect(again.makePoster).toBeUndefined();
    expect(again.imageUrl).toContain('variant-');
  });

  it('is idempotent: the same bytes again change nothing; new bytes develop again', async () => {
    const { token } = await newLibrary();
    const clip = await upload(await video('vp9-ntsc.mp4'), 'clip.mp4', token);
    const poster = await fixture('photo-fuji-iptc-gps.jpg');
    expect((await putPoster(clip.id, poster, token)).status).toBe(200);
    const first = await waitForPhoto(clip.id, token, (p) => p.status === 'completed' && p.stages.variants?.status === 'completed');

    const again = await putPoster(clip.id, poster, token);
    expect(again.status).toBe(200);
    const same = (await again.json<PhotoResponse>()).photo;
    expect(same.status).toBe('completed');
    expect(same.updatedAt).toBe(first.updatedAt);
    expect(same.stages).toEqual(first.stages);

    const other = await putPoster(clip.id, await fixture('photo-noexif.jpg'), token);
    expect((await other.json<PhotoResponse>()).photo.status).toBe('pending');
    const second = await waitForPhoto(clip.id, token, (p) => p.status === 'completed' && p.stages.variants?.status === 'completed');
    expect(second.stages.thumbnails).toMatchObject({ status: 'completed', attempts: 1 });
    const thumb = await api(second.thumbnails['600'], { token: null });
    expect(await testEnv.IMAGES.info(thumb.body!)).toMatchObject({ width: 480, height: 360 });
  });

  it('refuses with coded 4xx: a photo, a non-image, a pixel bomb, too many bytes, an unknown or foreign id', async () => {
    const { token } = await newLibrary();
    const image = await upload(await fixture('photo-kodak-gps-south.jpg'), 'a.jpg', token);
    const clip = await upload(await video('udta-make-model.mov'), 'clip.mov', token);
    await waitForPhoto(clip.id, token, settled);
    const poster = await fixture('photo-fuji-iptc-gps.jpg');

    expect(await code(await putPoster(image.id, poster, token))).toEqual([409, 'not_a_video']);
    expect(await code(await putPoster(clip.id, await fixture('bad-text-as.jpg'), token))).toEqual([415, 'unsupported_type']);
    expect(await code(await putPoster(clip.id, await video('av1-opus.mp4'), token))).toEqual([415, 'unsupported_type']);
    expect(await code(await putPoster(clip.id, await fixture('bomb-png-65536x65536.png'), token))).toEqual([422, 'too_many_pixels']);
    expect(await code(await putPoster(clip.id, await fixture('bad-corrupt-header.jpg'), token))).toEqual([422, 'corrupt_image']);
    expect(await code(await putPoster(clip.id, new Uint8Array(0), token))).toEqual([400, 'empty_file']);
    await setSettings(token, { maxUploadBytes: 1024 });
    expect(await code(await putPoster(clip.id, poster, token))).toEqual([413, 'too_large']);
    await setSettings(token, { maxUploadBytes: 209715200 });
    expect(await code(await putPoster('0'.repeat(21), poster, token))).toEqual([404, 'not_found']);
    const other = await newLibrary();
    expect(await code(await putPoster(clip.id, poster, other.token))).toEqual([404, 'not_found']);
    // Nothing was stored or queued by any refusal.
    const after = (await (await api(`/api/photos/${clip.id}`, { token })).json<PhotoResponse>()).photo;
    expect(Object.keys(after.stages)).toEqual(['video', 'analysis']);
    expect(await testEnv.PHOTOS.head(`lib/${(await libraryOf(token))}/photos/${clip.id}/poster`)).toBeNull();
  });

  it('with video auto-processing off, a poster waits for the videos\' batch', async () => {
    const { token } = await newLibrary();
    await setSettings(token, { videos: { autoProcessOnUpload: false, scheduledProcessing: true } });
    const clip = await upload(await video('av1-opus.mp4'), 'clip.mp4', token);
    const res = await putPoster(clip.id, await fixture('photo-noexif.jpg'), token);
    expect((await res.json<PhotoResponse>()).photo.status).toBe('pending');
    await new Promise((r) => setTimeout(r, 1000));
    const photo = (await (await api(`/api/photos/${clip.id}`, { token })).json<PhotoResponse>()).photo;
    expect(photo.status).toBe('pending');
    expect(photo.stages.thumbnails).toEqual({ status: 'pending', attempts: 0 });
  });
});

async function libraryOf(token: string): Promise<string> {
  const { sha256Hex } = await import('../hash');
  const row = await testEnv.DB.prepare('SELECT library_id FROM api_tokens WHERE token_hash = ?1').bind(await sha256Hex(token)).first<{ library_id: string }>();
  return row!.library_id;
}
