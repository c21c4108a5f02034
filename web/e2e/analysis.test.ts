// The analysis tab in Debian's Chromium: real transformers.js and onnxruntime-web code, loading the
// generated tiny models from this darkroom's /models/ route, analysing every developed photo.
import type { Browser } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Photo } from '../../worker/contract/photo';
import { apiUpload, baseUrl, fixture, launch, screenshot, signedIn, token } from './browser';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
  // The library's model set is a setting; results of other models are refused. These are the ids the
  // tab's tiny preset posts (no revision: self-hosted folders).
  const analysis = {
    modelHost: 'self', caption: { id: 'tiny/vit-gpt2-image-captioning' }, embedding: { id: 'tiny/clip-vit-base-patch32', dims: 512 },
    faces: { id: 'tiny/face' }, faceEmbedding: { id: 'tiny/face', dims: 512 },
  };
  const res = await fetch(`${baseUrl()}/api/settings`, {
    method: 'PUT', body: JSON.stringify({ analysis }), headers: { Authorization: `Bearer ${token()}`, 'Content-Type': 'application/json' },
  });
  if (!res.ok) throw new Error(`settings: ${res.status} ${await res.text()}`);
});
afterAll(async () => {
  await browser?.close();
});

async function getPhoto(id: string): Promise<Photo> {
  const res = await fetch(`${baseUrl()}/api/photos/${id}`, { headers: { Authorization: `Bearer ${token()}` } });
  return ((await res.json()) as { photo: Photo }).photo;
}

async function until(id: string, done: (p: Photo) => boolean, timeout = 60_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const p = await getPhoto(id);
    if (done(p)) return p;
    if (Date.now() > deadline) throw new Error(`timeout: ${JSON.stringify(p.stages)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('analysis tab', () => {
  it('captions, tags, embeds and finds faces in every developed photo, on this device, without leaving localhost', async () => {
    // A real photo, and a red one whose results the tiny models make predictable: they caption and tag
    // by dominant colour, and their face detector fires on strongly red patches.
    const red = await sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 220, g: 20, b: 30 } } }).jpeg().toBuffer();
    const ids = [(await apiUpload('face-obama.jpg', Buffer.concat([fixture('face-obama.jpg'), Buffer.from('analysis-e2e')]))).photo.id];
    ids.push((await apiUpload('red.jpg', red)).photo.id);
    for (const id of ids) await until(id, (p) => p.stages.analysis?.status === 'pending');

    const page = await signedIn(browser);
    // The app's CSP (web/public/_headers) must allow everything the analysis needs: WASM, blob: workers,
    // model fetches. Violations show up as securitypolicyviolation events and console messages.
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) {
        violations.push(m.text());
        console.error('CSP:', m.text());
      }
    });
    await page.exposeFunction('__cspViolation', (v: string) => {
      violations.push(v);
      console.error('CSP violation:', v);
    });
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        (window as unknown as { __cspViolation(v: string): void }).__cspViolation(`${e.violatedDirective} ${e.blockedURI}`);
      });
    });
    const external: string[] = [];
    page.context().on('request', (r) => {
      const url = new URL(r.url());
      if ((url.protocol === 'http:' || url.protocol === 'https:' || url.protocol === 'ws:') && url.hostname !== '127.0.0.1') external.push(r.url());
    });
    await page.goto(`${baseUrl()}/analysis?preset=tiny`);
    await page.getByRole('button', { name: 'Start' }).click();
    await expect.poll(() => page.getByTestId('device').textContent(), { timeout: 60_000 }).toMatch(/WebAssembly/);

    const results = [];
    for (const id of ids) {
      const photo = await until(id, (p) => p.stages.analysis?.status === 'completed' || p.stages.analysis?.status === 'failed', 90_000);
      expect(photo.stages.analysis?.status, photo.stages.analysis?.error).toBe('completed');
      // The tiny captioner names the dominant colour; a caption without one means the pixels never got there.
      expect(photo.analysis?.caption).toMatch(/^a photo of a (red|green|blue|yellow|orange|purple|white|black) thing$/);
      expect(photo.analysis?.embedding).toEqual({ model: 'tiny/clip-vit-base-patch32', dims: 512 });
      expect(photo.analysis?.device?.backend).toBe('wasm');
      expect(photo.analysis?.timings?.totalMs).toBeGreaterThan(0);
      results.push(photo.analysis!);
    }
    const [, redResult] = results;
    expect(redResult.caption).toBe('a photo of a red thing');
    expect(redResult.tags[0].label).toBe('red');
    expect(redResult.faces.length).toBeGreaterThan(0);
    expect(redResult.faces[0].embedding).toEqual({ dims: 512 });
    await expect.poll(async () => Number(await page.getByTestId('analysed').textContent())).toBeGreaterThanOrEqual(2);
    await screenshot(page, 'analysis');
    expect(external).toEqual([]);
    expect(violations).toEqual([]);
    await page.context().close();
  });

  it('lets a closed tab\'s jobs expire and another tab finish them', async () => {
    const ids = [];
    for (let i = 0; i < 6; i++) {
      const red = await sharp({ create: { width: 320, height: 240, channels: 3, background: { r: 200 + i, g: 10, b: 10 } } }).png().toBuffer();
      ids.push((await apiUpload(`red-${i}.png`, red)).photo.id);
    }
    for (const id of ids) await until(id, (p) => p.stages.analysis?.status === 'pending');

    const first = await signedIn(browser);
    await first.goto(`${baseUrl()}/analysis?preset=tiny`);
    await first.getByRole('button', { name: 'Start' }).click();
    await expect.poll(async () => Number(await first.getByTestId('analysed').textContent()), { timeout: 60_000, interval: 50 }).toBeGreaterThanOrEqual(1);
    await first.context().close(); // mid-job: the loop always holds a lease while running

    const second = await signedIn(browser);
    await second.goto(`${baseUrl()}/analysis?preset=tiny`);
    await second.getByRole('button', { name: 'Start' }).click();
    const done = await Promise.all(ids.map((id) => until(id, (p) => p.stages.analysis?.status === 'completed', 90_000)));
    // At least one job was leased by the closed tab, expired, and was leased again.
    expect(Math.max(...done.map((p) => p.stages.analysis!.attempts))).toBeGreaterThanOrEqual(2);
    await second.context().close();
  });

  it('runs on WebGPU too (SwiftShader in headless Chromium)', { timeout: 300_000 }, async () => {
    const gpuBrowser = await launch(['--enable-unsafe-webgpu']);
    try {
      const red = await sharp({ create: { width: 320, height: 240, channels: 3, background: { r: 10, g: 10, b: 230 } } }).png().toBuffer();
      const { photo } = await apiUpload('blue.png', red);
      await until(photo.id, (p) => p.stages.analysis?.status === 'pending');
      const page = await signedIn(gpuBrowser);
      await page.goto(`${baseUrl()}/analysis?preset=tiny&device=webgpu`);
      await page.getByRole('button', { name: 'Start' }).click();
      // The error text, if any, makes a failure say why.
      await expect
        .poll(async () => `${await page.getByTestId('device').getAttribute('data-backend')}${(await page.locator('.error').allTextContents()).join(' ')}`, { timeout: 120_000 })
        .toBe('webgpu');
      const done = await until(photo.id, (p) => p.stages.analysis?.status === 'completed' || p.stages.analysis?.status === 'failed', 120_000);
      expect(done.stages.analysis?.error).toBeUndefined();
      expect(done.analysis?.caption).toBe('a photo of a blue thing');
      expect(done.analysis?.device?.backend).toBe('webgpu');
      await page.context().close();
    } finally {
      await gpuBrowser.close();
    }
  });
});
