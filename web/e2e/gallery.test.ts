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
import { gallerySeedSql } from '../../worker/scripts/bench/gallery-seed.mjs';
import { apiUpload, fixture, launch, signedIn } from './browser';

const COUNT = 1000;
type Darkroom = { darkroom: { library: { photos: unknown[] } } };
let browser: Browser;
beforeAll(async () => {
  const state = inject('state');
  const file = path.join(state, 'gallery-seed.sql');
  writeFileSync(file, gallerySeedSql(COUNT, { prefix: 'g' }));
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
    for (let step = 0; step < 400; step++) {
      const s = await page.evaluate(() => {
        window.scrollBy(0, window.innerHeight * 0.8);
        return new Promise<{ ids: string[]; imgs: number; end: boolean }>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve({
          ids: [...document.querySelectorAll('li.tile')].map((li) => li.getAttribute('data-photo-id')!),
          imgs: document.querySelectorAll('img').length,
          end: window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 2,
        }))));
      });
      for (const id of s.ids) seen.add(id);
      maxImgs = Math.max(maxImgs, s.imgs);
      maxTiles = Math.max(maxTiles, s.ids.length);
      if (s.end) {
        // At the bottom: either the next page is on its way or everything is loaded.
        const more = await page.locator('.sentinel').textContent();
        if (!more?.includes('Loading') && seen.size >= COUNT) break;
        await page.waitForTimeout(100);
      }
    }
    expect(seen.size).toBeGreaterThanOrEqual(COUNT);
    // 1280×860: 6 columns, ~4.6 rows per screen, plus 600 px of overscan either side ≈ 12 rows.
    expect(maxTiles).toBeLessThanOrEqual(120);
    expect(maxImgs).toBeLessThanOrEqual(2 * 120 + 10);
    // Every seeded tile paints its ThumbHash placeholder.
    expect(await page.locator('li.tile img.placeholder').count()).toBeGreaterThan(0);

    await page.context().close();
  });

  /** The first tile wholly on screen below the app bar, and where it is. */
  const firstTile = (page: Page) => page.evaluate(() => {
    for (const li of document.querySelectorAll('li.tile')) {
      const box = li.getBoundingClientRect();
      if (box.top >= 80 && box.bottom <= window.innerHeight) return { id: li.getAttribute('data-photo-id')!, top: box.top, y: window.scrollY };
    }
    return null;
  });

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
      const before = await firstTile(page);
      expect(before).not.toBeNull();
      expect(before!.y).toBeGreaterThan(8 * viewport.height);
      for (const back of ['link', 'history'] as const) {
        await page.locator(`li.tile[data-photo-id="${before!.id}"] a`).click();
        await page.waitForURL(/\/photos\//);
        await page.getByRole('link', { name: '← Gallery' }).waitFor();
        // Meanwhile another device uploads a photo: it lands at the top and shifts every photo's index.
        const count = await page.evaluate(() => (window as unknown as Darkroom).darkroom.library.photos.length);
        await apiUpload(`elsewhere-${back}.jpg`, Buffer.concat([fixture('photo-kodak-gps-south.jpg'), randomBytes(16)]));
        await page.waitForFunction((n) => (window as unknown as Darkroom).darkroom.library.photos.length > n, count);
        if (back === 'link') await page.getByRole('link', { name: '← Gallery' }).click();
        else await page.goBack();
        await page.locator(`li.tile[data-photo-id="${before!.id}"]`).waitFor();
        await page.waitForTimeout(1500); // past the grid's settling: the place must hold, not only flash by
        const after = await page.evaluate((id) => {
          const li = document.querySelector(`li.tile[data-photo-id="${id}"]`);
          return li ? { top: li.getBoundingClientRect().top, y: window.scrollY } : null;
        }, before!.id);
        expect(after, back).not.toBeNull();
        expect(Math.abs(after!.top - before!.top), `${back}: ${JSON.stringify({ before, after })}`).toBeLessThanOrEqual(2);
      }
      await page.context().close();
    });
  }
});
