// End to end in Chromium: the settings page shows the API's validation message beside the field, and
// the processing dashboard at 1280 px (labelled throughput chart, a stage table that fits) says why a
// damaged file has no Retry.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiUpload, launch, screenshot, signedIn } from './browser';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

describe('settings and dashboard', () => {
  it('shows the API’s validation message beside the field, and saves a valid change', async () => {
    const page = await signedIn(browser);
    await page.getByRole('navigation').getByRole('link', { name: 'Settings' }).click();
    const batch = page.getByLabel('Photos per batch');
    await batch.waitFor();
    const before = await batch.inputValue();
    await batch.fill('0');
    await page.getByRole('button', { name: 'Save' }).click();
    const problem = page.getByTestId('error-batchSize');
    await expect.poll(() => problem.textContent(), { timeout: 10_000 }).toMatch(/1/);
    expect(await batch.getAttribute('aria-invalid')).toBe('true');
    await screenshot(page, 'settings-invalid');

    await batch.fill(before);
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Saved.' }).count(), { timeout: 10_000 }).toBe(1);
    expect(await problem.count()).toBe(0);
    await page.context().close();
  });

  it('says why a damaged file cannot be retried, and lays out at 1280 px', async () => {
    const { photo } = await apiUpload('bad-truncated.jpg');
    expect(photo.id).toBeTruthy();
    const page = await signedIn(browser);
    await page.getByRole('link', { name: 'Processing' }).click();
    const failure = page.getByTestId('failures').locator('li', { hasText: 'bad-truncated.jpg' }).first();
    await expect.poll(() => failure.count(), { timeout: 30_000 }).toBe(1);
    await expect.poll(() => failure.getByTestId('not-retryable').textContent(), { timeout: 10_000 }).toContain('retrying cannot help');
    expect(await failure.getByRole('button', { name: 'Retry' }).count()).toBe(0);

    // The stage table fits its panel (no horizontal overflow) on a 1280 px screen, and the chart has axes.
    const table = page.locator('table.stages');
    const overflow = await table.evaluate((t) => t.scrollWidth - (t.parentElement as HTMLElement).clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    expect(await page.getByTestId('throughput-chart').locator('text').allTextContents()).toEqual(expect.arrayContaining(['0', 'now', '−30 min']));
    await screenshot(page, 'dashboard-1280');
    await page.context().close();
  });
});
