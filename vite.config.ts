// Builds the Svelte PWA in web/ into dist/, which the Worker serves as static assets.
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig, type Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

/**
 * onnxruntime-web references its 27 MB WASM build by URL, so the bundler copies it into the app. The
 * model worker loads the runtime from /models/_ort/ instead (served from R2), and Cloudflare's static
 * assets cap files at 25 MiB: drop the copy.
 */
const dropOrtWasm: Plugin = {
  name: 'darkroom-drop-ort-wasm',
  generateBundle(_, bundle) {
    for (const name of Object.keys(bundle)) if (/ort-wasm.*\.wasm$/.test(name)) delete bundle[name];
  },
};

export default defineConfig({
  root: 'web',
  plugins: [
    svelte(),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src',
      filename: 'sw.ts',
      registerType: 'autoUpdate',
      injectRegister: false,
      // The app shell only: API answers, originals and model weights are never cached by the worker.
      injectManifest: { globPatterns: ['**/*.{js,css,html,svg,png,webmanifest}'] },
      manifest: {
        name: 'darkroom',
        short_name: 'darkroom',
        description: 'Your photos, developed at the edge and understood on your own device.',
        start_url: '/',
        display: 'standalone',
        background_color: '#111113',
        theme_color: '#18181b',
        icons: [
          { src: '/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: '/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: '/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
        share_target: {
          action: '/share',
          method: 'POST',
          enctype: 'multipart/form-data',
          params: { files: [{ name: 'file', accept: ['image/*', 'video/*', '.heic', '.heif'] }] },
        },
      },
    }),
  ],
  build: { outDir: '../dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 1500 },
  // transformers.js and onnxruntime-web load WASM relative to themselves: leave them unbundled in dev.
  optimizeDeps: { exclude: ['@huggingface/transformers', 'onnxruntime-web'] },
  worker: { format: 'es', plugins: () => [dropOrtWasm] },
  server: {
    // `npm run dev:web` hot-reloads the UI against the API of a running `npm start`.
    proxy: { '/api': { target: 'http://127.0.0.1:8787', ws: true } },
  },
});
