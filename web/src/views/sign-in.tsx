import { useState, type FormEvent } from 'react';
import { demoToken, signIn } from '../api/token';

/** Paste a workspace token; it stays in this tab's sessionStorage and nowhere else. */
export function SignIn({ problem }: { problem: string | null }) {
  const [value, setValue] = useState('');
  const demo = demoToken();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (value.trim()) signIn(value.trim());
  };
  return (
    <section className="panel sign-in" aria-labelledby="sign-in-title" data-view="sign-in">
      <h1 id="sign-in-title">Sign in</h1>
      {problem ? (
        <p className="notice notice-error" role="alert">
          {problem}
        </p>
      ) : (
        <p>
          Paste an API token of your workspace. It needs the read scope; replaying undelivered messages needs the replay (or admin) scope, and editing alert
          rules the admin scope.
        </p>
      )}
      <form onSubmit={submit}>
        <label htmlFor="token">API token</label>
        <input id="token" type="password" autoComplete="off" spellCheck={false} value={value} onChange={(e) => setValue(e.target.value)} placeholder="dov_…" />
        <button type="submit" className="button-primary">
          Sign in
        </button>
      </form>
      <div className="hint" data-hint="where-to-get-a-token">
        <p>Where to get a token:</p>
        <ul>
          <li>
            <code>npx delivery-overview token create --workspace &lt;id&gt; --scopes read</code> in the gateway's folder prints one (it uses the root token in
            the data directory).
          </li>
          <li>
            Under <code>npm run demo</code>, the demo token is printed at start and kept in <code>data/demo-token</code>.
          </li>
        </ul>
      </div>
      {demo && (
        <button type="button" data-action="demo-sign-in" onClick={() => signIn(demo)}>
          Sign in with the demo token
        </button>
      )}
      <p className="hint">The token is kept in this browser tab only (session storage) and is never put in a link or a log.</p>
    </section>
  );
}
