/**
 * Client-side routing on the History API: every view's state lives in the address, so links
 * are shareable and back/forward work. No router library.
 */
import { useSyncExternalStore, type MouseEvent } from 'react';

export type Page = 'overview' | 'destination' | 'source' | 'trace' | 'alerts' | 'replays' | 'replay' | 'notFound';

export interface Route {
  page: Page;
  /** The destination, source or replay id of /destinations/<id>, /sources/<id>, /replays/<id>. */
  id: string | null;
  params: URLSearchParams;
}

const listeners = new Set<() => void>();
window.addEventListener('popstate', () => listeners.forEach((l) => l()));

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The page of each /<kind>/<id> path. */
const ENTITY_PAGES: Record<string, Page> = { destinations: 'destination', sources: 'source', replays: 'replay' };

let cachedHref = '';
let cachedRoute: Route = { page: 'notFound', id: null, params: new URLSearchParams() };

function currentRoute(): Route {
  if (location.href === cachedHref) return cachedRoute;
  cachedHref = location.href;
  const path = location.pathname.replace(/\/+$/, '') || '/';
  const params = new URLSearchParams(location.search);
  const entity = /^\/(destinations|sources|replays)\/([^/]+)$/.exec(path);
  if (path === '/') cachedRoute = { page: 'overview', id: null, params };
  else if (entity) cachedRoute = { page: ENTITY_PAGES[entity[1]], id: decodeURIComponent(entity[2]), params };
  else if (path === '/trace' || path === '/alerts' || path === '/replays') cachedRoute = { page: path.slice(1) as Page, id: null, params };
  else cachedRoute = { page: 'notFound', id: null, params };
  return cachedRoute;
}

export function useRoute(): Route {
  return useSyncExternalStore(subscribe, currentRoute);
}

export function navigate(href: string, options: { replace?: boolean } = {}): void {
  if (href === location.pathname + location.search) return;
  if (options.replace) history.replaceState(null, '', href);
  else history.pushState(null, '', href);
  listeners.forEach((l) => l());
}

/** The current path with some query parameters changed (null removes one). */
export function withParams(changes: Record<string, string | null>): string {
  const params = new URLSearchParams(location.search);
  for (const [name, value] of Object.entries(changes)) {
    if (value === null) params.delete(name);
    else params.set(name, value);
  }
  const query = params.toString();
  return location.pathname + (query ? `?${query}` : '');
}

export function setParams(changes: Record<string, string | null>, options: { replace?: boolean } = {}): void {
  navigate(withParams(changes), options);
}

/** For <a href> elements: plain clicks stay in the page; modified clicks open a tab as usual. */
export function followLink(event: MouseEvent<HTMLAnchorElement>): void {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  navigate(event.currentTarget.getAttribute('href') ?? '/');
}
