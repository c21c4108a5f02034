// Headless Chromium driven by playwright-core: CHROMIUM_PATH, else Debian's, else the one inside the
// @sparticuz/chromium npm package (never a browser downloaded at test time). See chromium.mjs.
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { inject } from 'vitest';
// @ts-expect-error plain ESM helpers shared with the scripts
import { run } from '../../worker/scripts/lib.mjs';
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

/**
 * A signed-in page. The token is entered on the login screen the first time, as a person would.
 * `before` runs on the page before the app loads (to route its sockets, say).
 */
export async function signedIn(
  browser: Browser, viewport = { width: 1280, height: 860 }, opts: { token?: string; before?: (page: Page) => Promise<void> } = {},
): Promise<Page> {
  const context = await browser.newContext({ viewport, colorScheme: 'dark' });
  const page = await context.newPage();
  page.on('pageerror', (err) => console.error('page error:', err.message));
  await opts.before?.(page);
  await page.goto(baseUrl());
  await page.getByLabel('Library token').fill(opts.token ?? token());
  await page.getByRole('button', { name: 'Open library' }).click();
  await page.getByRole('link', { name: 'Gallery' }).waitFor();
  return page;
}

export const fixture = (name: string) => readFileSync(path.join(fixtures, name));

export async function screenshot(page: Page, name: string) {
  await page.screenshot({ path: path.join(outputDir, `${name}.png`), fullPage: false });
}

/** Uploads through the API, as another device of the same library would. */
export async function apiUpload(name: string, bytes = fixture(name), as = token()) {
  const res = await fetch(`${baseUrl()}/api/photos?filename=${encodeURIComponent(name)}`, {
    method: 'PUT', body: bytes, headers: { Authorization: `Bearer ${as}` },
  });
  return (await res.json()) as { photo: { id: string } };
}

/** A JSON request to the API with the library token (POST unless told). */
export async function api(path: string, body?: unknown, method = 'POST', as = token()) {
  const res = await fetch(`${baseUrl()}${path}`, {
    method, body: body === undefined ? undefined : JSON.stringify(body), headers: { Authorization: `Bearer ${as}`, 'Content-Type': 'application/json' },
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return (await res.json()) as any;
}

/** A fixture's bytes made unique, so the upload is new to the library whatever ran before. */
export const freshBytes = (name: string, tag: string) => Buffer.concat([fixture(name), Buffer.from(`${tag}-${Date.now()}-${Math.random()}`)]);

/** Polls the API until a photo has been developed. */
export async function developed(photoId: string, timeoutMs = 120_000, as = token()) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { photo } = await api(`/api/photos/${photoId}`, undefined, 'GET', as);
    if (photo?.status === 'completed') return photo;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${photoId} was not developed within ${timeoutMs} ms`);
}

export const TINY_MODELS = { caption: { id: 'tiny/captioner' }, embedding: { id: 'tiny/clip' }, faces: { id: 'tiny/yunet' } };

/**
 * The analysis job of a photo, claimed as another tab would. Results must come from the library's model
 * set (a setting), so the library is set to the models these tests post. Each client holds at most 8
 * leases and other photos wait too: claim as new clients until this photo's job comes up (it appears
 * once the pipeline has made its variants).
 */
export async function claimFor(photoId: string): Promise<{ photoId: string; lease: string }> {
  const analysis = { modelHost: 'self', caption: TINY_MODELS.caption, embedding: { ...TINY_MODELS.embedding, dims: 4 }, faces: TINY_MODELS.faces };
  const set = await fetch(`${baseUrl()}/api/settings`, {
    method: 'PUT', body: JSON.stringify({ analysis }), headers: { Authorization: `Bearer ${token()}`, 'Content-Type': 'application/json' },
  });
  if (set.status !== 200) throw new Error(`settings: ${set.status} ${await set.text()}`);
  const me = Math.random().toString(36).slice(2, 8);
  for (let round = 0; round < 60; round++) {
    for (let i = 0; i < 10; i++) {
      const claim = await api('/api/analysis/claim', { max: 32, clientId: `e2e-${me}-${round}-${i}`, device: { backend: 'wasm' } });
      const job = claim.jobs.find((j: { photoId: string }) => j.photoId === photoId);
      if (job) return job;
      if (claim.jobs.length === 0) break; // nothing else waiting: the photo is still in the pipeline
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`no analysis job for ${photoId}`);
}

/** SQL run on the e2e server's local D1, as the token CLI does (tokens, seeds). */
export function d1(sql: string) {
  run('wrangler', ['d1', 'execute', 'DB', '--local', '--persist-to', inject('state'), '--command', sql], { stdio: 'ignore' });
}
