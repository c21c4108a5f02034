// Search and people in Debian's Chromium with the tiny models: the analysis tab embeds red, green and
// blue photos; typing "red" in the search box encodes the word with the tiny CLIP text model in this
// browser and finds the red photo first. Photos with red blobs (the tiny face detector fires on red)
// become a person, who is renamed on the People page and then named on the photo page.
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Photo } from '../../worker/contract/photo';
import { apiUpload, baseUrl, launch, screenshot, signedIn, token } from './browser';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

async function getPhoto(id: string): Promise<Photo> {
  const res = await fetch(`${baseUrl()}/api/photos/${id}`, { headers: { Authorization: `Bearer ${token()}` } });
  return ((await res.json()) as { photo: Photo }).photo;
}

async function until(id: string, done: (p: Photo) => boolean, timeout = 90_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const p = await getPhoto(id);
    if (done(p)) return p;
    if (Date.now() > deadline) throw new Error(`timeout: ${JSON.stringify(p.stages)}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

const solid = (r: number, g: number, b: number, tag: string) =>
  sharp({ create: { width: 320, height: 240, channels: 3, background: { r, g, b } } }).png({ compressionLevel: 1 }).withMetadata({ exif: { IFD0: { ImageDescription: tag } } }).toBuffer();

/** Grey with a red square where a face would be: the tiny face detector fires on it. */
async function redBlob(left: number, tag: string) {
  const blob = await sharp({ create: { width: 80, height: 80, channels: 3, background: { r: 230, g: 20, b: 25 } } }).png().toBuffer();
  return sharp({ create: { width: 400, height: 300, channels: 3, background: { r: 128, g: 128, b: 128 } } })
    .composite([{ input: blob, left, top: 90 }]).withMetadata({ exif: { IFD0: { ImageDescription: tag } } }).jpeg().toBuffer();
}

/** Uploads, waits for development, and runs the analysis tab (tiny models) until every photo is analysed. */
async function analyse(page: Page, files: Array<[string, Buffer]>): Promise<string[]> {
  const ids: string[] = [];
  for (const [name, bytes] of files) ids.push((await apiUpload(name, bytes)).photo.id);
  for (const id of ids) await until(id, (p) => p.stages.analysis?.status === 'pending' || p.stages.analysis?.status === 'completed');
  await page.goto(`${baseUrl()}/analysis?preset=tiny`);
  await page.getByRole('button', { name: 'Start' }).click();
  await expect.poll(() => page.getByTestId('device').textContent(), { timeout: 60_000 }).toMatch(/WebAssembly/);
  for (const id of ids) {
    const p = await until(id, (x) => x.stages.analysis?.status === 'completed' || x.stages.analysis?.status === 'failed');
    expect(p.stages.analysis?.error).toBeUndefined();
  }
  return ids;
}

const run = `${Date.now()}`;

describe('search', () => {
  it('finds the photo of a colour first when its name is typed, encoding the words in the browser', { timeout: 300_000 }, async () => {
    const page = await signedIn(browser);
    page.on('console', (m) => console.log('page:', m.text()));
    const [red, green, blue] = await analyse(page, [
      [`search-red-${run}.png`, await solid(220, 25, 30, `r${run}`)],
      [`search-green-${run}.png`, await solid(30, 200, 40, `g${run}`)],
      [`search-blue-${run}.png`, await solid(20, 30, 210, `b${run}`)],
    ]);

    const searches: unknown[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/api/search') && r.method() === 'POST') searches.push(r.postDataJSON());
    });
    page.on('response', async (r) => {
      if (r.url().includes('/api/search')) console.log('search response', r.status(), (await r.text().catch(() => '')).slice(0, 300));
    });
    page.on('requestfailed', (r) => console.log('failed', r.url(), r.failure()?.errorText));
    page.on('worker', (w) => console.log('worker', w.url()));
    await page.getByRole('link', { name: 'Gallery' }).click();
    console.log('analysed', new Date().toISOString());
    await page.keyboard.press('/');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('search-input');
    await page.keyboard.type('red');
    await page.keyboard.press('Enter');
    await expect.poll(() => new URL(page.url()).search).toBe('?q=red');

    const tiles = page.locator('ul[aria-label="Search results"] li.tile');
    await tiles.first().waitFor({ timeout: 60_000 }).catch(async (e) => {
      console.log('searches', JSON.stringify(searches).slice(0, 300));
      console.log('encoder', await page.evaluate(() => JSON.stringify((window as unknown as { darkroom: { encoder: { state: string; error: string; files: object } } }).darkroom.encoder?.state)));
      await screenshot(page, 'search-failed');
      throw e;
    });
    await expect.poll(() => tiles.count(), { timeout: 60_000 }).toBeGreaterThanOrEqual(3);
    const order = await tiles.evaluateAll((els) => els.map((e) => e.getAttribute('data-photo-id')));
    // The red photo first of ours (another test's red photo may tie with it), green and blue after it.
    expect(order.indexOf(red)).toBeLessThan(order.indexOf(green));
    expect(order.indexOf(red)).toBeLessThan(order.indexOf(blue));
    expect(await tiles.first().locator('a').getAttribute('aria-label')).toMatch(/red/);
    // The words went as a vector of the library's model, made here: never as text.
    const sent = searches.at(-1) as { vector?: { model: { id: string }; values: number[] }; text?: string };
    expect(sent.vector?.model.id).toBe('tiny/clip-vit-base-patch32');
    expect(sent.vector?.values).toHaveLength(512);
    expect(sent.text).toBeUndefined();
    await tiles.first().locator('img.thumb.loaded').waitFor({ timeout: 20_000 });
    await screenshot(page, 'search-red');

    // "blue" typed on the search page updates the results and the URL as you type.
    await page.locator('#search-input').fill('blue');
    await expect.poll(() => new URL(page.url()).search, { timeout: 10_000 }).toBe('?q=blue');
    await expect.poll(async () => (await tiles.first().locator('a').getAttribute('aria-label')) ?? '', { timeout: 20_000 }).toMatch(/blue/);

    // More like this, on the red photo's page.
    await page.goto(`${baseUrl()}/photos/${red}`);
    const similar = page.locator('ul[aria-label="Similar photos"] li.tile');
    await expect.poll(() => similar.count(), { timeout: 20_000 }).toBeGreaterThan(0);
    expect(await similar.evaluateAll((els) => els.map((e) => e.getAttribute('data-photo-id')))).not.toContain(red);
    await page.context().close();
  });
});

describe('people', () => {
  it('shows people once three similar faces exist, renames one inline, and names their face on the photo page', { timeout: 300_000 }, async () => {
    const page = await signedIn(browser);
    const ids = await analyse(page, await Promise.all([40, 140, 260].map(async (left, i) => [`face-blob-${i}-${run}.jpg`, await redBlob(left, `f${i}${run}`)] as [string, Buffer])));
    const faces = (await getPhoto(ids[0])).analysis?.faces ?? [];
    expect(faces.length).toBeGreaterThan(0);
    const personId = faces[0].personId;
    expect(personId).toBeTruthy();

    await page.getByRole('link', { name: 'People' }).click();
    const card = page.locator(`li.person[data-person-id="${personId}"]`);
    await card.waitFor({ timeout: 20_000 });
    await expect.poll(() => card.locator('.avatar img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0 && img.style.opacity !== '0'), { timeout: 20_000 }).toBe(true);
    // A name with markup stays text.
    const name = `<b>Ada</b> ${run.slice(-4)}`;
    const input = card.getByRole('textbox');
    await input.fill(name);
    await input.press('Enter');
    await expect.poll(async () => (await fetch(`${baseUrl()}/api/people/${personId}`, { headers: { Authorization: `Bearer ${token()}` } }).then((r) => r.json())).person.name).toBe(name);
    await screenshot(page, 'people');

    await page.goto(`${baseUrl()}/photos/${ids[0]}`);
    const label = page.locator(`.face[data-face-id="${faces[0].id}"]`).getByTestId('face-name');
    await expect.poll(() => label.textContent(), { timeout: 20_000 }).toBe(name);
    expect(await page.locator('.face b').count()).toBe(0);
    // The box sits on the image, inside its bounds, not on the letterbox around it.
    const [img, box] = await Promise.all([page.locator('.image-box img').boundingBox(), page.locator(`.face[data-face-id="${faces[0].id}"]`).boundingBox()]);
    expect(box!.x).toBeGreaterThanOrEqual(img!.x - 1);
    expect(box!.x + box!.width).toBeLessThanOrEqual(img!.x + img!.width + 1);
    expect(Math.abs(box!.x - (img!.x + faces[0].box[0] * img!.width))).toBeLessThan(3);
    await screenshot(page, 'photo-face-name');

    // The person's page lists their photos (the tiny detector stacks many boxes on one blob: follow the link).
    await page.goto(new URL((await label.getAttribute('href'))!, baseUrl()).href);
    const photos = page.locator('ul[aria-label^="Photos of"] li.tile');
    await expect.poll(() => photos.count(), { timeout: 20_000 }).toBeGreaterThanOrEqual(3);
    await screenshot(page, 'person');
    await page.context().close();
  });
});
