// The video stage at the edge, end to end: real fixtures (ffmpeg-made, ground truth from ffprobe and
// exiftool) uploaded through the API, developed by the real queue consumer, read back as Photo JSON.
import { describe, expect, it } from 'vitest';
import type { UploadResponse } from '../contract/http';
import type { Photo } from '../contract/photo';
import { box, bytes, FTYP, truth, video } from '../formats/mp4-test-utils';
import { newLibrary, put, settled, waitForPhoto } from '../test/helpers';

async function develop(body: Uint8Array, name: string, token: string): Promise<Photo> {
  const res = await put(body, name, token);
  expect(res.status, await res.clone().text()).toBe(201);
  const { photo } = await res.json<UploadResponse>();
  expect(photo.kind).toBe('video');
  expect(photo.video).toBeNull(); // not read yet: the upload only checked the box chain
  return waitForPhoto(photo.id, token, settled);
}

describe('the video stage', () => {
  const accepted = Object.entries(truth).filter(([, e]) => e.expected_outcome === 'accept');

  it.each(accepted)('%s: every field from the container', async (name, e) => {
    const { token } = await newLibrary();
    const photo = await develop(await video(name), name, token);
    expect(photo.error).toBeNull();
    expect(photo.status).toBe('completed');
    // The video stage only: the poster's thumbnails and variants come once a browser sends one, and the
    // analysis job that opens meanwhile asks a tab for that poster (AnalysisJob.makePoster).
    expect(Object.keys(photo.stages)).toEqual(['video', 'analysis']);
    expect(photo.stages.video).toMatchObject({ status: 'completed', attempts: 1 });
    expect(photo.stages.analysis).toEqual({ status: 'pending', attempts: 0 });
    expect(photo.video).toEqual({ durationMs: e.durationMs, codec: e.codec, fps: e.fps, audio: e.audio });
    // As displayed: the track matrix applied (h264-rot90-gps is 320×240 coded, 240×320 shown).
    expect([photo.width, photo.height]).toEqual([e.width, e.height]);
    const exif = photo.exif!;
    expect(exif.takenAt).toBe(e.createdAt ? e.createdAt.replace('.000Z', '+00:00') : null);
    expect(exif.offset).toBe(e.createdAt ? '+00:00' : null);
    expect(exif.make).toBe(e.make);
    expect(exif.model).toBe(e.model);
    expect(exif.orientation).toBe(1);
    if (e.gps) {
      expect(exif.gps!.latitude).toBeCloseTo(e.gps.lat, 4);
      expect(exif.gps!.longitude).toBeCloseTo(e.gps.lon, 4);
      expect(exif.gps!.altitude).toBe(e.gps.alt ?? null);
    } else {
      expect(exif.gps).toBeNull();
    }
    expect(photo.thumbnails).toEqual({});
  });

  it('fails for good, not retryable, when the moov the upload could not see is damaged', async () => {
    const { token } = await newLibrary();
    // The head (256 KB) chains fine; the moov after the big mdat has no mvhd.
    const file = bytes(FTYP, bytes([0, 4, 0, 8], 'mdat', new Uint8Array(0x40000)), box('moov', box('free', 'xxxx')));
    const photo = await develop(file, 'broken-moov.mp4', token);
    expect(photo.status).toBe('failed');
    expect(photo.retryable).toBe(false);
    expect(photo.stages.video).toMatchObject({ status: 'failed', attempts: 1 });
    expect(photo.error).toMatch(/container could not be read \(bad_box\): moov has no mvhd/);
    expect(photo.video).toBeNull();
  });
});
