/**
 * Where the page's token lives: sessionStorage (gone with the tab, never in a URL or a log).
 * A `#token=` fragment signs in and is erased from the address bar at once; the demo's
 * `<meta name="do-demo-token">` is used only while no token was given.
 */
import { createStore } from './store';

const KEY = 'delivery-overview.token';

export interface AuthState {
  token: string | null;
  /** Why the current token cannot be used (shown on the sign-in panel); null while it works. */
  problem: string | null;
}

function demoToken(): string | null {
  return document.querySelector('meta[name="do-demo-token"]')?.getAttribute('content') || null;
}

function storedToken(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export const auth = createStore<AuthState>({ token: null, problem: null });

export function takeTokenFromAddress(): void {
  const match = /(?:^#|&)token=([^&]*)/.exec(location.hash);
  if (match) {
    sessionStorage.setItem(KEY, decodeURIComponent(match[1]));
    const rest = location.hash.replace(/(?:^#|&)token=[^&]*/, '').replace(/^&/, '');
    history.replaceState(history.state, '', location.pathname + location.search + (rest ? `#${rest}` : ''));
  }
  auth.set({ token: storedToken() ?? demoToken(), problem: null });
}

export function signIn(token: string): void {
  sessionStorage.setItem(KEY, token);
  auth.set({ token, problem: null });
}

export function signOut(): void {
  sessionStorage.removeItem(KEY);
  auth.set({ token: null, problem: null });
}

/** The gateway refused the token: show the sign-in panel with the reason. */
export function reportAuthProblem(problem: string): void {
  if (auth.get().problem !== problem) auth.set({ ...auth.get(), problem });
}
