// A tiny path router: the Worker serves index.html for every app path, so links are real URLs.
import { PHOTO_ID_PATTERN } from '../../../worker/contract/photo';

export type Route =
  | { name: 'gallery' }
  | { name: 'upload' }
  | { name: 'dashboard' }
  | { name: 'analysis' }
  | { name: 'settings' }
  | { name: 'photo'; id: string };

function parse(pathname: string): Route {
  const photo = pathname.match(/^\/photos\/([^/]+)$/)?.[1];
  if (photo && PHOTO_ID_PATTERN.test(photo)) return { name: 'photo', id: photo };
  if (pathname === '/upload') return { name: 'upload' };
  if (pathname === '/dashboard') return { name: 'dashboard' };
  if (pathname === '/analysis') return { name: 'analysis' };
  if (pathname === '/settings') return { name: 'settings' };
  return { name: 'gallery' };
}

export class Router {
  route = $state<Route>(parse(location.pathname));

  constructor() {
    addEventListener('popstate', () => (this.route = parse(location.pathname)));
    // Same-origin links navigate inside the app, so uploads and sockets keep running.
    document.addEventListener('click', (e) => {
      const a = (e.target as Element).closest?.('a');
      if (!a || a.target || a.hasAttribute('download') || e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
      const url = new URL(a.href);
      if (url.origin !== location.origin || url.pathname.startsWith('/api/')) return;
      e.preventDefault();
      this.go(url.pathname);
    });
  }

  go(path: string) {
    if (path !== location.pathname) history.pushState(null, '', path);
    this.route = parse(path);
    scrollTo(0, 0);
  }
}
