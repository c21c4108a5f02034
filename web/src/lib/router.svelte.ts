// A tiny path router: the Worker serves index.html for every app path, so links are real URLs.
import { PHOTO_ID_PATTERN } from '../../../worker/contract/photo';

export type Route =
  | { name: 'gallery' }
  | { name: 'upload' }
  | { name: 'dashboard' }
  | { name: 'analysis' }
  | { name: 'settings' }
  | { name: 'photo'; id: string }
  | { name: 'search'; params: URLSearchParams }
  | { name: 'people' }
  | { name: 'person'; id: string }
  | { name: 'duplicates' };

function parse(pathname: string, search = ''): Route {
  const photo = pathname.match(/^\/photos\/([^/]+)$/)?.[1];
  if (photo && PHOTO_ID_PATTERN.test(photo)) return { name: 'photo', id: photo };
  const person = pathname.match(/^\/people\/([A-Za-z0-9_-]{1,64})$/)?.[1];
  if (person) return { name: 'person', id: person };
  if (pathname === '/search') return { name: 'search', params: new URLSearchParams(search) };
  if (pathname === '/people') return { name: 'people' };
  if (pathname === '/duplicates') return { name: 'duplicates' };
  if (pathname === '/upload') return { name: 'upload' };
  if (pathname === '/dashboard') return { name: 'dashboard' };
  if (pathname === '/analysis') return { name: 'analysis' };
  if (pathname === '/settings') return { name: 'settings' };
  return { name: 'gallery' };
}

export class Router {
  route = $state.raw<Route>(parse(location.pathname, location.search));

  constructor() {
    addEventListener('popstate', () => (this.route = parse(location.pathname, location.search)));
    // Same-origin links navigate inside the app, so uploads and sockets keep running.
    document.addEventListener('click', (e) => {
      const a = (e.target as Element).closest?.('a');
      if (!a || a.target || a.hasAttribute('download') || e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
      const url = new URL(a.href);
      if (url.origin !== location.origin || url.pathname.startsWith('/api/')) return;
      e.preventDefault();
      this.go(url.pathname + url.search);
    });
  }

  /** `path` may carry a query (/search?q=red): the URL holds a search, so it can be shared and reloaded. */
  go(path: string) {
    const url = new URL(path, location.origin);
    if (url.pathname + url.search !== location.pathname + location.search) history.pushState(null, '', url.pathname + url.search);
    this.route = parse(url.pathname, url.search);
    scrollTo(0, 0);
  }

  /** Changes the URL without a new history entry or a scroll (a search refined as it is typed). */
  replace(path: string) {
    const url = new URL(path, location.origin);
    history.replaceState(null, '', url.pathname + url.search);
    this.route = parse(url.pathname, url.search);
  }
}
