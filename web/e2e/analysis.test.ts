// The analysis tab in headless Chromium: real transformers.js and onnxruntime-web code, loading the
// library's model set (settings.analysis) as generated stand-ins from this darkroom's /models/ route
// (no model hub is reachable here), analysing every developed photo.
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ANALYSIS_SETTINGS } from '../../worker/contract/settings';
import { analysisFinished, putAnalysis, TINY, until, useTinyModels } from './analysis-setup';
import { apiUpload, baseUrl, fixture, launch, screenshot, signedIn } from './browser';

let browser: Browser;
useTinyModels();
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

const solid = (r: number, g: number, b: number, width = 320, height = 240) =>
  sharp({ create: { width, height, channels: 3, background: { r, g, b } } }).png().toBuffer();

/** Grey with a red square where a face would be: the YuNet stand-in fires on red blobs (in BGR input). */
async function redBlob() {
  const blob = await sharp({ create: { width: 80, height: 80, channels: 3, background: { r: 230, g: 20, b: 25 } } }).png().toBuffer();
  return sharp({ create: { width: 400, height: 300, channels: 3, background: { r: 128, g: 128, b: 128 } } }).composite([{ input: blob, left: 150, top: 90 }]).jpeg().toBuffer();
}

async function uploadPending(files: Array<[string, Buffer]>) {
  const ids = [];
  for (const [name, bytes] of files) ids.push((await apiUpload(name, bytes)).photo.id);
  for (const id of ids) await until(id, (p) => p.stages.analysis?.status === 'pending');
  return ids;
}

/** An analysis tab, signed in and started, with its console errors echoed (a failing test says why). */
async function analysisTab(b: Browser, query = 'preset=tiny', prepare?: (page: Page) => Promise<void>) {
  const page = await signedIn(b);
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') console.error('page:', m.text().slice(0, 300));
  });
  page.on('response', async (r) => {
    if (r.status() === 409) console.error('409:', r.url().split('/api/')[1], (await r.text().catch(() => '')).slice(0, 200));
  });
  await prepare?.(page);
  await page.goto(`${baseUrl()}/analysis?${query}`);
  await page.getByRole('button', { name: 'Start' }).click();
  return page;
}

/** The tab's device, or its error: a failing poll then says why. */
const deviceOrError = async (page: Page) =>
  `${await page.getByTestId('device').getAttribute('data-backend')}${(await page.locator('.error').allTextContents()).join(' ')}`;

describe('analysis tab', () => {
  it('analyses every developed photo with the library\'s models, on this device, without leaving localhost', { timeout: 600_000 }, async () => {
    const ids = await uploadPending([
      ['face-obama.jpg', Buffer.concat([fixture('face-obama.jpg'), Buffer.from('analysis-e2e')])],
      ['red.jpg', await sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 220, g: 20, b: 30 } } }).jpeg().toBuffer()],
      ['red-blob.jpg', await redBlob()],
    ]);
    // The app's CSP (web/public/_headers) must allow everything the analysis needs: WASM, blob: workers
    // and imports, model fetches. Violations show up as securitypolicyviolation events and console messages.
    const violations: string[] = [];
    const external: string[] = [];
    const page = await analysisTab(browser, 'preset=tiny', async (p) => {
      p.on('console', (m) => {
        if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
      });
      await p.exposeFunction('__cspViolation', (v: string) => violations.push(v));
      await p.addInitScript(() => {
        document.addEventListener('securitypolicyviolation', (e) => {
          (window as unknown as { __cspViolation(v: string): void }).__cspViolation(`${e.violatedDirective} ${e.blockedURI}`);
        });
      });
      p.context().on('request', (r) => {
        const url = new URL(r.url());
        if ((url.protocol === 'http:' || url.protocol === 'https:' || url.protocol === 'ws:') && url.hostname !== '127.0.0.1') external.push(r.url());
      });
    });
    try {
      await expect.poll(() => deviceOrError(page), { timeout: 240_000 }).toBe('wasm');
      // No WebGPU adapter in this browser: the page says so rather than guessing.
      await expect(page.getByTestId('device-choice').textContent()).resolves.toMatch(/no WebGPU adapter/);
      // The library's models, with their versions, are what the tab shows and runs.
      await expect(page.getByTestId('models').textContent()).resolves.toContain('tiny/face_detection_yunet@2023mar');

      const results = [];
      for (const id of ids) {
        const photo = await until(id, analysisFinished);
        expect(photo.stages.analysis?.status, photo.stages.analysis?.error).toBe('completed');
        // The tiny captioner names the dominant colour; a caption without one means the pixels never got there.
        expect(photo.analysis?.caption).toMatch(/^a photo of a (red|green|blue) thing$/);
        expect(photo.analysis?.embedding).toEqual({ model: 'tiny/clip-vit-base-patch32', dims: 512 });
        expect(photo.analysis?.models).toEqual({
          caption: { id: 'tiny/vit-gpt2-image-captioning' }, embedding: { id: 'tiny/clip-vit-base-patch32' },
          faces: { id: 'tiny/face_detection_yunet', version: '2023mar' }, faceEmbedding: { id: 'tiny/face_recognition_sface', version: '2021dec' },
        });
        expect(photo.analysis?.device?.backend).toBe('wasm');
        expect(photo.analysis?.timings?.totalMs).toBeGreaterThan(0);
        results.push(photo.analysis!);
      }
      const [, red, blob] = results;
      expect(red.caption).toBe('a photo of a red thing');
      expect(red.tags[0].label).toBe('red');
      // The red square is found where it is (BGR input to YuNet) and embedded by SFace at the setting's size.
      expect(blob.faces).toHaveLength(1);
      const [x, y, w, h] = blob.faces[0].box;
      expect(x).toBeCloseTo(150 / 400, 1);
      expect(y).toBeCloseTo(90 / 300, 1);
      expect(w).toBeCloseTo(80 / 400, 1);
      expect(h).toBeCloseTo(80 / 300, 1);
      expect(blob.faces[0].embedding).toEqual({ dims: 128 });
      await expect.poll(async () => Number(await page.getByTestId('analysed').textContent())).toBeGreaterThanOrEqual(3);
      await screenshot(page, 'analysis');
      expect(external).toEqual([]);
      expect(violations).toEqual([]);
    } finally {
      await page.context().close();
    }
  });

  it('loads the default set from the Hugging Face hub; offline, the error names the file and the reason, and Retry tries again', { timeout: 120_000 }, async () => {
    await putAnalysis(DEFAULT_ANALYSIS_SETTINGS);
    const hub: string[] = [];
    const page = await analysisTab(browser, 'device=wasm', async (p) => {
      // The hub is unreachable here anyway; refusing it at the browser makes "offline" exact and fast.
      await p.context().route('https://huggingface.co/**', (route) => {
        hub.push(route.request().url());
        return route.abort('internetdisconnected');
      });
    });
    try {
      const error = page.locator('.error');
      await expect.poll(() => error.textContent(), { timeout: 60_000 }).toMatch(
        /^The models could not be loaded: .*Could not download https:\/\/huggingface\.co\/onnx-community\/Florence-2-base-ft\/resolve\/main\/[\w./-]+: .+Check the connection to the model host \(huggingface\.co\)\. Press Retry to try again\.$/,
      );
      expect(hub[0]).toMatch(/^https:\/\/huggingface\.co\/onnx-community\/Florence-2-base-ft\/resolve\/main\//);
      const tried = hub.length;
      await page.getByRole('button', { name: 'Retry' }).click();
      await expect.poll(() => hub.length, { timeout: 60_000 }).toBeGreaterThan(tried);
    } finally {
      await page.context().close();
      await putAnalysis(TINY);
    }
  });

  it('writes Florence-2 captions, detailed descriptions and the text in photos when the library asks', { timeout: 600_000 }, async () => {
    await putAnalysis({ caption: { id: 'tiny/Florence-2-base-ft' }, detailedDescription: true, ocr: true });
    try {
      const [green] = await uploadPending([['green.png', await solid(30, 200, 40)]]);
      const page = await analysisTab(browser);
      try {
        const photo = await until(green, analysisFinished);
        expect(photo.stages.analysis?.status, photo.stages.analysis?.error).toBe('completed');
        expect(photo.analysis?.caption).toBe('A green photo.');
        expect(photo.analysis?.detailedDescription).toBe('The image shows a green photo. It is mostly green, with a plain background and no other objects.');
        expect(photo.analysis?.ocrText).toBe('GREEN');
        expect(photo.analysis?.models?.caption).toEqual({ id: 'tiny/Florence-2-base-ft' });
        expect(Object.keys(photo.analysis?.timings ?? {})).toEqual(expect.arrayContaining(['captionMs', 'detailedMs', 'ocrMs']));
        // …and the photo page shows them.
        await page.goto(`${baseUrl()}/photos/${green}`);
        await expect.poll(() => page.getByTestId('description').textContent(), { timeout: 30_000 }).toContain('It is mostly green');
        await expect(page.getByTestId('ocr-text').textContent()).resolves.toContain('GREEN');
      } finally {
        await page.context().close();
      }
    } finally {
      await putAnalysis(TINY);
    }
  });

  it('lets a closed tab\'s jobs expire and another tab finish them', { timeout: 900_000 }, async () => {
    const ids = await uploadPending(await Promise.all(Array.from({ length: 6 }, async (_, i): Promise<[string, Buffer]> => [`red-${i}.png`, await solid(200 + i, 10, 10)])));
    // Each tab is its own client (clientId), so leases are capped per tab: a closed tab's leases do not
    // count against the next one, and one library's tabs never starve each other.
    const clients: string[] = [];
    const watch = async (page: Page) => page.on('request', (r) => {
      if (r.url().endsWith('/api/analysis/claim')) clients.push((r.postDataJSON() as { clientId?: string }).clientId ?? '(none)');
    });
    const first = await analysisTab(browser, 'preset=tiny', watch);
    try {
      await expect.poll(async () => Number(await first.getByTestId('analysed').textContent()), { timeout: 240_000, interval: 50 }).toBeGreaterThanOrEqual(1);
    } finally {
      await first.context().close(); // mid-job: the loop always holds a lease while running
    }
    const second = await analysisTab(browser, 'preset=tiny', watch);
    try {
      const done = await Promise.all(ids.map((id) => until(id, (p) => p.stages.analysis?.status === 'completed', 480_000)));
      // At least one job was leased by the closed tab, expired, and was leased again.
      expect(Math.max(...done.map((p) => p.stages.analysis!.attempts))).toBeGreaterThanOrEqual(2);
      expect(new Set(clients).size).toBe(2);
      for (const id of clients) expect(id).toMatch(/^[A-Za-z0-9_-]{16,64}$/);
    } finally {
      await second.context().close();
    }
  });

  it('runs on WebGPU (SwiftShader in headless Chromium), and measures WebGPU against WASM to choose', { timeout: 900_000 }, async () => {
    const gpuBrowser = await launch(['--enable-unsafe-webgpu']);
    try {
      const [blue] = await uploadPending([['blue.png', await solid(10, 10, 230)]]);
      const page = await analysisTab(gpuBrowser, 'device=webgpu');
      try {
        await expect.poll(() => deviceOrError(page), { timeout: 300_000 }).toBe('webgpu');
        const done = await until(blue, analysisFinished, 300_000);
        expect(done.stages.analysis?.error).toBeUndefined();
        expect(done.analysis?.caption).toBe('a photo of a blue thing');
        expect(done.analysis?.device?.backend).toBe('webgpu');
      } finally {
        await page.context().close();
      }
      // Left to choose, the tab times the library's embedder on both devices and takes the faster.
      const auto = await analysisTab(gpuBrowser);
      try {
        await expect.poll(async () => (await auto.getByTestId('device-choice').textContent().catch(() => '')) ?? '', { timeout: 300_000 })
          .toMatch(/^Measured per image: WebGPU \(google swiftshader\) \d+ ms, WebAssembly \d+ ms\.$/);
        const [, webgpuMs, wasmMs] = (await auto.getByTestId('device-choice').textContent())!.match(/(\d+) ms, WebAssembly (\d+) ms/)!.map(Number);
        await expect.poll(() => deviceOrError(auto), { timeout: 300_000 }).toBe(webgpuMs < wasmMs ? 'webgpu' : 'wasm');
      } finally {
        await auto.context().close();
      }
    } finally {
      await gpuBrowser.close();
    }
  });
});
