// End to end in Debian's headless Chromium: upload, dedupe, refusals, reload mid-queue, ZIP, the gallery
// developing live, the photo page, and the processing dashboard with its polling fallback.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { zipSync } from 'fflate';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, apiUpload, baseUrl, claimFor, fixture, fixtures, launch, outputDir, screenshot, signedIn, TINY_MODELS, token } from './browser';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

/**
 * A copy of a fixture with bytes no other test uploads, so "Uploaded" cannot be a dedupe hit on
 * something already in the library.
 */
const run = Date.now().toString(36);
function freshCopy(name: string): string {
  const dir = path.join(outputDir, `fresh-${run}`);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  writeFileSync(file, Buffer.concat([fixture(name), Buffer.from(`fresh-${run}-${name}`)]));
  return file;
}

const entry = (page: Page, name: string) => page.locator(`.entry[data-name="${name}"]`);

async function uploadFiles(page: Page, names: string[]) {
  await page.getByRole('navigation').getByRole('link', { name: /^Upload/ }).click();
  await page.getByTestId('file-input').setInputFiles(names.map((n) => (n.includes('/') ? n : path.join(fixtures, n))));
}

describe('upload and gallery', () => {
  it('uploads a selection, refuses a hostile file with its reason, and the gallery develops live', async () => {
    const page = await signedIn(browser);
    const names = ['photo-pixel-gps.jpg', 'orient-portrait-6.jpg', 'face-obama.jpg', 'webp-htc-exif-gps.webp', 'heic-iphone7-gps.heic', 'bad-text-as.jpg'];
    await uploadFiles(page, names.map(freshCopy));
    for (const n of names.slice(0, 5)) await expect.poll(() => entry(page, n).locator('.state').textContent(), { timeout: 30_000 }).toBe('Uploaded');
    await expect.poll(() => entry(page, 'bad-text-as.jpg').textContent(), { timeout: 30_000 }).toContain('Not a supported photo or video');
    await screenshot(page, 'upload');

    await page.getByRole('link', { name: 'Gallery' }).click();
    // The one without a date is under today, at the top: it develops live there.
    const today = (await api('/api/photos?limit=20', undefined, 'GET')).photos.find((p: { filename: string }) => p.filename === 'orient-portrait-6.jpg');
    await page.locator(`li.tile[data-photo-id="${today.id}"][data-status="completed"] img.thumb.loaded`).waitFor({ timeout: 150_000 });
    // The others are under the days they were taken (2011–2019; the HEIC's date arrives with its exif
    // stage): once developed, each is found at its day (/?at=), as thumbnail over its ThumbHash.
    // Five fresh photos through the whole pipeline: slow on a loaded two-core machine.
    type Listed = { id: string; filename: string; status: string; createdAt: string; exif: { takenAt: string | null } | null };
    let mine: Listed[] = [];
    await expect.poll(async () => {
      const listed: Listed[] = (await api('/api/photos?limit=50', undefined, 'GET')).photos;
      mine = names.slice(0, 5).map((n) => listed.find((p) => p.filename === n)!);
      return mine.filter((p) => p?.status === 'completed').length;
    }, { timeout: 150_000 }).toBe(5);
    for (const p of mine) {
      await page.goto(`${baseUrl()}/?at=${(p.exif?.takenAt ?? p.createdAt).slice(0, 10)}`);
      const tile = page.locator(`li.tile[data-photo-id="${p.id}"][data-status="completed"]`);
      await tile.locator('img.thumb.loaded').waitFor({ timeout: 30_000 });
      expect(await tile.locator('img.placeholder').count(), p.filename).toBe(1);
    }
    await screenshot(page, 'gallery');
    await page.context().close();
  }, 240_000);

  it('skips a file the library already has without uploading it', async () => {
    const page = await signedIn(browser);
    await apiUpload('photo-canon600d-gps-west.jpg');
    const puts: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'PUT' && r.url().includes('/api/photos')) puts.push(r.url());
    });
    await uploadFiles(page, ['photo-canon600d-gps-west.jpg']);
    await expect.poll(() => entry(page, 'photo-canon600d-gps-west.jpg').locator('.state').textContent(), { timeout: 20_000 }).toBe('Already in library');
    expect(puts).toEqual([]);
    await page.context().close();
  });

  it('keeps the queue across a reload and finishes it', async () => {
    const page = await signedIn(browser);
    const names = ['orient-landscape-2.jpg', 'orient-landscape-3.jpg', 'orient-landscape-4.jpg', 'orient-landscape-5.jpg'];
    await uploadFiles(page, names.map(freshCopy));
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.reload();
    for (const n of names) await expect.poll(() => entry(page, n).count(), { timeout: 15_000 }).toBe(1);
    // Fresh bytes: "Already in library" can only mean this test's own PUT landed just before the reload.
    for (const n of names) await expect.poll(() => entry(page, n).locator('.state').textContent(), { timeout: 30_000 }).toMatch(/Uploaded|Already in library/);
    const res = await fetch(`${baseUrl()}/api/photos?limit=200`, { headers: { Authorization: `Bearer ${token()}` } });
    const { photos } = (await res.json()) as { photos: Array<{ filename: string; bytes: number }> };
    for (const n of names) expect(photos.filter((p) => p.filename === n && p.bytes === fixture(n).length + `fresh-${run}-${n}`.length), n).toHaveLength(1);
    await page.context().close();
  });

  it('unpacks a ZIP in the browser and lists what it skipped', async () => {
    const page = await signedIn(browser);
    const fresh = (n: string) => Buffer.concat([fixture(n), Buffer.from(`zip-${run}`)]);
    const zip = zipSync({
      'trip/photo-fuji-iptc-gps.jpg': fresh('photo-fuji-iptc-gps.jpg'),
      'trip/notes.txt': new TextEncoder().encode('not a photo'),
      'trip/photo-kodak-gps-south.jpg': fresh('photo-kodak-gps-south.jpg'),
    });
    const file = path.join(outputDir, 'trip.zip');
    writeFileSync(file, zip);
    await uploadFiles(page, [file]);
    for (const n of ['photo-fuji-iptc-gps.jpg', 'photo-kodak-gps-south.jpg']) {
      await expect.poll(() => entry(page, n).locator('.state').textContent(), { timeout: 30_000 }).toBe('Uploaded');
    }
    await expect.poll(() => entry(page, 'trip.zip: trip/notes.txt').locator('.state').textContent()).toBe('Skipped');
    await page.context().close();
  });
});

describe('a 10,000-file queue', () => {
  it('renders only the rows in view (virtualised), from the top to the very end', async () => {
    const page = await signedIn(browser);
    expect(page.workers()).toHaveLength(0);
    await page.getByRole('navigation').getByRole('link', { name: /^Upload/ }).click();
    // The hash workers start with the page, before any pick (a cold one took up to a second to load).
    await expect.poll(() => page.workers().length).toBeGreaterThanOrEqual(2);
    await page.evaluate(async () => {
      type Q = { pause(): void; add(f: Array<{ name: string; blob: Blob }>): Promise<void> };
      const queue = (window as unknown as { darkroom: { queue: Q } }).darkroom.queue;
      queue.pause(); // held, not sent: this test is about the list
      await queue.add(Array.from({ length: 10_000 }, (_, i) => ({ name: `many-${i}.jpg`, blob: new Blob([`many ${i}`]) })));
    });
    const rows = page.locator('.entries .entry');
    await expect.poll(() => entry(page, 'many-0.jpg').count(), { timeout: 20_000 }).toBe(1);
    expect(await rows.count()).toBeLessThanOrEqual(40);
    const started = Date.now();
    await page.locator('.entries').evaluate((el) => (el.scrollTop = el.scrollHeight));
    await expect.poll(() => entry(page, 'many-9999.jpg').count()).toBe(1);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await rows.count()).toBeLessThanOrEqual(40);
    expect(await entry(page, 'many-0.jpg').count()).toBe(0);
    await page.context().close();
  });
});

describe('photo page', () => {
  it('shows the display variant, EXIF with a map link, and stage timings', async () => {
    const page = await signedIn(browser);
    const { photo } = await apiUpload('photo-pixel-gps.jpg', Buffer.concat([fixture('photo-pixel-gps.jpg'), Buffer.from(`photo-${run}`)]));
    await page.goto(new URL(`/photos/${photo.id}`, page.url()).href);
    await expect.poll(() => page.locator('figure img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), { timeout: 30_000 }).toBeGreaterThan(0);
    const details = await page.locator('.details').textContent();
    expect(details).toContain('Google Pixel');
    expect(await page.getByRole('link', { name: /50\.2996/ }).getAttribute('href')).toContain('openstreetmap.org');
    expect(await page.locator('table.stages tbody tr').count()).toBe(4); // exif, thumbnails, variants, analysis

    // An analysis tab elsewhere posts results: caption, tags and face boxes appear live.
    const job = await claimFor(photo.id);
    const posted = await api(`/api/analysis/${photo.id}`, {
      lease: job.lease, models: TINY_MODELS,
      caption: 'a path between fields under a blue sky', embedding: { dims: 4, values: [0.1, 0.2, 0.3, 0.4] },
      tags: [{ label: 'landscape', score: 0.8 }, { label: 'sky', score: 0.7 }], faces: [{ box: [0.4, 0.5, 0.1, 0.15], score: 0.9 }],
      device: { backend: 'wasm' }, timings: { totalMs: 120 },
    });
    expect(posted.ok).toBe(true);
    await expect.poll(() => page.getByTestId('caption').textContent(), { timeout: 10_000 }).toContain('a path between fields');
    expect(await page.locator('.tags li').allTextContents()).toEqual(['landscape', 'sky']);
    expect(await page.locator('.face').count()).toBe(1);
    await screenshot(page, 'photo');
    await page.context().close();
  });
});

describe('face boxes', () => {
  it('are drawn relative to the image, not the letterboxed frame around a portrait photo', async () => {
    const page = await signedIn(browser);
    const { photo } = await apiUpload('orient-portrait-6.jpg', Buffer.concat([fixture('orient-portrait-6.jpg'), Buffer.from(`faces-${run}`)]));
    const job = await claimFor(photo.id);
    const posted = await api(`/api/analysis/${photo.id}`, {
      lease: job.lease, models: TINY_MODELS,
      caption: 'a portrait', embedding: { dims: 4, values: [0.1, 0.2, 0.3, 0.4] }, tags: [],
      faces: [{ box: [0.25, 0.5, 0.5, 0.25], score: 0.9 }], device: { backend: 'wasm' }, timings: { totalMs: 1 },
    });
    expect(posted.ok).toBe(true);
    await page.goto(new URL(`/photos/${photo.id}`, page.url()).href);
    await expect.poll(() => page.locator('.face').count(), { timeout: 30_000 }).toBe(1);
    await expect.poll(() => page.locator('figure img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), { timeout: 30_000 }).toBeGreaterThan(0);
    const img = (await page.locator('figure img').boundingBox())!;
    const frame = (await page.locator('.frame').boundingBox())!;
    const face = (await page.locator('.face').boundingBox())!;
    expect(img.width).toBeLessThan(frame.width * 0.8); // a portrait photo really is letterboxed here
    expect(face.x).toBeCloseTo(img.x + 0.25 * img.width, -1);
    expect(face.y).toBeCloseTo(img.y + 0.5 * img.height, -1);
    expect(face.width).toBeCloseTo(0.5 * img.width, -1);
    expect(face.height).toBeCloseTo(0.25 * img.height, -1);
    await page.context().close();
  });
});

describe('processing dashboard', () => {
  it('updates live from the feed, and falls back to polling when the socket dies', async () => {
    const page = await signedIn(browser);
    await page.getByRole('link', { name: 'Processing' }).click();
    const completed = page.getByTestId('count-completed').locator('.n');
    await completed.waitFor();
    const before = Number(await completed.textContent());
    await expect.poll(() => page.getByTestId('feed-mode').textContent()).toContain('Live');

    await apiUpload('faces-two-people.jpg', Buffer.concat([fixture('faces-two-people.jpg'), Buffer.from('live-1')]));
    await expect.poll(async () => Number(await completed.textContent()), { timeout: 20_000 }).toBe(before + 1);
    await expect.poll(() => page.getByTestId('recent-strip').locator('img[alt="faces-two-people.jpg"]').count()).toBeGreaterThan(0);
    await screenshot(page, 'dashboard');

    // Kill the socket and keep it from coming back.
    await page.routeWebSocket(/\/api\/live/, (ws) => ws.close());
    await page.evaluate(() => (window as unknown as { darkroom: { feed: { socket: WebSocket } } }).darkroom.feed.socket.close());
    await expect.poll(() => page.getByTestId('feed-mode').textContent()).toContain('refreshing every 5 s');
    await apiUpload('faces-two-people.jpg', Buffer.concat([fixture('faces-two-people.jpg'), Buffer.from('live-2')]));
    await expect.poll(async () => Number(await completed.textContent()), { timeout: 20_000, interval: 500 }).toBe(before + 2);
    await screenshot(page, 'dashboard-polling');
    await page.context().close();
  });

  it('works on a phone-sized screen', async () => {
    const page = await signedIn(browser, { width: 390, height: 844 });
    await page.locator('li.tile').first().waitFor({ timeout: 20_000 });
    await screenshot(page, 'gallery-phone');
    // Nothing sticks out sideways on any page, the navigation is on screen, and tiles fit several to a row.
    const tiles = await page.locator('li.tile').evaluateAll((els) => els.slice(0, 6).map((e) => e.getBoundingClientRect().toJSON() as DOMRect));
    for (const t of tiles) expect(t.right).toBeLessThanOrEqual(390);
    expect(new Set(tiles.map((t) => Math.round(t.top))).size).toBeLessThan(tiles.length); // more than one per row
    for (const link of ['Gallery', 'People', 'Upload', 'Processing', 'Analysis', 'Settings']) {
      await page.getByRole('navigation').getByRole('link', { name: new RegExp(`^${link}`) }).click();
      await page.locator('main h1', { hasText: link }).waitFor({ state: 'attached' });
      await page.waitForLoadState('networkidle'); // pages that fill in from the API have done so
      expect(await page.evaluate(() => document.documentElement.scrollWidth), link).toBeLessThanOrEqual(390);
      const nav = (await page.getByRole('navigation').boundingBox())!;
      expect(nav.x).toBeGreaterThanOrEqual(0);
      expect(nav.x + nav.width).toBeLessThanOrEqual(390);
      for (const l of ['Gallery', 'Processing', 'Settings']) expect(await page.getByRole('navigation').getByRole('link', { name: l }).isVisible()).toBe(true);
    }
    await page.context().close();
  });
});
