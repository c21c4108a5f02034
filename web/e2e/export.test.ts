// The export studio in Chromium: three photos selected in the gallery (click, shift-click), exported with
// background removal (the tiny BiRefNet stand-in: foreground = red pixels) and face crops (stored boxes
// for the analysed photo, the tiny YuNet detector for the others); the downloaded ZIP is read back. The
// ISNet and MODNet stand-ins cut out the same. Cancelling midway leaves no ZIP at all.
import { readFileSync } from 'node:fs';
import { unzipSync, strFromU8 } from 'fflate';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, apiUpload, baseUrl, launch, screenshot, signedIn, token } from './browser';

const RED = { r: 230, g: 20, b: 20 };
/** A flat background with red squares at [left, top, size] (px); the stand-ins see each as a face and as foreground. */
async function photo(width: number, height: number, background: object, squares: Array<[number, number, number]>, tag: string) {
  const square = (n: number) => sharp({ create: { width: n, height: n, channels: 3, background: RED } }).png().toBuffer();
  const composite = await Promise.all(squares.map(async ([left, top, n]) => ({ input: await square(n), left, top })));
  return sharp({ create: { width, height, channels: 3, background } }).composite(composite)
    .jpeg({ quality: 95, chromaSubsampling: '4:4:4' }).withMetadata({ exif: { IFD0: { ImageDescription: tag } } }).toBuffer();
}

async function developed(id: string) {
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 500))) {
    const res = await fetch(`${baseUrl()}/api/photos/${id}`, { headers: { Authorization: `Bearer ${token()}` } });
    if (((await res.json()) as { photo: { status: string } }).photo.status === 'completed') return;
  }
  throw new Error(`photo ${id} did not develop`);
}

/** Posts analysis results for a photo as an analysis tab would (the library's model set is the tiny one). */
async function analyse(photoId: string, faces: Array<[number, number, number, number]>) {
  const analysis = { modelHost: 'self', caption: { id: 'tiny/captioner' }, embedding: { id: 'tiny/clip', dims: 4 }, faces: { id: 'tiny/yunet' } };
  const set = await fetch(`${baseUrl()}/api/settings`, {
    method: 'PUT', body: JSON.stringify({ analysis }), headers: { Authorization: `Bearer ${token()}`, 'Content-Type': 'application/json' },
  });
  if (set.status !== 200) throw new Error(`settings: ${set.status}`);
  let job: { photoId: string; lease: string } | undefined;
  for (let i = 0; i < 20 && !job; i++) {
    const claim = await api('/api/analysis/claim', { max: 32, clientId: `export-${photoId}-${i}`, device: { backend: 'wasm' } });
    job = claim.jobs?.find((j: { photoId: string }) => j.photoId === photoId);
  }
  if (!job) throw new Error(`no analysis job came up for ${photoId}`);
  const posted = await api(`/api/analysis/${photoId}`, {
    lease: job.lease, models: { caption: { id: 'tiny/captioner' }, embedding: { id: 'tiny/clip' }, faces: { id: 'tiny/yunet' } },
    embedding: { dims: 4, values: [0.1, 0.2, 0.3, 0.4] }, faces: faces.map((box) => ({ box, score: 0.9 })), device: { backend: 'wasm' },
  });
  if (!posted.ok) throw new Error(`analysis post: ${JSON.stringify(posted)}`);
}

let browser: Browser;
let ids: string[] = [];
beforeAll(async () => {
  browser = await launch();
  const stamp = Date.now().toString(36);
  // Uploaded oldest first, so the gallery (newest first) shows them as [analysed, two faces, one face].
  const one = await apiUpload(`export-one-${stamp}.jpg`, await photo(320, 240, { r: 20, g: 40, b: 220 }, [[120, 90, 80]], `one ${stamp}`));
  const two = await apiUpload(`export-two-${stamp}.jpg`, await photo(400, 300, { r: 30, g: 180, b: 60 }, [[40, 60, 50], [300, 200, 50]], `two ${stamp}`));
  const three = await apiUpload(`export-analysed-${stamp}.jpg`, await photo(320, 240, { r: 240, g: 220, b: 40 }, [[120, 90, 60]], `three ${stamp}`));
  ids = [three.photo.id, two.photo.id, one.photo.id];
  for (const id of ids) await developed(id);
  // Stored boxes deliberately away from the red square: crops of yellow prove the stored boxes were used.
  await analyse(three.photo.id, [[0.05, 0.05, 0.15, 0.2], [0.75, 0.7, 0.2, 0.25]]);
});
afterAll(async () => {
  await browser?.close();
});

async function openExport(page: Page) {
  const tile = (id: string) => page.locator(`li.tile[data-photo-id="${id}"]`);
  for (const id of ids) await tile(id).waitFor({ timeout: 30_000 });
  // Click the first of the three as the grid shows them, shift-click the last: the range selects all three.
  const shown = (await page.locator('li.tile').evaluateAll((els) => els.map((e) => e.getAttribute('data-photo-id')))).filter((id) => ids.includes(id!));
  const [first, last] = [shown[0]!, shown.at(-1)!];
  await tile(first).hover();
  await tile(first).locator('.tile-select').click();
  await tile(last).hover();
  await tile(last).locator('.tile-select').click({ modifiers: ['Shift'] });
  await expect.poll(() => page.getByTestId('selected-count').textContent()).toBe('3 selected');
  await page.getByRole('button', { name: 'Export…' }).click();
  await page.getByLabel('Crop faces').check();
  await page.locator('.export-panel details summary').click();
  await page.getByLabel('Models').selectOption('tiny');
}

async function rgba(png: Uint8Array) {
  const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { at: (x: number, y: number) => [...data.subarray((Math.round(y * (info.height - 1)) * info.width + Math.round(x * (info.width - 1))) * 4).subarray(0, 4)], info };
}

describe('export studio', () => {
  it('exports three photos with background removal and face crops into one ZIP with a manifest', async () => {
    const page = await signedIn(browser);
    await openExport(page);
    await page.getByLabel('Also save results into the library').check();
    const download = page.waitForEvent('download', { timeout: 420_000 });
    await page.getByRole('button', { name: 'Export ZIP' }).click();
    const zipFile = await (await download).path();
    await expect.poll(() => page.getByTestId('export-progress').getAttribute('data-state')).toBe('done');
    await screenshot(page, 'export');
    const errors = await page.locator('.export-panel .items .error').allTextContents();
    expect(errors).toEqual([]);
    const files = unzipSync(new Uint8Array(readFileSync(zipFile)));
    const names = Object.keys(files);

    const manifest = strFromU8(files['manifest.csv']).trim().split('\r\n').map((l) => l.split(','));
    expect(manifest[0]).toEqual(['source_photo', 'source_filename', 'operation', 'model', 'output_file', 'library_photo']);
    const rows = manifest.slice(1);
    expect(rows.map((r) => r[4]).sort()).toEqual(names.filter((n) => n !== 'manifest.csv').sort());
    const of = (id: string, op: string) => rows.filter((r) => r[0] === id && r[2] === op);
    // One crop per face: 2 stored boxes, 2 detected squares, 1 detected square.
    expect(ids.map((id) => of(id, 'crop-face').length)).toEqual([2, 2, 1]);
    expect(of(ids[0], 'crop-face').every((r) => r[3] === 'stored face boxes (analysis)')).toBe(true);
    expect([...of(ids[1], 'crop-face'), ...of(ids[2], 'crop-face')].every((r) => r[3] === 'tiny/opencv_zoo')).toBe(true);
    expect(ids.map((id) => of(id, 'remove-background').map((r) => r[3]))).toEqual(ids.map(() => ['tiny/BiRefNet_lite-ONNX']));

    // Every output was also saved into the library through the upload path, recording its source.
    for (const r of rows) {
      expect(r[5]).toMatch(/^[0-9a-z]{21}$/);
      const res = await fetch(`${baseUrl()}/api/photos/${r[5]}`, { headers: { Authorization: `Bearer ${token()}` } });
      const saved = ((await res.json()) as { photo: { derivedFrom?: string; filename: string } }).photo;
      expect([saved.derivedFrom, saved.filename]).toEqual([r[0], r[4]]);
    }

    // Alpha where the stand-in says: opaque on the red square, transparent on the background.
    const cut = await rgba(files[of(ids[2], 'remove-background')[0][4]]);
    expect(cut.at(0.5, 0.5)[3]).toBeGreaterThan(240);
    expect(cut.at(0.05, 0.05)[3]).toBeLessThan(15);
    expect(cut.at(0.95, 0.9)[3]).toBeLessThan(15);
    const cut2 = await rgba(files[of(ids[1], 'remove-background')[0][4]]);
    expect([cut2.at(0.16, 0.28)[3], cut2.at(0.81, 0.75)[3]].every((a) => a > 240)).toBe(true);
    expect(cut2.at(0.5, 0.5)[3]).toBeLessThan(15);
    // Crops: square, 512 px, centred on the red face for detected faces; yellow (not red) for the stored boxes.
    for (const r of [...of(ids[1], 'crop-face'), ...of(ids[2], 'crop-face')]) {
      const crop = await rgba(files[r[4]]);
      expect([crop.info.width, crop.info.height]).toEqual([512, 512]);
      const [red, green, , alpha] = crop.at(0.5, 0.5);
      expect(red > 200 && green < 60 && alpha === 255).toBe(true);
    }
    for (const r of of(ids[0], 'crop-face')) {
      const [red, green, blue] = (await rgba(files[r[4]])).at(0.5, 0.5);
      expect(red > 200 && green > 180 && blue < 90).toBe(true);
    }
    await page.context().close();
  }, 600_000);

  it('offers ISNet and MODNet next to BiRefNet, each cuts out what its stand-in says, and the manifest records which', async () => {
    const page = await signedIn(browser);
    await openExport(page);
    await page.getByLabel('Crop faces').uncheck();
    const model = page.getByLabel('Background model');
    expect(await model.locator('option').allTextContents()).toEqual([
      'BiRefNet lite (general, best edges) · MIT', 'ISNet general-use · Apache-2.0', 'MODNet (portraits, fast) · Apache-2.0',
    ]);
    for (const [key, folder] of [['isnet', 'tiny/isnet-general-use-onnx'], ['modnet', 'tiny/modnet']]) {
      await model.selectOption(key);
      const download = page.waitForEvent('download', { timeout: 420_000 });
      await page.getByRole('button', { name: 'Export ZIP' }).click();
      const files = unzipSync(new Uint8Array(readFileSync(await (await download).path())));
      const rows = strFromU8(files['manifest.csv']).trim().split('\r\n').slice(1).map((l) => l.split(','));
      expect(rows.map((r) => [r[0], r[2], r[3]]).sort()).toEqual(ids.map((id) => [id, 'remove-background', folder]).sort());
      // Photo "one": a red square in the middle of a blue background.
      const cut = await rgba(files[rows.find((r) => r[0] === ids[2])![4]]);
      expect(cut.at(0.5, 0.5)[3], key).toBeGreaterThan(240);
      expect([cut.at(0.05, 0.05)[3], cut.at(0.95, 0.9)[3]].every((a) => a < 15), key).toBe(true);
    }
    await page.context().close();
  }, 900_000);

  it('cancel midway leaves no partial ZIP, and no download', async () => {
    const page = await signedIn(browser);
    let release = () => {};
    const held = new Promise<void>((r) => (release = r));
    // The second photo's image is held until Cancel: the export is certainly midway when it is clicked.
    await page.context().route((url) => url.pathname.startsWith('/api/media/') && url.pathname.includes(ids[1]), async (route) => {
      await held;
      await route.abort().catch(() => {});
    });
    let downloads = 0;
    page.on('download', () => downloads++);
    await openExport(page);
    await page.getByRole('button', { name: 'Export ZIP' }).click();
    const item = (id: string) => page.locator(`.export-panel li[data-photo-id="${id}"]`);
    await expect.poll(() => item(ids[0]).getAttribute('data-step'), { timeout: 400_000 }).toBe('done');
    await expect.poll(() => item(ids[1]).getAttribute('data-step'), { timeout: 30_000 }).toBe('fetching');
    // The ZIP being written exists in the origin-private file system until the cancel removes it.
    const stored = () => page.evaluate(async () => {
      const root = await navigator.storage.getDirectory();
      const dir = await root.getDirectoryHandle('exports', { create: true });
      const names: string[] = [];
      for await (const name of (dir as unknown as { keys(): AsyncIterable<string> }).keys()) names.push(name);
      return names;
    });
    expect(await stored()).toHaveLength(1);
    await page.getByRole('button', { name: 'Cancel' }).click();
    release();
    await expect.poll(() => page.getByTestId('export-progress').getAttribute('data-state'), { timeout: 30_000 }).toBe('cancelled');
    expect(await stored()).toEqual([]);
    await page.waitForTimeout(500);
    expect(downloads).toBe(0);
    await page.context().close();
  }, 600_000);

  it('a photo that fails adds nothing to the ZIP, and Retry failed exports it into a ZIP of its own', async () => {
    const page = await signedIn(browser);
    const media = (url: URL) => url.pathname.startsWith('/api/media/') && url.pathname.includes(ids[1]);
    await page.context().route(media, (route) => route.abort());
    await openExport(page);
    await page.getByLabel('Crop faces').uncheck();
    let download = page.waitForEvent('download', { timeout: 420_000 });
    await page.getByRole('button', { name: 'Export ZIP' }).click();
    const first = unzipSync(new Uint8Array(readFileSync(await (await download).path())));
    expect(await page.locator(`.export-panel li[data-photo-id="${ids[1]}"]`).getAttribute('data-step')).toBe('failed');
    await expect.poll(() => page.getByTestId('export-progress').locator('p').first().textContent()).toMatch(/^3 of 3 photos · 1 failed\s+· ZIP ready/);
    const sources = (files: Record<string, Uint8Array>) => strFromU8(files['manifest.csv']).trim().split('\r\n').slice(1).map((l) => l.split(',')[0]);
    expect(sources(first).sort()).toEqual([ids[0], ids[2]].sort());
    expect(Object.keys(first)).toHaveLength(3);

    await page.context().unroute(media);
    download = page.waitForEvent('download', { timeout: 420_000 });
    await page.getByRole('button', { name: 'Retry failed (1)' }).click();
    const retried = unzipSync(new Uint8Array(readFileSync(await (await download).path())));
    expect(sources(retried)).toEqual([ids[1]]);
    expect(Object.keys(retried)).toHaveLength(2);
    // The counts start again for the retry's own run.
    await expect.poll(() => page.getByTestId('export-progress').locator('p').first().textContent()).toMatch(/^1 of 1 photos\s+· ZIP ready/);
    await page.context().close();
  }, 900_000);
});
