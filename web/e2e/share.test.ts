// Security review H1: the Web Share Target must never upload what the user has not confirmed, and a
// page on another origin that POSTs a form to /share must get nothing into the queue at all.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseUrl, fixture, launch, signedIn, token } from './browser';

let browser: Browser;
let attacker: Server;
let attackerUrl: string;

// The attacker's page: builds a real File in the browser and submits it to the app's /share.
const attackPage = (target: string) => `<!doctype html><meta charset="utf-8"><title>cute cats</title>
<form id="f" method="post" enctype="multipart/form-data" action="${target}/share"><input type="file" name="file" id="i"></form>
<script>
  const bytes = Uint8Array.from(atob('${fixture('photo-kodak-gps-south.jpg').toString('base64')}'), (c) => c.charCodeAt(0));
  const dt = new DataTransfer();
  dt.items.add(new File([bytes, new TextEncoder().encode('planted')], 'planted.jpg', { type: 'image/jpeg' }));
  document.getElementById('i').files = dt.files;
  document.getElementById('f').submit();
</script>`;

beforeAll(async () => {
  browser = await launch();
  // Another origin on loopback only (127.0.0.2): never reachable from outside this machine.
  attacker = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(attackPage(baseUrl()));
  });
  await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.2', resolve));
  attackerUrl = `http://127.0.0.2:${(attacker.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => attacker?.close(resolve));
});

const entry = (page: Page, name: string) => page.locator(`.entry[data-name="${name}"]`);

async function libraryHas(name: string): Promise<boolean> {
  const res = await fetch(`${baseUrl()}/api/photos?limit=200`, { headers: { Authorization: `Bearer ${token()}` } });
  const { photos } = (await res.json()) as { photos: Array<{ filename: string }> };
  return photos.some((p) => p.filename === name);
}

async function withServiceWorker(page: Page) {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller), { timeout: 15_000 }).toBe(true);
}

function countPuts(page: Page) {
  const puts: string[] = [];
  page.context().on('request', (r) => {
    if (r.method() === 'PUT' || (r.method() === 'POST' && r.url().includes('/api/uploads'))) puts.push(r.url());
  });
  return puts;
}

describe('share target', () => {
  it('refuses a cross-origin form POST to /share, and nothing is uploaded', async () => {
    const page = await signedIn(browser);
    await withServiceWorker(page);
    const puts = countPuts(page);

    const evil = await page.context().newPage();
    const share = evil.waitForResponse((r) => r.url() === `${baseUrl()}/share`);
    await evil.goto(attackerUrl);
    const response = await share;
    expect(response.status()).toBe(403);
    expect(await response.text()).toMatch(/refused this share/);

    // The next visit to the app, as in the review's reproduction: nothing shared, nothing sent.
    await page.goto(`${baseUrl()}/upload?shared=1`);
    await page.getByRole('heading', { name: 'Upload' }).waitFor();
    await page.waitForTimeout(3000);
    expect(await entry(page, 'planted.jpg').count()).toBe(0);
    expect(puts).toEqual([]);
    expect(await libraryHas('planted.jpg')).toBe(false);
    await page.context().close();
  });

  it('holds a same-origin share as "shared — confirm to upload" until Confirm, and Discard drops it', async () => {
    const page = await signedIn(browser);
    await withServiceWorker(page);
    const puts = countPuts(page);
    const kodak = fixture('photo-kodak-gps-south.jpg').toString('base64');
    // What the OS share sheet does: a multipart POST of the files to /share, handled by the service worker.
    const status = await page.evaluate(async (b64) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const form = new FormData();
      form.append('file', new File([bytes, new TextEncoder().encode('mine')], 'shared-mine.jpg', { type: 'image/jpeg' }));
      form.append('file', new File([bytes, new TextEncoder().encode('unwanted')], 'shared-unwanted.jpg', { type: 'image/jpeg' }));
      const res = await fetch('/share', { method: 'POST', body: form, redirect: 'manual' });
      return res.type === 'opaqueredirect' ? 303 : res.status;
    }, kodak);
    expect(status).toBe(303);

    await page.goto(`${baseUrl()}/upload?shared=2`);
    for (const n of ['shared-mine.jpg', 'shared-unwanted.jpg']) {
      await expect.poll(() => entry(page, n).locator('.state').textContent(), { timeout: 15_000 }).toBe('Shared — confirm to upload');
    }
    await page.waitForTimeout(2000);
    expect(puts).toEqual([]);

    await page.getByRole('button', { name: 'Discard shared-unwanted.jpg' }).click();
    await page.getByRole('button', { name: 'Confirm shared-mine.jpg' }).click();
    await expect.poll(() => entry(page, 'shared-mine.jpg').locator('.state').textContent(), { timeout: 30_000 }).toBe('Uploaded');
    expect(await entry(page, 'shared-unwanted.jpg').count()).toBe(0);
    expect(puts).toHaveLength(1);
    expect(await libraryHas('shared-mine.jpg')).toBe(true);
    expect(await libraryHas('shared-unwanted.jpg')).toBe(false);
    await page.context().close();
  });
});

describe('service worker', () => {
  it('leaves the API to the network: uploads, thumbnails and the feed never wait on its thread', async () => {
    const page = await signedIn(browser);
    await withServiceWorker(page);
    await page.reload(); // now loaded under the worker's control
    await page.getByRole('link', { name: 'Gallery' }).waitFor();
    // A resource entry is added when its response ends, which may be after the nav is drawn.
    await page.waitForFunction(() => performance.getEntriesByType('resource').some((e) => new URL(e.name).pathname.startsWith('/api/')));
    // Resource Timing names the static route a request took ('network'), or '' for the fetch handler.
    const sources = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => {
      const t = e as PerformanceResourceTiming & { workerMatchedSourceType?: string };
      return [new URL(t.name).pathname, t.workerMatchedSourceType] as const;
    }));
    const api = sources.filter(([p]) => p.startsWith('/api/'));
    expect(api.length).toBeGreaterThan(0);
    for (const [p, source] of api) expect(source, p).toBe('network');
    // The app shell still comes through the worker (precached, offline).
    expect(sources.find(([p]) => p.startsWith('/assets/'))?.[1]).toBe('');
    await page.context().close();
  });
});

describe('content security policy (review L1)', () => {
  it('is sent with the app, on every route the browser may open first', async () => {
    for (const path of ['/', '/upload', '/photos/abc', '/index.html']) {
      const res = await fetch(`${baseUrl()}${path}`);
      expect(res.status, path).toBe(200);
      const csp = res.headers.get('Content-Security-Policy') ?? '';
      expect(csp, path).toContain("default-src 'self'");
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).toContain("script-src 'self' 'wasm-unsafe-eval'");
      expect(csp, path).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    }
  });
});

