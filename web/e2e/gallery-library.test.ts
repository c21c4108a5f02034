// The gallery and search over a library larger than what the page holds: 1,000 photos seeded straight
// into D1 in a library of their own (so its search index is built from D1, with all of them, whatever
// ran before). Select all selects the whole library, not the photos loaded around the screen, and the
// export reads all of it; search results, page after page, stay a virtual grid.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
// @ts-expect-error plain ESM helpers shared with the scripts
import { run } from '../../worker/scripts/lib.mjs';
// @ts-expect-error plain ESM helper shared with the benchmarks
import { gallerySeedSql } from '../../worker/scripts/bench/gallery-seed.mjs';
// @ts-expect-error plain ESM helper shared with the token CLI
import { createTokenSql, hashToken } from '../../worker/scripts/token-sql.mjs';
import { baseUrl, launch, signedIn } from './browser';

const COUNT = 1000;
const LIBRARY = 'e2e-gallery-all';
const TOKEN = 'e2e-gallery-all-token-0123456789';
type Darkroom = { darkroom: { library: { held: number; total: number } } };

let browser: Browser;
beforeAll(async () => {
  const state = inject('state');
  const file = path.join(state, 'gallery-library-seed.sql');
  const sql = [
    gallerySeedSql(COUNT, { library: LIBRARY, prefix: 'e' }),
    `${createTokenSql({ tokenHash: await hashToken(TOKEN), libraryId: LIBRARY, label: 'e2e', now: Date.now() })};`,
  ];
  writeFileSync(file, sql.join('\n'));
  run('wrangler', ['d1', 'execute', 'DB', '--local', '--persist-to', state, '--file', file], { stdio: 'ignore' });
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

describe('a library larger than the page holds', () => {
  it('selects the whole library with Select all, less what is unselected, and exports all of it', async () => {
    const page = await signedIn(browser, undefined, { token: TOKEN });
    await page.locator('li.tile').first().waitFor({ timeout: 20_000 });
    await page.getByRole('button', { name: 'Select all' }).click();
    await expect.poll(() => page.getByTestId('selected-count').textContent()).toBe('1,000 selected');
    // Far fewer are loaded: the selection is not the window's photos.
    expect(await page.evaluate(() => (window as unknown as Darkroom).darkroom.library.held)).toBeLessThan(COUNT);
    // Unselecting one on screen takes it out of "all".
    const first = page.locator('li.tile').first();
    const out = (await first.getAttribute('data-photo-id'))!;
    await first.hover();
    await first.locator('.tile-select').click();
    await expect.poll(() => page.getByTestId('selected-count').textContent()).toBe('999 selected');
    expect(await first.locator('.tile-select').getAttribute('aria-pressed')).toBe('false');

    await page.getByRole('button', { name: 'Export…' }).click();
    await page.getByRole('heading', { name: 'Export 999 photos' }).waitFor();
    await page.getByRole('button', { name: 'Export ZIP' }).click();
    // The export read every selected photo from the server, page by page, not only the loaded ones.
    await expect.poll(() => page.getByTestId('export-progress').textContent(), { timeout: 30_000 }).toMatch(/of 999 photos/);
    // Its list holds only the rows in view; scrolled through, it names each of them.
    expect(await page.locator('.export-panel .items li').count()).toBeLessThanOrEqual(30);
    const listed = await page.locator('.export-panel .items').evaluate(async (list) => {
      const ids = new Set<string>();
      for (let top = 0; top <= list.scrollHeight; top += Math.max(24, list.clientHeight / 2)) {
        list.scrollTop = top;
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        for (const li of list.querySelectorAll('li')) ids.add(li.getAttribute('data-photo-id')!);
      }
      return [...ids];
    });
    expect(listed).toHaveLength(999);
    expect(listed).not.toContain(out);
    await page.context().close();
  });

  it('keeps search results a virtual grid however many pages are loaded', async () => {
    const page = await signedIn(browser, undefined, { token: TOKEN });
    await page.goto(`${baseUrl()}/search?type=image`);
    await page.locator('li.tile').first().waitFor({ timeout: 30_000 });
    const seen = new Set<string>();
    let maxTiles = 0;
    for (let i = 0; i < 80 && seen.size < 500; i++) {
      const s = await page.evaluate(async () => {
        window.scrollTo(0, document.documentElement.scrollHeight);
        await new Promise((r) => setTimeout(r, 150));
        return [...document.querySelectorAll('[aria-label^="Search results"] li.tile')].map((li) => li.getAttribute('data-photo-id')!);
      });
      for (const id of s) seen.add(id);
      maxTiles = Math.max(maxTiles, s.length);
    }
    expect(seen.size).toBeGreaterThanOrEqual(500);
    // 1280×860: 6 columns, about 4.6 rows a screen plus 600 px of overscan either side, headers between days.
    expect(maxTiles).toBeLessThanOrEqual(130);
    await page.context().close();
  });
});
