// Videos in Chromium: the upload page makes the poster from the local file (<video> + canvas) and PUTs it;
// the edge develops it like a photo, so the gallery tile gets its thumbnail live, with a duration badge;
// the photo page plays the original (Range requests) with the poster.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Photo } from '../../worker/contract/photo';
import { apiUpload, baseUrl, launch, root, screenshot, signedIn, token } from './browser';

const videos = path.join(root, 'worker/test/fixtures/videos');
let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

async function uploadVideo(page: Page, name: string) {
  await page.getByRole('navigation').getByRole('link', { name: /^Upload/ }).click();
  await page.getByTestId('file-input').setInputFiles(path.join(videos, name));
  await expect.poll(() => page.locator(`.entry[data-name="${name}"] .state`).textContent(), { timeout: 60_000 }).toMatch(/Uploaded/);
}

async function photoNamed(name: string): Promise<Photo> {
  const res = await fetch(`${baseUrl()}/api/photos?limit=200`, { headers: { Authorization: `Bearer ${token()}` } });
  const photo = (await res.json() as { photos: Photo[] }).photos.find((p) => p.filename === name);
  if (!photo) throw new Error(`${name} is not in the library`);
  return photo;
}

/**
 * The gallery at the video's day: the video stage dates it (its mvhd creation time, when it has one) and
 * the timeline shows it under that day, not at the top.
 */
async function atItsDay(page: Page, name: string): Promise<Photo> {
  await expect.poll(async () => (await photoNamed(name)).stages.video?.status, { timeout: 30_000 }).toBe('completed');
  const photo = await photoNamed(name);
  await page.goto(`${baseUrl()}/?at=${(photo.exif?.takenAt ?? photo.createdAt).slice(0, 10)}`);
  return photo;
}

describe('videos', () => {
  it('uploads a 1080p VP9 clip: poster made in the page, thumbnails arrive live on its tile, the page plays it', async () => {
    const page = await signedIn(browser);
    await uploadVideo(page, 'vp9-1080p.mp4');
    // The poster was made from the local file: its timing is the page's own measure (video/poster.ts).
    const poster = await page.waitForFunction(() => {
      const m = performance.getEntriesByName('darkroom:poster')[0] as PerformanceMeasure | undefined;
      return m && { ms: m.duration, ...(m.detail as { width: number; height: number; bytes: number }) };
    }, null, { timeout: 30_000 }).then((h) => h.jsonValue());
    console.log(`poster extraction in Chromium, 1920×1080 VP9: ${poster.ms.toFixed(0)} ms (${poster.bytes} B JPEG)`);
    expect(poster).toMatchObject({ width: 1920, height: 1080 });
    // Goal ≤ 1 s (npm run bench:video measures it); the bound here leaves room for a loaded shared machine.
    expect(poster.ms).toBeLessThan(15_000);

    // A slow network: the gallery's pages of photos are read at once but arrive 2.5 s later, while the
    // video's stages complete. The feed's events of that window must win over the page's older copies
    // (web/src/gallery/late-events.ts); without that the tile never got its thumbnail.
    await page.route(/\/api\/photos\?/, async (route) => {
      const response = await route.fetch();
      await new Promise((resolve) => setTimeout(resolve, 2500));
      await route.fulfill({ response });
    });
    const { id } = await atItsDay(page, 'vp9-1080p.mp4');
    const tile = page.locator(`li.tile[data-photo-id="${id}"]`);
    await expect.poll(() => tile.getByTestId('duration').textContent(), { timeout: 30_000 }).toBe('0:03');
    // Live: the thumbnail appears through the feed, without a reload.
    await tile.locator('img.thumb.loaded').waitFor({ timeout: 60_000 });
    const shape = await tile.locator('img.thumb').evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight]);
    expect(shape[0] / shape[1]).toBeCloseTo(16 / 9, 1);
    expect(await tile.locator('img.placeholder').count()).toBe(1);
    await screenshot(page, 'video-tile');

    // The thumbnails stage stores the thumbnails first; the variants stage encodes the display variant
    // after it, so the tile can show its thumbnail while the variant is still being made.
    await expect.poll(async () => (await photoNamed('vp9-1080p.mp4')).stages.variants?.status, { timeout: 60_000 }).toBe('completed');
    const photo = await photoNamed('vp9-1080p.mp4');
    expect(photo.video).toEqual({ durationMs: 3000, codec: 'vp09', fps: 30, audio: false });
    expect([photo.width, photo.height]).toEqual([1920, 1080]);
    expect(photo.stages).toMatchObject({ video: { status: 'completed' }, thumbnails: { status: 'completed' }, variants: { status: 'completed' } });

    await tile.locator('a').click();
    const player = page.locator('video.player');
    await player.waitFor({ timeout: 20_000 });
    // The poster is the display variant, from the gallery's copy of the photo that the feed keeps live
    // (the variants stage completed above, a moment before its event reaches this page).
    await expect.poll(() => player.getAttribute('poster'), { timeout: 10_000 }).toContain('variant-');
    // The original loads through Range requests and is playable from its metadata.
    await page.waitForFunction(() => (document.querySelector('video.player') as HTMLVideoElement | null)?.readyState! >= 1, null, { timeout: 20_000 });
    expect(await player.evaluate((v: HTMLVideoElement) => Math.round(v.duration))).toBe(3);
    expect(await page.getByTestId('video-details').textContent()).toContain('vp09');
    await screenshot(page, 'video-page');
    await page.context().close();
  });

  it('a video Chromium cannot decode (HEVC) still uploads and shows its duration, with no poster', async () => {
    const page = await signedIn(browser);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await uploadVideo(page, 'hevc-hvc1.mov');
    const { id } = await atItsDay(page, 'hevc-hvc1.mov');
    const tile = page.locator(`li.tile[data-photo-id="${id}"]`);
    await expect.poll(() => tile.getByTestId('duration').textContent(), { timeout: 30_000 }).toBe('0:01');
    const photo = await photoNamed('hevc-hvc1.mov');
    expect(photo.stages.thumbnails).toBeUndefined(); // no poster was sent: an analysis tab may try later
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('an analysis tab meeting a video uploaded through the API makes its poster from the stored original', async () => {
    const { photo } = await apiUpload('vp9-ntsc.mp4', readFixture('vp9-ntsc.mp4'));
    await expect.poll(async () => (await photoNamed('vp9-ntsc.mp4')).stages.analysis?.status, { timeout: 30_000 }).toBe('pending');
    // Newest first: this video is the job a one-job claim gets.
    const job = (await claim()).find((j) => j.photoId === photo.id);
    expect(job).toMatchObject({ makePoster: true });

    // The module the analysis runner calls for such a job (video/poster-jobs.ts), with the app's own Api
    // client, bundled as it ships and served from the app's origin (its CSP allows only 'self' scripts).
    const page = await signedIn(browser);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'darkroom-e2e-video-'));
    const entry = path.join(dir, 'entry.ts');
    writeFileSync(entry, `export { posterForJob } from ${JSON.stringify(path.join(root, 'web/src/video/poster-jobs.ts'))};\nexport { Api } from ${JSON.stringify(path.join(root, 'web/src/lib/api.ts'))};\n`);
    const bundle = await build({ entryPoints: [entry], bundle: true, format: 'iife', globalName: 'darkroomVideo', write: false, logLevel: 'error' });
    await page.route('**/__e2e/poster-jobs.js', (route) => route.fulfill({ contentType: 'text/javascript', body: bundle.outputFiles[0].text }));
    await page.addScriptTag({ url: `${baseUrl()}/__e2e/poster-jobs.js` });
    await page.evaluate(async ({ job, token }) => {
      const { posterForJob, Api } = (window as unknown as { darkroomVideo: { posterForJob: (api: unknown, job: unknown) => Promise<void>; Api: new (t: string) => unknown } }).darkroomVideo;
      await posterForJob(new Api(token), job);
    }, { job: job!, token: token() });

    await expect.poll(async () => (await photoNamed('vp9-ntsc.mp4')).stages.variants?.status, { timeout: 60_000 }).toBe('completed');
    const developed = await photoNamed('vp9-ntsc.mp4');
    const thumb = await fetch(`${baseUrl()}${developed.thumbnails['600']}`);
    expect(thumb.headers.get('Content-Type')).toBe('image/webp');
    // Back in the pool, now on the poster's variant.
    const again = (await claim()).find((j) => j.photoId === photo.id);
    expect(again?.makePoster).toBeUndefined();
    expect(again?.imageUrl).toContain('variant-');
    await page.context().close();
  });
});

function readFixture(name: string) {
  return readFileSync(path.join(videos, name));
}

async function claim(): Promise<{ photoId: string; lease: string; imageUrl: string; makePoster?: true }[]> {
  const res = await fetch(`${baseUrl()}/api/analysis/claim`, {
    method: 'POST', headers: { Authorization: `Bearer ${token()}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ max: 1, device: { backend: 'wasm' }, clientId: `video-e2e-${Date.now()}` }),
  });
  return ((await res.json()) as { jobs: { photoId: string; lease: string; imageUrl: string; makePoster?: true }[] }).jobs;
}
