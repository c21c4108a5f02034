// Headless Chromium driven by playwright-core: CHROMIUM_PATH, else Debian's, else the one inside the
// @sparticuz/chromium npm package (never a browser downloaded at test time). See chromium.mjs.
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { inject } from 'vitest';
// @ts-expect-error plain ESM helper shared with the benchmark scripts
import { CHROMIUM_ARGS, chromiumExecutable } from './chromium.mjs';

export const root = path.resolve(import.meta.dirname, '../..');
export const fixtures = path.join(root, 'worker/test/fixtures/photos');
export const outputDir = path.join(root, 'test-output');
mkdirSync(outputDir, { recursive: true });

export const baseUrl = () => inject('baseUrl');
export const token = () => inject('token');

let announced = false;

export async function launch(extraArgs: string[] = []): Promise<Browser> {
  const { path: executablePath, source } = chromiumExecutable() as { path: string; source: string };
  const browser = await chromium.launch({ executablePath, headless: true, args: [...CHROMIUM_ARGS, ...extraArgs] });
  if (!announced) {
    announced = true;
    console.log(`e2e browser: Chromium ${browser.version()} (${source}: ${executablePath})`);
  }
  return browser;
}

/** A signed-in page. The token is entered on the login screen the first time, as a person would. */
export async function signedIn(browser: Browser, viewport = { width: 1280, height: 860 }): Promise<Page> {
  const context = await browser.newContext({ viewport, colorScheme: 'dark' });
  const page = await context.newPage();
  page.on('pageerror', (err) => console.error('page error:', err.message));
  await page.goto(baseUrl());
  await page.getByLabel('Library token').fill(token());
  await page.getByRole('button', { name: 'Open library' }).click();
  await page.getByRole('link', { name: 'Gallery' }).waitFor();
  return page;
}

export const fixture = (name: string) => readFileSync(path.join(fixtures, name));

export async function screenshot(page: Page, name: string) {
  await page.screenshot({ path: path.join(outputDir, `${name}.png`), fullPage: false });
}

/** Uploads through the API, as another device of the same library would. */
export async function apiUpload(name: string, bytes = fixture(name)) {
  const res = await fetch(`${baseUrl()}/api/photos?filename=${encodeURIComponent(name)}`, {
    method: 'PUT', body: bytes, headers: { Authorization: `Bearer ${token()}` },
  });
  return (await res.json()) as { photo: { id: string } };
}

/** A JSON POST to the API with the library token. */
export async function api(path: string, body: unknown) {
  const res = await fetch(`${baseUrl()}${path}`, {
    method: 'POST', body: JSON.stringify(body), headers: { Authorization: `Bearer ${token()}`, 'Content-Type': 'application/json' },
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return (await res.json()) as any;
}
