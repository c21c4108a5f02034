// The virtual grid in Chromium: 1,000 photos seeded straight into D1, scrolled top to bottom. The DOM
// must hold a bounded number of tiles and images however far the user scrolls.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
// @ts-expect-error plain ESM helpers shared with the scripts
import { run } from '../../worker/scripts/lib.mjs';
// @ts-expect-error plain ESM helper shared with the benchmarks
import { gallerySeedSql } from '../../worker/scripts/bench/gallery-seed.mjs';
import { launch, signedIn } from './browser';

const COUNT = 1000;
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
});
