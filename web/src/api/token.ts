/**
 * Where the page's token lives: sessionStorage (gone with the tab, never in a URL or a log).
 * A `#token=` fragment signs in and is erased from the address bar at once (one that is not
 * valid percent-encoding is erased too, and the sign-in panel says why); the demo's
 * `<meta name="do-demo-token">` is used only while no token was given and the reader has not
 * signed out in this tab (a reload after "Sign out" stays signed out until they sign in).
 */
import { createStore } from './store';

const KEY = 'delivery-overview.token';
/** Set by "Sign out", cleared by signing in: the demo token does not sign this tab in again. */
const SIGNED_OUT = 'delivery-overview.signed-out';

export interface AuthState {
  token: string | null;
  /** Why the current token cannot be used (shown on the sign-in panel); null while it works. */
  problem: string | null;
}

/** The token the demo's page carries (loopback only), or null. */
export function demoToken(): string | null {
  return document.querySelector('meta[name="do-demo-token"]')?.getAttribute('content') || null;
}

function signedOut(): boolean {
  try {
    return sessionStorage.getItem(SIGNED_OUT) !== null;
  } catch {
    return false;
  }
}

function storedToken(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export const auth = createStore<AuthState>({ token: null, problem: null });

/** A `#token=` fragment: the token (null when empty or not valid percent-encoding), whether it could be read, and the rest of the fragment. */
export interface FragmentToken {
  token: string | null;
  readable: boolean;
  rest: string;
}

/** What a fragment (`#a=1&token=…`) says about a token; null when it names none. */
export function tokenFromFragment(hash: string): FragmentToken | null {
  const fragment = hash.replace(/^#/, '');
  const match = /(?:^|&)token=([^&]*)/.exec(fragment);
  if (!match) return null;
  const rest = fragment.replace(/(?:^|&)token=[^&]*/, '').replace(/^&/, '');
  try {
    return { token: decodeURIComponent(match[1]) || null, readable: true, rest };
  } catch {
    // A link cut or mangled in transit (`%E0%A4%A`): no token to take, and not an exception either.
    return { token: null, readable: false, rest };
  }
}

export function takeTokenFromAddress(): void {
  const taken = tokenFromFragment(location.hash);
  let problem: string | null = null;
  if (taken) {
    // Erased before anything else, so the address bar never keeps a token, readable or not.
    history.replaceState(history.state, '', location.pathname + location.search + (taken.rest ? `#${taken.rest}` : ''));
    if (taken.token) storeToken(taken.token);
    else if (!taken.readable) problem = 'The token in the link could not be read (it was cut or mangled). Paste the token here instead.';
  }
  auth.set({ token: taken?.token ?? storedToken() ?? (signedOut() ? null : demoToken()), problem });
}

/** Kept for the tab; a browser that refuses storage still signs in for this page load. */
function storeToken(token: string): void {
  try {
    sessionStorage.setItem(KEY, token);
    sessionStorage.removeItem(SIGNED_OUT);
  } catch {
    // nothing to keep it in: the token lives in memory until the tab is reloaded
  }
}

export function signIn(token: string): void {
  storeToken(token);
  auth.set({ token, problem: null });
}

/** Forgets the token and remembers, for this tab, that the reader signed out (see SIGNED_OUT). */
export function signOut(): void {
  try {
    sessionStorage.removeItem(KEY);
    sessionStorage.setItem(SIGNED_OUT, '1');
  } catch {
    // nothing stored to forget; a reload may sign the demo token in again
  }
  auth.set({ token: null, problem: null });
}

/** The gateway refused the token: show the sign-in panel with the reason. */
export function reportAuthProblem(problem: string): void {
  if (auth.get().problem !== problem) auth.set({ ...auth.get(), problem });
}
