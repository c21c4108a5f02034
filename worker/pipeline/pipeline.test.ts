// The queue consumer develops real fixtures end to end, through the real queue, R2, D1 and Images binding.
import { describe, expect, it } from 'vitest';
import type { Photo } from '../contract/photo';
import type { UploadResponse } from '../contract/http';
import { api, expectations, fixture, imageDistance, newLibrary, put, settled, testEnv, waitForPhoto } from '../test/helpers';

async function develop(name: string, token: string): Promise<Photo> {
  const res = await put(await fixture(name), name, token);
  expect(res.status).toBe(201);
  const { photo } = await res.json<UploadResponse>();
  return waitForPhoto(photo.id, token, settled);
}

async function media(url: string): Promise<Response> {
  return api(url, { token: null });
}

describe('developing every valid fixture', async () => {
  const files = Object.entries(await expectations()).filter(([, e]) => e.expected_outcome === 'accept');

  it.each(files)('%s reaches completed with the right size, EXIF and outputs', async (name, e) => {
    const { token } = await newLibrary();
    const photo = await develop(name, token);
    expect(photo.error).toBeNull();
    expect(photo.status).toBe('completed');
    const { analysis, ...edge } = photo.stages;
    expect(Object.values(edge).map((s) => s.status)).toEqual(['completed', 'completed', 'completed']);
    for (const s of Object.values(edge)) expect(s.ms).toBeGreaterThanOrEqual(0);
    // Developed photos join the pool of the in-browser analysis.
    expect(analysis).toEqual({ status: 'pending', attempts: 0 });
    expect([photo.width, photo.height]).toEqual([e.width, e.height]);

    const exif = photo.exif!;
    expect(exif.make ?? null).toBe(e.make);
    expect(exif.model ?? null).toBe(e.model);
    // HEIF rotation lives in irot; the API still reports the EXIF tag, which must be 1–8.
    expect(exif.orientation).toBe(e.exif_orientation && e.exif_orientation >= 1 ? e.exif_orientation : 1);
    if (e.gps) {
      expect(exif.gps!.latitude).toBeCloseTo(e.gps.lat, 3);
      expect(exif.gps!.longitude).toBeCloseTo(e.gps.lon, 3);
    } else {
      expect(exif.gps ?? null).toBeNull();
    }
    const local = e.datetime_original?.replace(/^(\d{4}):(\d{2}):(\d{2}) /, '$1-$2-$3T');
    // Both ways: a file with no capture date must not get one invented.
    expect(exif.takenAt ?? null).toBe(local ? local + (e.offset_time_original ?? '') : null);

    expect(Object.keys(photo.thumbnails).sort()).toEqual(['150', '300', '600']);
    expect(Object.keys(photo.variants).sort()).toEqual(['1080', '2160']);
    expect(photo.placeholder).toMatch(/^[A-Za-z0-9+/]+=*$/);
    const thumb = await media(photo.thumbnails['600']);
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get('Content-Type')).toBe('image/webp');
    expect(thumb.headers.get('Cache-Control')).toContain('immutable');
    const info = (await testEnv.IMAGES.info(thumb.body!)) as { width: number; height: number };
    const longest = Math.min(600, Math.max(e.width!, e.height!));
    expect(Math.max(info.width, info.height)).toBe(longest);
    // Orientation applied: the thumbnail has the displayed shape.
    if (e.width !== e.height) expect(info.width > info.height).toBe(e.width! > e.height!);
  });
});

describe('hostile files', () => {
  it.each(['bad-truncated.jpg'])('%s fails at once with a reason, without useless retries', async (name) => {
    const { token } = await newLibrary();
    const photo = await develop(name, token);
    expect(photo.status).toBe('failed');
    expect(photo.error).toMatch(/could not be decoded.*(premature end|truncated)/i);
    expect(photo.stages.thumbnails).toMatchObject({ status: 'failed', attempts: 1 });
    expect(photo.stages.variants?.status).toBe('pending');
  });

  it('develops a JPEG with a ZIP appended as the JPEG it is', async () => {
    const { token } = await newLibrary();
    expect((await develop('polyglot-jpeg-zip.jpg', token)).status).toBe('completed');
  });

  it('strips control characters from EXIF text before storing it', async () => {
    const { token } = await newLibrary();
    // The Fuji's Make tag ("FUJIFILM", 8 bytes) rewritten in place with control characters in it.
    const bytes = await fixture('photo-fuji-iptc-gps.jpg');
    const at = new TextDecoder('latin1').decode(bytes).indexOf('FUJIFILM');
    expect(at).toBeGreaterThan(0);
    bytes.set([...'FU\x01\x1bJ\x7fLM'].map((c) => c.charCodeAt(0)), at);
    const res = await put(bytes, 'control.jpg', token);
    expect(res.status).toBe(201);
    const { photo: uploaded } = await res.json<UploadResponse>();
    const photo = await waitForPhoto(uploaded.id, token, settled);
    expect(photo.status).toBe('completed');
    // The stored strings themselves (JSON.stringify would escape control characters anyway).
    expect(photo.exif?.make).toBe('FUJLM');
    const strings = Object.values(photo.exif ?? {}).flat().filter((v): v is string => typeof v === 'string');
    expect(strings.length).toBeGreaterThan(3);
    for (const s of strings) expect(s, s).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/);
    expect(photo.exif?.keywords?.length).toBeGreaterThan(0);
  });
});

describe('orientation and colour', () => {
  it('makes all eight EXIF orientations of one photo look the same', async () => {
    const { token } = await newLibrary();
    const thumbs: ArrayBuffer[] = [];
    for (let o = 1; o <= 8; o++) {
      const photo = await develop(`orient-landscape-${o}.jpg`, token);
      thumbs.push(await (await media(photo.thumbnails['300'])).arrayBuffer());
    }
    const distances = await Promise.all(thumbs.map((t) => imageDistance(thumbs[0], t)));
    for (let o = 2; o <= 8; o++) expect(distances[o - 1], `orientation ${o}`).toBeLessThan(8);
    // The check can fail: the same thumbnail turned upside down is far away.
    const turned = await testEnv.IMAGES.input(new Response(thumbs[0]).body!).transform({ rotate: 180 }).output({ format: 'image/webp' });
    expect(await imageDistance(thumbs[0], await new Response(turned.image()).arrayBuffer())).toBeGreaterThan(20);
  });

  // References: made by heif-convert (irot) and ImageMagick -auto-orient, see fixtures/orientation/make-references.sh.
  it.each(['heic-iphonexr-orient6-gps.heic', 'photo-blackberry-orient6.jpg'])('turns %s the right way, by its pixels', async (name) => {
    const { token } = await newLibrary();
    const photo = await develop(name, token);
    expect(photo.status).toBe('completed');
    const thumb = await (await media(photo.thumbnails['300'])).arrayBuffer();
    const reference = await (await testEnv.FIXTURES.fetch(`http://fixtures/orientation/${name.replace(/\.\w+$/, '.png')}`)).arrayBuffer();
    expect(await imageDistance(reference, thumb)).toBeLessThan(12);
    // The check can fail: 90° where 270° was meant is the right shape turned upside down, and far away.
    const wrong = await testEnv.IMAGES.input(new Response(thumb).body!).transform({ rotate: 180 }).output({ format: 'image/webp' });
    expect(await imageDistance(reference, await new Response(wrong.image()).arrayBuffer())).toBeGreaterThan(20);
  });

  it('renders a CMYK JPEG with the colours of its RGB source', async () => {
    const { token } = await newLibrary();
    const cmyk = await develop('cmyk-generated.jpg', token);
    expect(cmyk.status).toBe('completed');
    const rgb = await develop('orient-landscape-1.jpg', token);
    const a = await (await media(cmyk.thumbnails['300'])).arrayBuffer();
    const b = await (await media(rgb.thumbnails['300'])).arrayBuffer();
    expect(await imageDistance(a, b)).toBeLessThan(20);
  });
});

describe('media URLs', () => {
  it('refuse a tampered signature, another library, and unknown files', async () => {
    const { token } = await newLibrary();
    const photo = await develop('photo-kodak-gps-south.jpg', token);
    const url = photo.thumbnails['150'];
    expect((await media(url)).status).toBe(200);
    expect((await media(url.replace(/sig=./, 'sig=x'))).status).toBe(404);
    expect((await media(url.replace('thumb-150', 'thumb-300'))).status).toBe(404);
    expect((await media(url.replace(/\/api\/media\/[^/]+\//, '/api/media/default/'))).status).toBe(404);
    expect((await media(url.replace(/exp=\d+/, 'exp=1000'))).status).toBe(404);
  });
});
