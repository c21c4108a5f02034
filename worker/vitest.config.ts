// Worker tests run inside workerd with real miniflare R2, D1 and Queues (no mocks).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';

const root = path.resolve(import.meta.dirname, '..');
const fixtures = path.join(import.meta.dirname, 'test/fixtures');

export default defineConfig(async () => ({
  plugins: [
    cloudflareTest({
      main: path.join(root, 'worker/index.ts'),
      wrangler: { configPath: path.join(root, 'wrangler.toml') },
      miniflare: {
        bindings: {
          TEST_MIGRATIONS: await readD1Migrations(path.join(root, 'migrations')),
          API_TOKEN: 'test-token-default-library',
          MEDIA_KEY: 'test-media-key-0123456789abcdef',
        },
        // Tests read fixture files from disk through this binding: workerd has no filesystem.
        serviceBindings: {
          FIXTURES: async (request: Request) => {
            const name = decodeURIComponent(new URL(request.url).pathname.slice(1));
            const file = path.resolve(fixtures, name);
            if (!file.startsWith(fixtures + path.sep)) return new Response('outside fixtures', { status: 400 });
            try {
              return new Response(await readFile(file));
            } catch {
              return new Response(`no fixture ${name}`, { status: 404 });
            }
          },
        },
      },
    }),
  ],
  test: {
    include: ['worker/**/*.test.ts'],
    setupFiles: [path.join(import.meta.dirname, 'test/setup.ts')],
    // Generous: a 12 MP HEIC goes through libheif WASM in the isolate (10 s alone, 30 s+ on a busy 2-core box).
    testTimeout: 90_000,
    // Console output goes straight to workerd's stdout instead of through vitest's onUserConsoleLog RPC.
    // @cloudflare/vitest-plugin buffers a log made from another I/O context (our queue consumer, a
    // waitUntil, the feed Durable Object) until the runner's next message; when one lands after a file's
    // last task update there is no next message, vitest waits for its reply forever and the whole run
    // stalls with no output (workers-sdk#15498, #15719; it stalled CI for 90 minutes). The cost is the
    // per-test "stdout | file > test" header above each line.
    disableConsoleIntercept: true,
  },
}));
