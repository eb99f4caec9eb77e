/**
 * Who the signed-in token is and what it may do (`viewer`), so views offer only the actions it
 * may take: replays need the replay scope (admin implies it); the gateway would answer
 * FORBIDDEN otherwise. Views whose own request carries `viewer` remember it (no extra request);
 * others ask once per token.
 */
import { useEffect } from 'react';
import { ViewerDocument, type Scope } from '../gql/graphql';
import { request } from './client';
import { createStore, useStore } from './store';
import { auth } from './token';

export interface ViewerValue {
  tokenId: string | number;
  scopes: readonly Scope[];
}

const known = createStore<{ token: string; viewer: ViewerValue } | null>(null);
let asking: string | null = null;

/** The viewer known for the current token; `ask`: fetch it when unknown (false where the view's own request brings it). */
export function useViewer(ask = true): ViewerValue | undefined {
  const { token } = useStore(auth);
  const stored = useStore(known);
  const current = stored && stored.token === token ? stored.viewer : undefined;
  useEffect(() => {
    if (!token || current || !ask || asking === token) return;
    asking = token;
    request(ViewerDocument, {}).then(
      (data) => known.set({ token, viewer: data.viewer }),
      () => (asking = null),
    );
  }, [token, current, ask]);
  return current;
}

/** Keeps the viewer a view's answer brought, for this token. */
export function useRememberViewer(answered: ViewerValue | null | undefined): void {
  const { token } = useStore(auth);
  useEffect(() => {
    if (!token || !answered) return;
    const stored = known.get();
    const same = stored?.token === token && stored.viewer.tokenId === answered.tokenId && stored.viewer.scopes.join() === answered.scopes.join();
    if (!same) known.set({ token, viewer: answered });
  }, [token, answered]);
}

/** The token may create and cancel replays. */
export function mayReplay(viewer: ViewerValue | undefined): boolean {
  return viewer?.scopes.includes('REPLAY') ?? false;
}
