// Search and people in Chromium with the tiny models. Photos are analysed with the library's model set by
// a client in this process (analysis-client.ts: claim → results through the real API, as another device's
// tab would). Covered: a filter chip narrows and comes off, more like this, a person named on the People
// page found by their chip and by their name, "Who is this?" making a person of a lone face, and the
// near-duplicates page keeping one of two near-identical photos. Also the search box's text encoder: a colour
// word encoded in this browser by the library's (tiny, self-hosted) CLIP text model, and a photo the real
// analysis tab analysed, found by its word.
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyseThroughApi } from './analysis-client';
import { analysisDue, analysisFinished, getPhoto, TINY, until, useTinyModels } from './analysis-setup';
import { apiUpload, baseUrl, launch, screenshot, signedIn, token } from './browser';

let browser: Browser;
useTinyModels();
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

const auth = () => ({ Authorization: `Bearer ${token()}` });

const run = `${Date.now()}`;
// Unique bytes per run and per photo (the library keeps each file once): a description in the EXIF.
const withTag = (img: sharp.Sharp, tag: string) => img.withMetadata({ exif: { IFD0: { ImageDescription: `${tag}${run}` } } });
const solid = (r: number, g: number, b: number, tag: string, width = 320) =>
  withTag(sharp({ create: { width, height: 240, channels: 3, background: { r, g, b } } }), tag).png().toBuffer();

/** Grey with a coloured square where a face would be, at `left`; its box as the detector would give it. */
async function blob(left: number, colour: { r: number; g: number; b: number }, tag: string): Promise<[Buffer, [number, number, number, number]]> {
  const square = await sharp({ create: { width: 80, height: 80, channels: 3, background: colour } }).png().toBuffer();
  const bytes = await withTag(sharp({ create: { width: 400, height: 300, channels: 3, background: { r: 128, g: 128, b: 128 } } }).composite([{ input: square, left, top: 90 }]), tag).jpeg().toBuffer();
  return [bytes, [left / 400, 90 / 300, 80 / 400, 80 / 300]];
}

/** Uploads, waits until analysis is due, and analyses through the API (with these face boxes). */
async function uploadAnalysed(files: Array<[string, Buffer, Array<[number, number, number, number]>?]>): Promise<string[]> {
  const ids: string[] = [];
  for (const [name, bytes] of files) ids.push((await apiUpload(name, bytes)).photo.id);
  for (const id of ids) await until(id, analysisDue);
  await analyseThroughApi(ids, Object.fromEntries(files.flatMap(([, , boxes], i) => (boxes ? [[ids[i], boxes]] : []))));
  for (const id of ids) expect((await getPhoto(id)).analysis?.embedding).toEqual({ model: TINY.embedding.id, dims: 512 });
  return ids;
}

const resultIds = (page: Page) => page.locator('[aria-label^="Search results"] li.tile').evaluateAll((els) => els.map((e) => e.getAttribute('data-photo-id')));

describe('search', () => {
  let colours: string[] = [];
  beforeAll(async () => {
    colours = await uploadAnalysed([
      [`search-red-${run}.png`, await solid(220, 25, 30, 'r')],
      [`search-green-${run}.png`, await solid(30, 200, 40, 'g')],
      [`search-blue-${run}.png`, await solid(20, 30, 210, 'b')],
    ]);
  }, 300_000);

  it('narrows by a chip typed in the box, shows it as a chip, and takes it off with its ×', { timeout: 300_000 }, async () => {
    const [red, green, blue] = colours;
    expect((await getPhoto(blue)).analysis?.tags.map((t) => t.label)).toContain('blue');
    const page = await signedIn(browser);
    await page.getByRole('link', { name: 'Gallery' }).click();
    await page.locator('#search-input').fill('tag:blue');
    await page.keyboard.press('Enter');
    await expect.poll(() => new URL(page.url()).searchParams.getAll('tag')).toEqual(['blue']);
    await expect(page.locator('.chips .chip').first().textContent()).resolves.toContain('Tag: blue');
    await expect.poll(async () => (await resultIds(page)).includes(blue), { timeout: 30_000 }).toBe(true);
    expect(await resultIds(page)).not.toContain(red);
    expect(await resultIds(page)).not.toContain(green);
    await screenshot(page, 'search-chip');
    await page.getByRole('button', { name: 'Remove Tag: blue' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.has('tag')).toBe(false);

    // More like this, on the red photo's page: other photos, not itself.
    await page.goto(`${baseUrl()}/photos/${red}`);
    const similar = page.locator('ul[aria-label="Similar photos"] li.tile');
    await expect.poll(() => similar.count(), { timeout: 30_000 }).toBeGreaterThan(0);
    expect(await similar.evaluateAll((els) => els.map((e) => e.getAttribute('data-photo-id')))).not.toContain(red);
    await page.context().close();
  });

  it('finds the photo of a colour first from its word, encoding the words in the browser', { timeout: 300_000 }, async () => {
    const [red, green, blue] = colours;
    const page = await signedIn(browser);
    const searches: Array<{ vector?: { model: { id: string }; values: number[] }; text?: string }> = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/api/search') && r.method() === 'POST') searches.push(r.postDataJSON());
    });
    // "/" focuses the box in the gallery header; the words go as a vector made here, never as text.
    await page.getByRole('link', { name: 'Gallery' }).click();
    await page.locator('#search-input').waitFor();
    await page.keyboard.press('/');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('search-input');
    await page.keyboard.type('red');
    await page.keyboard.press('Enter');
    await expect.poll(() => new URL(page.url()).search).toBe('?q=red');
    await expect.poll(async () => (await resultIds(page)).filter((id) => [red, green, blue].includes(id!)).length, { timeout: 90_000 }).toBe(3);
    const order = await resultIds(page);
    expect(order.indexOf(red)).toBeLessThan(order.indexOf(green));
    expect(order.indexOf(red)).toBeLessThan(order.indexOf(blue));
    const sent = searches.at(-1)!;
    expect(sent.vector?.model.id).toBe(TINY.embedding.id);
    expect(sent.vector?.values).toHaveLength(512);
    expect(sent.text).toBeUndefined();
    await screenshot(page, 'search-red');
    await page.context().close();
  });

  it('keeps one of two near-identical photos from the near-duplicates page', { timeout: 300_000 }, async () => {
    const [a, b] = await uploadAnalysed([
      [`dup-a-${run}.png`, await solid(230, 220, 30, 'ya')],
      [`dup-b-${run}.png`, await solid(231, 220, 30, 'yb', 322)],
    ]);
    const page = await signedIn(browser);
    page.on('dialog', (d) => void d.accept());
    await page.getByRole('link', { name: 'Near-duplicates' }).click();
    const group = page.getByTestId('dup-group').filter({ has: page.locator(`a[href="/photos/${a}"]`) });
    await group.waitFor({ timeout: 30_000 });
    expect(await group.locator('a[href^="/photos/"]').evaluateAll((els) => els.map((e) => e.getAttribute('href')))).toEqual(expect.arrayContaining([`/photos/${a}`, `/photos/${b}`]));
    await screenshot(page, 'near-duplicates');
    // The larger one (b is 2 px wider) is chosen to keep; the other goes.
    await group.getByRole('button', { name: /^Keep the chosen one, delete/ }).click();
    await expect.poll(async () => (await fetch(`${baseUrl()}/api/photos/${a}`, { headers: auth() })).status, { timeout: 20_000 }).toBe(404);
    expect((await fetch(`${baseUrl()}/api/photos/${b}`, { headers: auth() })).status).toBe(200);
    await page.context().close();
  });
});

describe('search after the real analysis tab', () => {
  it('finds a photo the analysis tab analysed with the library\'s models', { timeout: 600_000 }, async () => {
    const id = (await apiUpload(`tab-green-${run}.png`, await solid(25, 210, 35, 'tab'))).photo.id;
    await until(id, analysisDue);
    const tab = await signedIn(browser);
    await tab.goto(`${baseUrl()}/analysis?preset=tiny`);
    await tab.getByRole('button', { name: 'Start' }).click();
    const photo = await until(id, analysisFinished, 300_000);
    expect(photo.stages.analysis?.status, photo.stages.analysis?.error).toBe('completed');
    expect(photo.analysis?.embedding).toEqual({ model: TINY.embedding.id, dims: 512 });
    await tab.context().close();
    const page = await signedIn(browser);
    await page.goto(`${baseUrl()}/search?q=green`);
    await expect.poll(async () => (await resultIds(page)).includes(id), { timeout: 60_000 }).toBe(true);
    await page.context().close();
  });
});

describe('people', () => {
  it('finds a person named on the People page by their chip and by their name; "Who is this?" names a lone face', { timeout: 300_000 }, async () => {
    const red = { r: 230, g: 20, b: 25 };
    const faces = await Promise.all([40, 140, 260].map((left, i) => blob(left, red, `f${i}`)));
    const lone = await blob(160, { r: 20, g: 200, b: 220 }, 'lone');
    const ids = await uploadAnalysed([...faces.map(([bytes, box], i): [string, Buffer, Array<[number, number, number, number]>] => [`face-${i}-${run}.jpg`, bytes, [box]]), [`lone-${run}.jpg`, lone[0], [lone[1]]]]);
    const [first] = (await getPhoto(ids[0])).analysis!.faces;
    const personId = first.personId!;
    expect(personId).toBeTruthy();
    const loneFace = (await getPhoto(ids[3])).analysis!.faces[0];
    expect(loneFace.personId).toBeNull();

    // Named on the People page (markup stays text).
    const page = await signedIn(browser);
    await page.getByRole('link', { name: 'People', exact: true }).click();
    const card = page.locator(`li.person[data-person-id="${personId}"]`);
    await card.waitFor({ timeout: 30_000 });
    const name = `<b>Ada</b> ${run.slice(-5)}`;
    await card.getByRole('textbox').fill(name);
    await card.getByRole('textbox').press('Enter');
    await expect.poll(async () => ((await (await fetch(`${baseUrl()}/api/people/${personId}`, { headers: auth() })).json()) as { person: { name: string } }).person.name).toBe(name);

    // Their "Search" link: a person chip, and exactly their photos.
    await card.getByRole('link', { name: /^Search the photos of/ }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('person')).toBe(personId);
    await expect(page.locator('.chips .chip').first().textContent()).resolves.toContain(`Person: ${name}`);
    // Exactly the person's photos as the people API lists them: their three, plus any face from the other
    // tests' photos that the clustering put with them (the tiny face embedder only sees colour).
    const personPhotos = async () => {
      const body = (await (await fetch(`${baseUrl()}/api/people/${personId}`, { headers: auth() })).json()) as { faces: Array<{ photoId: string }> };
      return [...new Set(body.faces.map((f) => f.photoId))].sort();
    };
    expect(await personPhotos()).toEqual(expect.arrayContaining(ids.slice(0, 3)));
    await expect.poll(async () => JSON.stringify((await resultIds(page)).sort()) === JSON.stringify(await personPhotos()), { timeout: 30_000 }).toBe(true);
    expect(await page.locator('.chips b').count()).toBe(0);
    await screenshot(page, 'search-person');

    // On a phone the People page keeps its cards inside the screen (a card's actions wrap).
    const phone = await signedIn(browser, { width: 390, height: 844 });
    await phone.getByRole('link', { name: 'People', exact: true }).click();
    await phone.locator(`li.person[data-person-id="${personId}"]`).waitFor({ timeout: 30_000 });
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const spill = await phone.locator('li.person').evaluateAll((cards) => cards.flatMap((card) => {
      const box = card.getBoundingClientRect();
      return [...card.querySelectorAll(':scope > *, .person-actions > *')].map((el) => el.getBoundingClientRect()).filter((r) => r.width > 0 && (r.left < box.left - 0.5 || r.right > box.right + 0.5)).map((r) => `${r.left}–${r.right} outside ${box.left}–${box.right}`);
    }));
    expect(spill).toEqual([]);
    await phone.context().close();

    // Their name typed in the box offers their photos.
    await page.goto(`${baseUrl()}/search`);
    await page.locator('#search-input').fill(name.toUpperCase());
    await page.keyboard.press('Enter');
    await page.getByTestId('person-suggestion').click();
    await expect.poll(() => new URL(page.url()).searchParams.get('person')).toBe(personId);
    expect(new URL(page.url()).searchParams.has('q')).toBe(false);
    await expect.poll(async () => JSON.stringify((await resultIds(page)).sort()) === JSON.stringify(await personPhotos()), { timeout: 30_000 }).toBe(true);

    // "Who is this?" on the lone face: a new person of that face, named.
    await page.goto(`${baseUrl()}/photos/${ids[3]}`);
    const box = page.locator(`.face[data-face-id="${loneFace.id}"]`);
    await box.getByRole('button', { name: 'Who is this?' }).click();
    await box.getByRole('textbox', { name: 'Name this person' }).fill(`Grace ${run.slice(-5)}`);
    await box.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => box.getByTestId('face-name').textContent(), { timeout: 20_000 }).toBe(`Grace ${run.slice(-5)}`);
    const after = (await getPhoto(ids[3])).analysis!.faces[0];
    expect(after.personId).toBeTruthy();
    expect(after.personId).not.toBe(personId);
    expect(after.personName).toBe(`Grace ${run.slice(-5)}`);
    await screenshot(page, 'who-is-this');
    await page.context().close();
  });
});
