// Builds the Svelte PWA in web/ into dist/, which the Worker serves as static assets.
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'web',
  plugins: [svelte()],
  build: { outDir: '../dist', emptyOutDir: true, target: 'es2022' },
  server: {
    // `npm run dev:web` hot-reloads the UI against the API of a running `npm start`.
    proxy: { '/api': { target: 'http://127.0.0.1:8787', ws: true } },
  },
});
