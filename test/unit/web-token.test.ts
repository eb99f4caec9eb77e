/**
 * The page's `#token=` sign-in (web/src/api/token.ts), run against the smallest stand-ins for
 * the browser objects it uses (address, history, session storage, the demo meta). Issue 23
 * item 7: `/#token=%E0%A4%A` threw "URI malformed" and left the token in the address bar.
 */
/**
 * The module uses DOM globals and the root tsconfig has no DOM library (web/ has its own, which
 * type-checks it), so it is loaded untyped here and described by the little the test uses.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { auth, takeTokenFromAddress } = require('../../web/src/api/token') as {
  auth: { get(): { token: string | null; problem: string | null } };
  takeTokenFromAddress(): void;
};

interface Browser {
  href: () => string;
  stored: Map<string, string>;
}

function browserAt(path: string, hash: string, demoToken: string | null = null): Browser {
  const address = { pathname: path.split('?')[0], search: path.includes('?') ? `?${path.split('?')[1]}` : '', hash };
  const stored = new Map<string, string>();
  Object.assign(globalThis, {
    location: address,
    history: {
      state: null,
      replaceState: (_state: unknown, _title: string, url: string) => {
        const u = new URL(url, 'http://page.test');
        Object.assign(address, { pathname: u.pathname, search: u.search, hash: u.hash });
      },
    },
    sessionStorage: {
      getItem: (k: string) => stored.get(k) ?? null,
      setItem: (k: string, v: string) => void stored.set(k, v),
      removeItem: (k: string) => void stored.delete(k),
    },
    document: { querySelector: () => (demoToken === null ? null : { getAttribute: () => demoToken }) },
  });
  return { href: () => `${address.pathname}${address.search}${address.hash}`, stored };
}

afterEach(() => {
  for (const name of ['location', 'history', 'sessionStorage', 'document']) delete (globalThis as Record<string, unknown>)[name];
});

describe('#token= in the address', () => {
  it('signs in with a well-formed token and erases it from the address at once', () => {
    const b = browserAt('/destinations/dst_a?range=LAST_HOUR', '#token=dov_abc%2Bdef');
    takeTokenFromAddress();
    expect(b.href()).toBe('/destinations/dst_a?range=LAST_HOUR');
    expect(auth.get()).toEqual({ token: 'dov_abc+def', problem: null });
  });

  it.each(['#token=%E0%A4%A', '#token=%', '#token=%zz', '#a=1&token=%E0%A4%A&b=2'])(
    '%s: no URI error, the fragment is erased, and the sign-in panel says why',
    (hash) => {
      const b = browserAt('/', hash, 'dov_demo');
      expect(() => takeTokenFromAddress()).not.toThrow();
      expect(b.href()).not.toContain('token');
      expect(b.href()).not.toContain('%E0');
      expect(b.stored.size).toBe(0);
      expect(auth.get().problem).toMatch(/could not be read/);
    },
  );

  it('keeps the rest of the fragment', () => {
    const b = browserAt('/', '#a=1&token=dov_x&b=2');
    takeTokenFromAddress();
    expect(b.href()).toBe('/#a=1&b=2');
    expect(auth.get()).toEqual({ token: 'dov_x', problem: null });
  });

  it('without a token in the address, uses the stored token, else the demo one, and leaves the address alone', () => {
    const b = browserAt('/', '#section', 'dov_demo');
    takeTokenFromAddress();
    expect([b.href(), auth.get()]).toEqual(['/#section', { token: 'dov_demo', problem: null }]);
  });
});

describe('signing out', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { signIn, signOut } = require('../../web/src/api/token') as { signIn(token: string): void; signOut(): void };

  it('is remembered for the tab: a reload does not sign the demo token in again, until the reader signs in', () => {
    const b = browserAt('/', '', 'dov_demo');
    takeTokenFromAddress();
    expect(auth.get().token).toBe('dov_demo');
    signOut();
    expect(auth.get()).toEqual({ token: null, problem: null });
    takeTokenFromAddress(); // the reload
    expect(auth.get()).toEqual({ token: null, problem: null });
    signIn('dov_pasted');
    takeTokenFromAddress();
    expect(auth.get().token).toBe('dov_pasted');
    signOut();
    expect(b.stored.has('delivery-overview.token')).toBe(false);
    // A #token= link is a sign-in too: it clears the flag, and the next load keeps its token.
    (globalThis as unknown as { location: { hash: string } }).location.hash = '#token=dov_link';
    takeTokenFromAddress();
    expect(auth.get().token).toBe('dov_link');
    expect([...b.stored.keys()]).toEqual(['delivery-overview.token']);
    takeTokenFromAddress();
    expect(auth.get().token).toBe('dov_link');
  });
});
