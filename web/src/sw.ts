/// <reference lib="webworker" />
// The service worker: precaches the app shell so darkroom opens offline and installs as an app, and
// receives photos shared from the phone's share sheet. It never caches the API, originals or models.
import { clientsClaim } from 'workbox-core';
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { shareRefusal } from './upload/share-origin';
import { idbStore } from './upload/store';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: Array<{ url: string; revision: string | null }> };

// The API (uploads, thumbnails, the live feed) never needs this worker, so the browser sends those
// requests straight to the network without dispatching them here (static routing, Chromium 123+).
// Through a fetch handler every upload took a hop through this thread, where each file of its body
// was registered and stat'ed again: 6.5 s of this thread for a 1,000-photo pick.
self.addEventListener('install', (event) => {
  const install = event as ExtendableEvent & { addRoutes?: (rules: object) => Promise<void> };
  install.addRoutes?.({ condition: { urlPattern: { pathname: '/api/*' } }, source: 'network' }).catch((err: unknown) => console.warn('static routes refused', err));
});
self.skipWaiting();
clientsClaim();
precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();
registerRoute(new NavigationRoute(createHandlerBoundToURL('/index.html'), { denylist: [/^\/api\//, /^\/__/] }));

// Web Share Target (see the manifest): shared files join the persisted upload queue as "shared —
// confirm to upload"; nothing is sent until the user confirms it (security review H1).
self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method === 'POST' && url.pathname === '/share') event.respondWith(receiveShare(event.request));
});

async function receiveShare(request: Request): Promise<Response> {
  const refused = shareRefusal(request, self.location.origin);
  if (refused) {
    console.warn('refused a share', refused);
    return new Response(`darkroom refused this share: ${refused}.`, { status: 403, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
  }
  const form = await request.formData();
  const files = form.getAll('file').filter((f): f is File => typeof f !== 'string');
  await idbStore.put(files.map((file, i) => ({
    id: `share-${Date.now().toString(36)}-${i}`, name: file.name || `shared-${i + 1}`, size: file.size, blob: file, addedAt: Date.now() + i, shared: true,
  })));
  return Response.redirect(`/upload?shared=${files.length}`, 303);
}
