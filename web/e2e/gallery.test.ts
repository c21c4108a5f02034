// The virtual grid in Chromium: 1,000 photos seeded straight into D1, scrolled top to bottom. The DOM
// must hold a bounded number of tiles and images however far the user scrolls.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
// @ts-expect-error plain ESM helpers shared with the scripts
import { run } from '../../worker/scripts/lib.mjs';
// @ts-expect-error plain ESM helper shared with the benchmarks
import { gallerySeedSql, photoDaysSql } from '../../worker/scripts/bench/gallery-seed.mjs';
import { apiUpload, fixture, launch, signedIn } from './browser';

const COUNT = 1000;
type Darkroom = { darkroom: { library: { total: number } } };
/** Uploaded now, taken in August 1901 (the 12th, twice, and the 13th): their place is the timeline's end. */
const OLD = [['t0000000000000000old01', '1901-08-13T09:00:00+02:00'], ['t0000000000000000old02', '1901-08-12T18:30:00'], ['t0000000000000000old03', '1901-08-12T07:15:00']];
let browser: Browser;
beforeAll(async () => {
  const state = inject('state');
  const file = path.join(state, 'gallery-seed.sql');
  const now = Date.now();
  const old = OLD.map(([id, takenAt], i) => `INSERT INTO photos (id, library_id, filename, sha256, mime, kind, bytes, width, height, status, created_at, updated_at, exif, thumbnails, variants)
VALUES ('${id}', 'default', 'old-${i}.jpg', printf('%064x', ${990_000 + i}), 'image/jpeg', 'image', 1, 1600, 1200, 'completed', ${now + i}, ${now + i}, '{"takenAt":"${takenAt}"}', '{}', '{}');`);
  writeFileSync(file, [gallerySeedSql(COUNT, { prefix: 'g', now }), ...old, photoDaysSql()].join('\n'));
  run('wrangler', ['d1', 'execute', 'DB', '--local', '--persist-to', state, '--file', file], { stdio: 'ignore' });
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

describe('virtual gallery', () => {
  it('keeps the DOM bounded while scrolling through 1,000 photos', async () => {
    const page = await signedIn(browser);
    await page.locator('li.tile').first().waitFor({ timeout: 20_000 });
    const seen = new Set<string>();
    let maxImgs = 0;
    let maxTiles = 0;
    let maxHeld = 0;
    let lite = 0;
    for (let step = 0; step < 600; step++) {
      // After the grid has drawn the new place, the photos of its rows (overscan included) arrive by
      // cursor: blank squares until then.
      await page.evaluate(() => {
        window.scrollBy(0, window.innerHeight * 0.8);
        return new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
      });
      await page.waitForFunction(() => !document.querySelector('.tile-blank'));
      const s = await page.evaluate(() => ({
        ids: [...document.querySelectorAll('li.tile')].map((li) => li.getAttribute('data-photo-id')!),
        imgs: document.querySelectorAll('img').length,
        held: (window as unknown as { darkroom: { library: { held: number } } }).darkroom.library.held,
        lite: document.querySelectorAll('li.tile.lite').length,
        end: window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 2,
      }));
      for (const id of s.ids) seen.add(id);
      maxImgs = Math.max(maxImgs, s.imgs);
      maxTiles = Math.max(maxTiles, s.ids.length);
      maxHeld = Math.max(maxHeld, s.held);
      lite += s.lite;
      if (s.end) break;
    }
    expect(seen.size).toBeGreaterThanOrEqual(COUNT);
    // The photos in memory follow the screen too: not the 1,000 scrolled past.
    expect(maxHeld).toBeLessThanOrEqual(600);
    // 1280×860: 6 columns, ~4.6 rows per screen, plus 600 px of overscan either side ≈ 12 rows.
    expect(maxTiles).toBeLessThanOrEqual(120);
    expect(maxImgs).toBeLessThanOrEqual(2 * 120 + 10);
    // Scrolled most of a screen at a time, rows came in drawn light (average colours); once the scroll
    // stops every tile is drawn in full and paints its ThumbHash placeholder.
    expect(lite).toBeGreaterThan(0);
    await page.waitForFunction(() => !document.querySelector('li.tile.lite'), undefined, { timeout: 5_000 });
    expect(await page.locator('li.tile img.placeholder').count()).toBeGreaterThan(0);

    await page.context().close();
  });

  it('puts no backdrop filter over the scrolling grid (without a GPU Chromium redraws one on every frame)', async () => {
    const page = await signedIn(browser);
    await page.locator('li.tile').first().waitFor({ timeout: 20_000 });
    const filtered = await page.evaluate(() =>
      [...document.querySelectorAll('*')].filter((e) => getComputedStyle(e).backdropFilter !== 'none').map((e) => `${e.tagName.toLowerCase()}.${e.className}`));
    expect(filtered).toEqual([]);
    await page.context().close();
  });

  it('groups by date taken: photos uploaded today but taken in 1901 are under their own days, at the end', async () => {
    const page = await signedIn(browser);
    await page.locator('li.tile').first().waitFor({ timeout: 20_000 });
    // Not at the top, where upload order would have put them.
    const top = await page.evaluate(() => [...document.querySelectorAll('li.tile')].map((li) => li.getAttribute('data-photo-id')));
    for (const [id] of OLD) expect(top).not.toContain(id);
    // The scrubber's last month is August 1901; pressing its bottom jumps there.
    const bar = (await page.getByTestId('scrubber').boundingBox())!;
    await page.mouse.click(bar.x + bar.width / 2, bar.y + bar.height - 1);
    await page.locator(`li.tile[data-photo-id="${OLD[2][0]}"]`).waitFor({ timeout: 10_000 });
    const sections = await page.evaluate(() => [...document.querySelectorAll('.month-header, .section-header')].map((h) => [h.className.split(' ')[0], h.getAttribute('data-day') ?? h.textContent]));
    expect(sections.slice(-3)).toEqual([['month-header', 'August 1901'], ['section-header', '1901-08-13'], ['section-header', '1901-08-12']]);
    // Each day's tiles follow its header, newest first, whatever the upload order.
    const order = await page.evaluate(() => [...document.querySelectorAll('li.tile')].map((li) => li.getAttribute('data-photo-id')).slice(-3));
    expect(order).toEqual(OLD.map(([id]) => id));
    expect(Number(await page.getByTestId('scrubber').getAttribute('aria-valuenow'))).toBeGreaterThan(90);
    await page.context().close();
  });

  it('jumps by the scrubber into the middle of the library and shows that month, with its images', async () => {
    const page = await signedIn(browser);
    await page.locator('li.tile').first().waitFor({ timeout: 20_000 });
    const bar = (await page.getByTestId('scrubber').boundingBox())!;
    await page.mouse.click(bar.x + bar.width / 2, bar.y + bar.height * 0.5);
    // Images on screen at the new place: the top's own tiles stay in the DOM until the scroll event
    // has come (a frame later), and counting those read the top's month.
    await page.waitForFunction(() => [...document.querySelectorAll('li.tile img.placeholder')].filter((img) => {
      const r = img.getBoundingClientRect();
      return r.bottom > 0 && r.top < window.innerHeight;
    }).length > 6);
    const state = await page.evaluate(() => {
      // The day whose block holds the top of the page: the last header above it (or the first one).
      const headers = [...document.querySelectorAll('.section-header')];
      const first = headers.filter((h) => h.getBoundingClientRect().top <= 0).at(-1) ?? headers[0];
      return { day: first.getAttribute('data-day')!, label: document.querySelector('[data-testid="scrubber"]')!.getAttribute('aria-valuetext'), y: window.scrollY, height: document.documentElement.scrollHeight };
    });
    // Half way down the grid, the month the scrubber names is the one on screen.
    expect(state.y / state.height).toBeGreaterThan(0.4);
    expect(state.y / state.height).toBeLessThan(0.6);
    const [y, m] = state.day.split('-').map(Number);
    expect(state.label).toBe(new Date(Date.UTC(y, m - 1, 15)).toLocaleDateString(undefined, { month: 'long', year: 'numeric', timeZone: 'UTC' }));
    await page.context().close();
  });

  it('shows images after a scrubber drag on a phone', async () => {
    const page = await signedIn(browser, { width: 390, height: 844 });
    await page.locator('li.tile').first().waitFor({ timeout: 20_000 });
    const bar = (await page.getByTestId('scrubber').boundingBox())!;
    const x = bar.x + bar.width / 2;
    await page.mouse.move(x, bar.y + 2);
    await page.mouse.down();
    for (let i = 0; i <= 40; i++) {
      const f = i <= 20 ? i / 20 : 1 - (i - 20) / 40;
      await page.mouse.move(x, bar.y + 2 + f * (bar.height - 4));
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(r)));
    }
    await page.mouse.up();
    await page.waitForFunction(() => document.querySelectorAll('li.tile img').length >= 9, undefined, { timeout: 10_000 });
    const after = await page.evaluate(() => ({
      visible: [...document.querySelectorAll('li.tile img.placeholder')].filter((img) => {
        const r = img.getBoundingClientRect();
        return r.bottom > 0 && r.top < window.innerHeight;
      }).length,
      nodes: document.getElementsByTagName('*').length,
      frac: window.scrollY / document.documentElement.scrollHeight,
    }));
    expect(after.visible).toBeGreaterThanOrEqual(9);
    expect(after.nodes).toBeGreaterThan(100);
    expect(after.frac).toBeGreaterThan(0.4);
    await page.context().close();
  });

  /**
   * The first tile wholly on screen below the app bar, and where it is. (The bar wraps to two lines on a
   * phone: a tile under it would make Playwright scroll before clicking.)
   */
  const firstTile = (page: Page) => page.evaluate(() => {
    const bar = document.querySelector('.bar')?.getBoundingClientRect().bottom ?? 0;
    for (const li of document.querySelectorAll('li.tile')) {
      const box = li.getBoundingClientRect();
      if (box.top >= bar && box.bottom <= window.innerHeight) return { id: li.getAttribute('data-photo-id')!, top: box.top, y: window.scrollY };
    }
    return null;
  });
  /** Where photo `id`'s tile is now. */
  const tileAt = (page: Page, id: string) => page.evaluate((id) => {
    const li = document.querySelector(`li.tile[data-photo-id="${id}"]`);
    return li ? { id, top: li.getBoundingClientRect().top, y: window.scrollY } : null;
  }, id);

  for (const [name, viewport] of [['desktop', { width: 1280, height: 860 }], ['phone', { width: 390, height: 844 }]] as const) {
    it(`comes back from a photo to the same place, by the app's link and by Back (${name})`, async () => {
      const page = await signedIn(browser, viewport);
      await page.locator('li.tile').first().waitFor({ timeout: 20_000 });
      // Several pages deep: the grid has grown page by page under the user.
      for (let i = 0; i < 14; i++) {
        await page.evaluate(() => window.scrollBy(0, window.innerHeight));
        await page.waitForTimeout(80);
      }
      await page.waitForFunction(() => !document.querySelector('.sentinel')?.textContent?.includes('Loading'));
      // Scrolled a screen at a time, the grid takes no clicks until the scroll has slowed (`.vgrid.fast`):
      // a click before that would make Playwright scroll the tile elsewhere and retry.
      await page.waitForFunction(() => !document.querySelector('.vgrid.fast'));
      const first = await firstTile(page);
      expect(first).not.toBeNull();
      expect(first!.y).toBeGreaterThan(8 * viewport.height);
      for (const back of ['link', 'history'] as const) {
        const link = page.locator(`li.tile[data-photo-id="${first!.id}"] a`);
        // Where the user was when they clicked: measured after Playwright's own checks, which may
        // scroll the page (the place to come back to is where the click happened, not where it was asked).
        await link.click({ trial: true });
        const before = await tileAt(page, first!.id);
        await link.click();
        await page.waitForURL(/\/photos\//);
        await page.getByRole('link', { name: '← Gallery' }).waitFor();
        // Meanwhile another device uploads a photo: it lands at the top and shifts every photo's index.
        const count = await page.evaluate(() => (window as unknown as Darkroom).darkroom.library.total);
        await apiUpload(`elsewhere-${back}.jpg`, Buffer.concat([fixture('photo-noexif-coffee.png'), randomBytes(16)]));
        await page.waitForFunction((n) => (window as unknown as Darkroom).darkroom.library.total > n, count);
        if (back === 'link') await page.getByRole('link', { name: '← Gallery' }).click();
        else await page.goBack();
        await page.locator(`li.tile[data-photo-id="${first!.id}"]`).waitFor();
        await page.waitForTimeout(1500); // past the grid's settling: the place must hold, not only flash by
        const after = await tileAt(page, first!.id);
        expect(after, back).not.toBeNull();
        expect(Math.abs(after!.top - before!.top), `${back}: ${JSON.stringify({ before, after })}`).toBeLessThanOrEqual(2);
      }
      await page.context().close();
    });
  }
});
