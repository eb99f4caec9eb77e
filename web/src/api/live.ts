/**
 * Live values over graphql-ws on the same origin. One socket for the whole page, opened on
 * the first subscription and re-opened (with backoff) when it drops; its state feeds the
 * live indicator. A refused token (close 4403) sends the reader to the sign-in panel.
 */
import { useEffect, useRef } from 'react';
import { createClient, type Client } from 'graphql-ws/client';
import type { TypedDocumentString } from '../gql/graphql';
import { createStore } from './store';
import { auth, reportAuthProblem } from './token';

export type LiveStatus = 'idle' | 'connecting' | 'connected' | 'reconnecting';
export const liveStatus = createStore<LiveStatus>('idle');

let client: Client | null = null;
let clientToken: string | null = null;
let everConnected = false;

function wsUrl(): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`;
}

function liveClient(): Client {
  const token = auth.get().token;
  if (client && clientToken === token) return client;
  client?.dispose();
  clientToken = token;
  everConnected = false;
  client = createClient({
    url: wsUrl(),
    lazy: true,
    keepAlive: 10_000,
    retryAttempts: Number.POSITIVE_INFINITY,
    connectionParams: () => ({ authorization: `Bearer ${token ?? ''}` }),
    shouldRetry: (event) => (event as CloseEvent)?.code !== 4403,
    on: {
      connecting: () => liveStatus.set(everConnected ? 'reconnecting' : 'connecting'),
      connected: () => {
        everConnected = true;
        liveStatus.set('connected');
      },
      closed: (event) => {
        // The page's HTTP request says more (which scope is missing); it usually lands first.
        if ((event as CloseEvent)?.code === 4403) {
          setTimeout(() => {
            const now = auth.get();
            if (now.token === token && !now.problem) reportAuthProblem('The gateway refused this token: it is unknown, revoked or mistyped.');
          }, 1500);
        }
        liveStatus.set(everConnected ? 'reconnecting' : 'idle');
      },
    },
  });
  return client;
}

/**
 * Subscribes while mounted and while `variables` stays the same (by value); `null` skips.
 * `onData` and `onError` may change between renders without resubscribing.
 */
export function useSubscription<TResult, TVariables>(
  document: TypedDocumentString<TResult, TVariables>,
  variables: TVariables | null,
  onData: (data: TResult) => void,
  onError?: () => void,
): void {
  const handler = useRef(onData);
  handler.current = onData;
  const failed = useRef(onError);
  failed.current = onError;
  const key = variables === null ? null : JSON.stringify(variables);
  const token = auth.get().token;
  useEffect(() => {
    if (key === null || !token) return;
    const dispose = liveClient().subscribe<TResult>(
      { query: document.toString(), variables: JSON.parse(key) as Record<string, unknown> },
      {
        next: (result) => result.data && handler.current(result.data),
        // Errors of a live value (e.g. a rate limit) leave the last value in place; the
        // indicator shows whether the socket is up. A view that must say so passes onError.
        error: () => failed.current?.(),
        complete: () => undefined,
      },
    );
    return () => dispose();
  }, [document, key, token]);
}
