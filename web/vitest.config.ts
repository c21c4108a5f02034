// Web tests: unit tests of the .svelte.ts models in Node, and end-to-end tests that drive Debian's
// Chromium (playwright-core) against the real app served by `wrangler dev`.
import path from 'node:path';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

const root = path.resolve(import.meta.dirname, '..');

export default defineConfig({
  root,
  test: {
    projects: [
      {
        plugins: [svelte()],
        resolve: { conditions: ['browser'] },
        test: { name: 'web', root, include: ['web/src/**/*.test.ts'], environment: 'node' },
      },
      {
        test: {
          name: 'e2e',
          root,
          include: ['web/e2e/**/*.test.ts'],
          globalSetup: [path.join(root, 'web/e2e/server.ts')],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
