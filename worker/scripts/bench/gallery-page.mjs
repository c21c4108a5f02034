// bench:gallery's browser half: one viewport of the gallery in headless Chromium, signed in, over a
// seeded library. First paint, frame times while scrolling top to bottom and while dragging the
// scrubber, long tasks, DOM nodes / <img> / photos held / JS heap at the start and the end.
//
// Frames are not capped at 60 Hz (no vsync, no frame-rate limit: see CHROMIUM_FLAGS below): a frame then
// takes as long as its work, so the interval between two animation frames is what that frame cost, and
// "p95 ≤ 16 ms" means 95 % of frames could have made a 60 Hz display.
// "CPU ms per frame" (chromium-cpu.mjs) is each Chromium thread's CPU time over the scroll: unlike the
// percentiles it does not move with the machine's load.
import { chromiumThreadCpu, cpuPer } from './chromium-cpu.mjs';

/** Flags for frame timing, beside chromium.mjs's. */
export const FRAME_FLAGS = ['--enable-precise-memory-info', '--disable-frame-rate-limit', '--disable-gpu-vsync'];

const pct = (xs, p) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] : NaN);
const ms = (x) => `${x.toFixed(1)} ms`;
const stats = (xs) => `p50 ${ms(pct(xs, 50))}  p95 ${ms(pct(xs, 95))}  p99 ${ms(pct(xs, 99))}  max ${ms(Math.max(...xs, 0))}`;

/**
 * `step(what)` logs progress (BENCH_VERBOSE); `within(promise, s, what)` fails a stalled call by name.
 * → the lines to print.
 */
export async function measureGallery(browser, { name, viewport, scale, base, token, scrollSeconds, step, within }) {
  const context = await browser.newContext({ viewport, deviceScaleFactor: scale, colorScheme: 'dark' });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => {
    step(`page ${m.type()}: ${m.text()}`);
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  page.setDefaultTimeout(60_000);

  step(`${name}: sign in`);
  await page.goto(base);
  await page.getByLabel('Library token').fill(token);
  await page.getByRole('button', { name: 'Open library' }).click();
  await page.locator('li.tile img.placeholder').first().waitFor();

  // First paint of the gallery from a navigation, signed in (token kept): in the page's own clock, from
  // the navigation's start to the first frame with a tile's placeholder decoded on screen.
  step('first paint');
  await page.reload();
  const firstPaint = await (await page.waitForFunction(() => {
    const img = document.querySelector('li.tile img.placeholder');
    return img?.complete && img.naturalWidth > 0 ? performance.now() : 0;
  }, undefined, { polling: 'raf' })).jsonValue();
  const api = await page.evaluate(() => performance.getEntriesByType('resource')
    .filter((e) => e.name.includes('/api/photos'))
    .map((e) => ({ what: new URL(e.name).pathname.endsWith('/timeline') ? 'timeline' : 'page', start: e.startTime, end: e.responseEnd })));

  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  await cdp.send('HeapProfiler.enable');
  const metrics = async () => {
    await cdp.send('HeapProfiler.collectGarbage'); // live objects only: what the page holds on to
    const m = Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((x) => [x.name, x.value]));
    return {
      heap: m.JSHeapUsedSize / 1048576,
      ...(await page.evaluate(() => ({
        dom: document.getElementsByTagName('*').length, imgs: document.images.length, held: window.darkroom.library.held,
      }))),
    };
  };
  const start = await metrics();
  await page.evaluate(() => {
    window.__long = [];
    new PerformanceObserver((list) => window.__long.push(...list.getEntries().map((e) => e.duration))).observe({ type: 'longtask' });
  });

  // Scroll top to bottom, half a screen per frame (a brisk flick, never a jump past unrendered rows).
  step('scroll');
  const cpuBefore = chromiumThreadCpu();
  const scroll = await within(page.evaluate((limitMs) => new Promise((resolve) => {
    const frames = [];
    const began = performance.now();
    let last = began;
    const end = (extra) => resolve({ frames: frames.slice(1), seconds: (last - began) / 1000, y: window.scrollY, height: document.documentElement.scrollHeight, ...extra });
    // Chromium (156, headless, software compositing) stops producing frames after ~4,200 frames of
    // this scroll (~45 s; not at a place: started 1.75M px down it runs on past 2.1M px):
    // requestAnimationFrame never fires again while timers still run. Without this watchdog the run
    // waited forever.
    const watchdog = setInterval(() => {
      if (performance.now() - last > 3000) {
        clearInterval(watchdog);
        end({ stalled: true });
      }
    }, 500);
    const tick = (now) => {
      frames.push(now - last);
      last = now;
      window.scrollBy(0, window.innerHeight * 0.5);
      // The grid spans the whole library from the start (laid out from the day counts).
      const done = window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 2;
      if (done || now - began > limitMs) {
        clearInterval(watchdog);
        end({ reachedEnd: done });
      } else requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }), scrollSeconds * 1000), scrollSeconds + 60, 'the scroll loop');
  const scrollCpu = cpuPer(cpuBefore, chromiumThreadCpu(), scroll.frames.length);
  // Measured before any reload below: the page that scrolled is the one whose growth matters.
  const afterScroll = await metrics();
  const longScroll = await page.evaluate(() => window.__long);
  if (scroll.stalled) {
    // Rendering does not come back on this page: a new document draws again, at the same place.
    await page.reload();
    await page.locator('li.tile img.placeholder').first().waitFor();
    await page.evaluate(() => {
      window.__long = [];
      new PerformanceObserver((list) => window.__long.push(...list.getEntries().map((e) => e.duration))).observe({ type: 'longtask' });
    });
  }

  // Drag the scrubber from its top to its bottom and back, 120 pointer moves, each in its own frame.
  step('scrubber drag');
  const bar = await page.getByTestId('scrubber').boundingBox();
  let drag = [];
  let inPage = [];
  if (bar) {
    const x = bar.x + bar.width / 2;
    await page.mouse.move(x, bar.y + 2);
    await page.mouse.down();
    await page.evaluate(() => {
      window.__frames = [];
      window.__stop = false;
      let last = performance.now();
      const f = (now) => { window.__frames.push(now - last); last = now; if (!window.__stop) requestAnimationFrame(f); };
      requestAnimationFrame(f);
    });
    for (let i = 0; i <= 120; i++) {
      const f = i <= 60 ? i / 60 : (120 - i) / 60;
      await page.mouse.move(x, bar.y + 2 + f * (bar.height - 4));
      await within(page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r()))), 30, 'a frame of the drag');
    }
    drag = await page.evaluate(() => { window.__stop = true; return window.__frames.slice(1); });
    // The same drag with one pointer move per frame sent from the page (the button still down, so the
    // scrubber holds the pointer): frames then run as fast as their work allows, as in the scroll.
    // Through CDP above each move waits for a round trip, and this Chromium runs such frames at ~58 Hz
    // whatever the page does (a blank page's idle rAF loop reads the same 17 ms).
    inPage = await within(page.evaluate(({ x, top, height }) => new Promise((resolve) => {
      const el = document.querySelector('[data-testid="scrubber"]');
      const frames = [];
      let last = performance.now();
      let i = 0;
      const tick = (now) => {
        frames.push(now - last);
        last = now;
        const f = i <= 120 ? i / 120 : (240 - i) / 120;
        el.dispatchEvent(new PointerEvent('pointermove', { clientX: x, clientY: top + 2 + f * (height - 4), pointerId: 1, bubbles: true }));
        if (++i <= 240) requestAnimationFrame(tick);
        else resolve(frames.slice(1));
      };
      requestAnimationFrame(tick);
    }), { x, top: bar.y, height: bar.height }), 60, 'the in-page drag');
    await page.mouse.up();
  }
  // Where the drag let go, the photos load by date and paint.
  step('settle');
  const settled = await page.evaluate(() => performance.now());
  const settle = await (await page.waitForFunction(
    () => (document.querySelector('li.tile img.placeholder') && !document.querySelector('.tile-blank') ? performance.now() : 0),
    undefined, { polling: 'raf', timeout: 30_000 },
  ).catch(() => null))?.jsonValue();
  const long = scroll.stalled ? [...longScroll, ...(await page.evaluate(() => window.__long))] : await page.evaluate(() => window.__long);
  const end = await metrics();
  await context.close();

  const timeline = api.find((a) => a.what === 'timeline');
  const firstPage = api.find((a) => a.what === 'page');
  return [
    `  first paint (navigation → first tile on screen, signed in): ${ms(firstPaint)}` +
      (timeline && firstPage ? `  [timeline ${ms(timeline.start)} → ${ms(timeline.end)}, first page → ${ms(firstPage.end)}]` : ''),
    `  scroll: ${scroll.frames.length} frames in ${scroll.seconds.toFixed(1)} s, ${scroll.reachedEnd ? 'reached the last photo' : scroll.stalled ? 'CHROMIUM STOPPED PRODUCING FRAMES (no rAF for 3 s, timers alive; page reloaded)' : `stopped at ${scrollSeconds} s`} (grid ${Math.round(scroll.height / 1000)}k px, at y=${Math.round(scroll.y)})`,
    `          frame ${stats(scroll.frames)}`,
    `          CPU ms per frame, by Chromium thread: ${scrollCpu}`,
    `  scrubber drag: ${drag.length} frames, ${stats(drag)}  (real mouse through CDP: paced at ~58 Hz)`,
    `  scrubber drag, a pointer move per frame from the page: ${inPage.length} frames, ${stats(inPage)}`,
    `  long tasks (> 50 ms) while scrolling and dragging: ${long.length}${long.length ? `, max ${ms(Math.max(...long))}` : ''}`,
    `  after the drag, every tile on screen painted in ${settle ? ms(settle - settled) : 'more than 30 s'}`,
    `  DOM nodes ${start.dom} → ${afterScroll.dom} → ${end.dom};  <img> ${start.imgs} → ${afterScroll.imgs} → ${end.imgs};  photos held ${start.held} → ${afterScroll.held} → ${end.held};  JS heap ${start.heap.toFixed(1)} → ${afterScroll.heap.toFixed(1)} → ${end.heap.toFixed(1)} MB  (start → after scroll → after drag, settled)`,
    ...(errors.length ? [`  page errors: ${errors.slice(0, 5).join(' | ')}${errors.length > 5 ? ` (+${errors.length - 5})` : ''}`] : []),
  ];
}
