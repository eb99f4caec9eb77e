import { useEffect, useRef } from 'react';
import { useStore } from './api/store';
import { auth, signOut } from './api/token';
import { followLink, useRoute, type Route } from './route';
import { AlertToasts } from './components/toasts';
import { LiveIndicator } from './components/live-indicator';
import { SignIn } from './views/sign-in';
import { Overview } from './views/overview';
import { DestinationPage } from './views/destination';
import { SourcePage } from './views/source';
import { TracePage } from './views/trace';
import { AlertsPage } from './views/alerts';
import { ReplaysPage } from './views/replays';
import { ReplayPage } from './views/replay-detail';

const NAV: { href: string; label: string; page: Route['page'][] }[] = [
  { href: '/', label: 'Destinations', page: ['overview', 'destination', 'source'] },
  { href: '/trace', label: 'Trace', page: ['trace'] },
  { href: '/replays', label: 'Replays', page: ['replays', 'replay'] },
  { href: '/alerts', label: 'Alerts', page: ['alerts'] },
];

function RouteView({ route }: { route: Route }) {
  switch (route.page) {
    case 'overview':
      return <Overview />;
    case 'destination':
      return <DestinationPage id={route.id!} />;
    case 'trace':
      return <TracePage />;
    case 'alerts':
      return <AlertsPage />;
    case 'source':
      return <SourcePage id={route.id!} />;
    case 'replays':
      return <ReplaysPage />;
    case 'replay':
      return <ReplayPage id={route.id!} />;
    default:
      return (
        <section className="panel empty-state">
          <h1>Page not found</h1>
          <a href="/" onClick={followLink}>
            Go to the destinations overview
          </a>
        </section>
      );
  }
}

export function App() {
  const { token, problem } = useStore(auth);
  const route = useRoute();
  const main = useRef<HTMLElement>(null);
  // A new view moves focus to the content, so keyboard and screen-reader users start there.
  const page = `${route.page}:${route.id ?? ''}`;
  const first = useRef(true);
  useEffect(() => {
    if (first.current) first.current = false;
    else main.current?.focus({ preventScroll: true });
  }, [page]);
  const signedIn = Boolean(token) && !problem;
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <a className="brand" href="/" onClick={followLink}>
          <span className="brand-mark" aria-hidden="true" />
          Delivery Overview
        </a>
        <nav aria-label="Main">
          <ul>
            {NAV.map((item) => (
              <li key={item.href}>
                <a href={item.href} onClick={followLink} aria-current={item.page.includes(route.page) ? 'page' : undefined}>
                  {item.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div className="topbar-end">
          {signedIn && <LiveIndicator />}
          {signedIn && (
            <button type="button" className="button-quiet" onClick={signOut}>
              Sign out
            </button>
          )}
        </div>
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        {signedIn ? <RouteView route={route} /> : <SignIn problem={problem} />}
      </main>
      {signedIn && <AlertToasts />}
    </>
  );
}
