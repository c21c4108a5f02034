// Headless Chromium from Debian, driven by playwright-core (never a downloaded browser).
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { inject } from 'vitest';

export const root = path.resolve(import.meta.dirname, '../..');
export const fixtures = path.join(root, 'worker/test/fixtures/photos');
export const outputDir = path.join(root, 'test-output');
mkdirSync(outputDir, { recursive: true });

export const baseUrl = () => inject('baseUrl');
export const token = () => inject('token');

export function launch(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', ...extraArgs],
  });
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
